import { randomUUID } from 'node:crypto';
import { raisesAlert } from '../alerts/classify.js';
import type { RestoreResult } from '../api/backups.js';
import type { JobKey } from '../api/jobs.js';
import type { OperationKind } from '../api/operations.js';
import type { BackupOperations } from '../backup/client.js';
import { BackupError } from '../backup/errors.js';
import { policyView, publicView } from '../backup/view.js';
import type { Clock } from '../clock.js';
import { type CliConfig, cliBackupSettings } from '../config/cli.js';
import type { ContainerFilter, LogOptions } from '../deploy/containers.js';
import type { DownRequest } from '../deploy/down-target.js';
import type { DeployEvent } from '../deploy/events.js';
import type { StackOperations, UpOptions } from '../deploy/service.js';
import type { JobOperations } from '../jobs/client.js';
import type { Loggers } from '../log/index.js';
import { progressEventInput } from '../operations/progress-event.js';
import { type Berth, createBerth } from './berth.js';
import { alertedFailure } from './local-alerts.js';

/**
 * The CLI in-process (`--local`): the composition root without a listener. It loads stacks from the
 * workspace, drives the engine itself and keeps state in its own SQLite file, without a server.
 */
export class LocalClient implements StackOperations, JobOperations, BackupOperations {
  private readonly berth: Berth;
  private settling: Promise<void> | undefined;

  constructor(
    config: CliConfig,
    env: Readonly<Record<string, string | undefined>>,
    loggers: Loggers,
    clock: Clock,
  ) {
    this.berth = createBerth({
      stateDir: config.stateDir,
      workspace: config.workspace,
      ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
      ...(config.dockerConfigDir ? { dockerConfigDir: config.dockerConfigDir } : {}),
      env,
      clock,
      loggers,
      allowPaths: true,
      process: 'local',
      backup: () => {
        const read = cliBackupSettings(config.configFile, env);
        if (read.ok) return read.settings;
        throw new BackupError(
          'BACKUP_NOT_CONFIGURED',
          read.errors.map((e) => `${e.file ?? 'config'}:${e.line}:${e.column}: ${e.message}`).join('; '),
          read.errors.map((e) => e.hint).find((h) => h !== '') ?? 'fix the config file named by BERTH_CONFIG',
        );
      },
    });
  }

  private get stacks() {
    return this.berth.stacks();
  }

  plan(stack: string, options?: { build?: boolean }) {
    return this.stacks.plan(stack, options);
  }

  config(stack: string) {
    return this.stacks.config(stack);
  }

  /**
   * Before a command changes a stack: what a process now gone left running on it (a `--local`
   * restore killed midway) is recorded as interrupted and put back (the services it stopped started
   * again), as `berth serve` does at start. Not while a live process holds the stack's lock: that
   * one is changing the stack, and the command will be refused. Returns the stack's name.
   */
  private async recovered(target: string): Promise<string> {
    // A path names its stack by its folder; one that names none fails the command itself, as before.
    const stack = await this.stacks.nameOf(target).catch(() => target);
    if (this.berth.store().locks.liveHolder(stack) === undefined) await this.berth.recoverInterrupted(stack);
    return stack;
  }

  /**
   * A deploy, removal or restart with its events stored in the state file as the server's runner
   * stores them: a running `berth serve` routes them to alerts (a failed gate is an error notice), now
   * or at its next start. A failure none of its events alerted is stored as the runner's `finished`
   * event of a failed operation is, and alerted alike (failure-alert.ts). What a dead process left on
   * the stack is put back first (recovered).
   */
  private async recorded<T>(
    kind: 'up' | 'down' | 'restart',
    target: string,
    onEvent: ((e: DeployEvent) => void) | undefined,
    work: (onEvent: (e: DeployEvent) => void) => Promise<T>,
  ): Promise<T> {
    const hub = this.berth.events();
    const stack = await this.recovered(target);
    let told = false;
    const record = (e: DeployEvent) => {
      told ||= raisesAlert(hub.publish(progressEventInput('deploy', stack, e)));
      onEvent?.(e);
    };
    return this.alerted(
      kind,
      stack,
      () => told,
      () => work(record),
    );
  }

  /** `work` as the operation `kind` of `stack`, its failure alerted as the server's (local-alerts.ts). */
  private alerted<T>(kind: OperationKind, stack: string, told: () => boolean, work: () => Promise<T>) {
    return alertedFailure(() => this.berth.events(), { kind, stack, told }, work);
  }

  async up(stack: string, options: UpOptions) {
    return this.recorded('up', stack, options.onEvent, (onEvent) =>
      this.stacks.up(stack, { ...options, onEvent }),
    );
  }

  async down(stack: string, options: DownRequest) {
    if (options.dryRun) return this.stacks.down(stack, options);
    return this.recorded('down', stack, options.onEvent, (onEvent) =>
      this.stacks.down(stack, { ...options, onEvent }),
    );
  }

  ps(stack?: string, filter?: ContainerFilter) {
    return this.stacks.ps(stack, filter);
  }

  async *logs(stack: string, options: LogOptions) {
    // A service the stack does not have is refused, as the API does, not answered with no lines.
    if (options.service !== undefined)
      await this.stacks.requireService(stack, options.service, 'files-or-engine');
    yield* this.stacks.logs(stack, options);
  }

  async restart(stack: string, options: { service?: string; onEvent?: (e: DeployEvent) => void }) {
    // Refused before an operation is recorded for it.
    if (options.service !== undefined) await this.stacks.requireService(stack, options.service, 'files');
    return this.recorded('restart', stack, options.onEvent, (onEvent) =>
      this.stacks.restart(stack, { ...options, onEvent }),
    );
  }

  async exec(stack: string, service: string, argv: readonly string[]) {
    await this.stacks.requireService(stack, service, 'files-or-engine');
    return this.stacks.exec(stack, service, argv);
  }

  pruneImages(stack: string, options: { keep?: number; dryRun: boolean }) {
    return this.stacks.pruneImages(stack, options);
  }

  deployments(stack: string, options: { limit: number; before?: number }) {
    return this.stacks.deployments(stack, options);
  }

  async healthList(stack?: string) {
    return this.berth
      .health()
      .list(stack === undefined ? undefined : (await this.berth.stacks().load(stack)).name);
  }

  async probeDetail(key: { stack: string; service: string; probe: string }) {
    return this.berth.health().detail(key);
  }

  async jobList(stack?: string) {
    const summaries = this.berth.jobSummaries();
    return (await this.berth.jobs().jobs(stack)).map((e) => summaries.of(e));
  }

  async jobHistory(key: JobKey, page: { limit: number; before?: number }) {
    await this.berth.jobs().find(key);
    return this.berth.jobSummaries().history(key, page);
  }

  async jobRun(
    key: JobKey,
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void,
    signal?: AbortSignal,
  ) {
    const jobs = this.berth.jobs();
    const entry = await jobs.find(key);
    jobs.checkManual(entry);
    // A run that fails is recorded `failed` (its `failed` event alerts): only a throw is alerted here.
    return this.alerted(
      'job',
      entry.key.stack,
      () => false,
      () =>
        jobs.run(entry, {
          trigger: 'manual',
          ...(onLine ? { onLine } : {}),
          ...(signal ? { signal } : {}),
        }),
    );
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
    return {
      dryRun: options.dryRun,
      decisions: decisions.map((d) => ({
        id: d.id,
        service: d.service,
        keep: d.keep,
        reasons: [...d.reasons],
      })),
    };
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

  async close(): Promise<void> {
    await this.berth.stop(0);
  }
}
