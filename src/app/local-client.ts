import type { JobKey } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import type { CliConfig } from '../config/cli.js';
import type { ContainerFilter, LogOptions } from '../deploy/containers.js';
import type { DeployEvent } from '../deploy/events.js';
import type { DownRequest, StackOperations, UpOptions } from '../deploy/service.js';
import type { JobOperations } from '../jobs/client.js';
import type { Loggers } from '../log/index.js';
import { type Berth, createBerth } from './berth.js';

/**
 * The CLI in-process (`--local`): the composition root without a listener. It loads stacks from the
 * workspace, drives the engine itself and keeps state in its own SQLite file, without a server.
 */
export class LocalClient implements StackOperations, JobOperations {
  private readonly berth: Berth;

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
      env,
      clock,
      loggers,
      allowPaths: true,
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

  up(stack: string, options: UpOptions) {
    return this.stacks.up(stack, options);
  }

  down(stack: string, options: DownRequest) {
    return this.stacks.down(stack, options);
  }

  ps(stack?: string, filter?: ContainerFilter) {
    return this.stacks.ps(stack, filter);
  }

  logs(stack: string, options: LogOptions) {
    return this.stacks.logs(stack, options);
  }

  restart(stack: string, options: { service?: string; onEvent?: (e: DeployEvent) => void }) {
    return this.stacks.restart(stack, options);
  }

  exec(stack: string, service: string, argv: readonly string[]) {
    return this.stacks.exec(stack, service, argv);
  }

  deployments(stack: string, options: { limit: number; before?: number }) {
    return this.stacks.deployments(stack, options);
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
    return jobs.run(entry, {
      trigger: 'manual',
      ...(onLine ? { onLine } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  async close(): Promise<void> {
    await this.berth.stop(0);
  }
}
