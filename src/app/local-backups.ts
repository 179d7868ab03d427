import { randomUUID } from 'node:crypto';
import type { RestoreResult } from '../api/backups.js';
import type { OperationKind } from '../api/operations.js';
import type { BackupOperations } from '../backup/client.js';
import { policyView, pruneView, publicView } from '../backup/view.js';
import type { Berth } from './berth.js';
import { alertedFailure } from './local-alerts.js';

/**
 * The backup commands of the CLI's `--local` client (LocalClient): backups, drills and restores run
 * in-process over the state file, failures alerted as the server's (local-alerts.ts).
 */
export class LocalBackups implements BackupOperations {
  private settling: Promise<void> | undefined;

  constructor(
    private readonly berth: Berth,
    /** What a dead process left on the stack is put back first; returns the stack's name (LocalClient). */
    private readonly recovered: (target: string) => Promise<string>,
  ) {}

  /** `work` as the operation `kind` of `stack`, its failure alerted as the server's (local-alerts.ts). */
  private alerted<T>(kind: OperationKind, stack: string, told: () => boolean, work: () => Promise<T>) {
    return alertedFailure(() => this.berth.events(), { kind, stack, told }, work);
  }

  /**
   * The backup service, once what a killed `berth --local` left running is settled (recorded as
   * failed, its partial files gone); a live server's work is left be.
   */
  private async backups() {
    const backups = this.berth.backups();
    this.settling ??= backups.settleStale().then(
      () => undefined,
      () => undefined,
    );
    await this.settling;
    return backups;
  }

  async backupList(stack: string, filter: { service?: string; limit?: number } = {}) {
    const backups = await this.backups();
    const jobState = this.berth.store().jobState;
    return {
      policies: (await backups.entries(stack)).map((e) => policyView(e, backups, jobState)),
      items: backups.list(stack, filter).map(publicView),
    };
  }

  async backupShow(stack: string, id: string) {
    return publicView((await this.backups()).get(stack, id));
  }

  async backupRun(
    stack: string,
    service: string,
    onProgress?: (message: string) => void,
    signal?: AbortSignal,
  ) {
    const backups = await this.backups();
    const entry = await backups.find(stack, service);
    // Refused as the server refuses it before an operation exists; past that, alerted alike.
    backups.check(entry, 'manual');
    const record = await this.alerted(
      'backup',
      stack,
      () => false,
      () =>
        backups.run(entry, {
          trigger: 'manual',
          ...(onProgress ? { onProgress } : {}),
          ...(signal ? { signal } : {}),
        }),
    );
    return publicView(record);
  }

  async backupDrill(stack: string, id: string, onProgress?: (message: string) => void, signal?: AbortSignal) {
    const backups = await this.backups();
    backups.checkDrill(stack, id);
    const record = await this.alerted(
      'drill',
      stack,
      () => false,
      () =>
        backups.drill(stack, id, {
          ...(onProgress ? { onProgress } : {}),
          ...(signal ? { signal } : {}),
        }),
    );
    return publicView(record);
  }

  async backupPrune(stack: string, options: { service?: string; dryRun: boolean }) {
    const decisions = await (await this.backups()).prune(stack, options);
    return pruneView(options.dryRun, decisions);
  }

  /**
   * A restore runs as an operation in the state file, owned by this process (pid, host, token), as
   * the server's do: its steps are its events, so when this process dies midway, the next `berth
   * serve` start or `--local` command on the stack starts again what it stopped. A dry run changes
   * nothing and is not recorded.
   */
  async backupRestore(
    stack: string,
    id: string,
    options: { service?: string; intoStack?: string; dryRun: boolean },
    onProgress?: (message: string) => void,
    signal?: AbortSignal,
  ): Promise<RestoreResult> {
    const backups = await this.backups();
    const request = {
      stack,
      id,
      ...options,
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    };
    if (options.dryRun) return backups.restore(request);
    // Refused before an operation is recorded for it, as the API refuses it.
    backups.checkDrill(stack, id, 'restore');
    const target = await this.recovered(options.intoStack ?? stack);
    const runner = this.berth.runner();
    try {
      return await new Promise<RestoreResult>((resolve, reject) => {
        runner.start({
          kind: 'restore',
          stack: target,
          actor: 'local',
          requestId: `local-${randomUUID()}`,
          run: ({ onEvent, signal: stopping }) => {
            const restoring = backups.restore({
              ...request,
              signal: signal ? AbortSignal.any([signal, stopping]) : stopping,
              onProgress: (message, data) => {
                onEvent({ type: 'progress', message, ...(data ? { data } : {}) });
                onProgress?.(message);
              },
            });
            restoring.then(resolve, reject);
            return restoring;
          },
        });
      });
    } finally {
      // Its end is recorded before the state file closes.
      await runner.idle();
    }
  }
}
