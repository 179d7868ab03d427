import { raisesAlert } from '../alerts/classify.js';
import type { JobKey } from '../api/jobs.js';
import type { BackupOperations } from '../backup/client.js';
import { BackupError } from '../backup/errors.js';
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
import { LocalBackups } from './local-backups.js';

/**
 * The CLI in-process (`--local`): the composition root without a listener. It loads stacks from the
 * workspace, drives the engine itself and keeps state in its own SQLite file, without a server.
 */
export class LocalClient implements StackOperations, JobOperations, BackupOperations {
  private readonly berth: Berth;
  private readonly backupCommands: LocalBackups;

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
    this.backupCommands = new LocalBackups(this.berth, (target) => this.recovered(target));
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
    return alertedFailure(
      () => this.berth.events(),
      { kind, stack, told: () => told },
      () => work(record),
    );
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
    return alertedFailure(
      () => this.berth.events(),
      { kind: 'job', stack: entry.key.stack, told: () => false },
      () =>
        jobs.run(entry, {
          trigger: 'manual',
          ...(onLine ? { onLine } : {}),
          ...(signal ? { signal } : {}),
        }),
    );
  }

  backupList(...args: Parameters<LocalBackups['backupList']>) {
    return this.backupCommands.backupList(...args);
  }

  backupShow(...args: Parameters<LocalBackups['backupShow']>) {
    return this.backupCommands.backupShow(...args);
  }

  backupRun(...args: Parameters<LocalBackups['backupRun']>) {
    return this.backupCommands.backupRun(...args);
  }

  backupDrill(...args: Parameters<LocalBackups['backupDrill']>) {
    return this.backupCommands.backupDrill(...args);
  }

  backupPrune(...args: Parameters<LocalBackups['backupPrune']>) {
    return this.backupCommands.backupPrune(...args);
  }

  /** A restore runs as an operation in the state file (LocalBackups.backupRestore). */
  backupRestore(...args: Parameters<LocalBackups['backupRestore']>) {
    return this.backupCommands.backupRestore(...args);
  }

  async close(): Promise<void> {
    await this.berth.stop(0);
  }
}
