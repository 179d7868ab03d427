import { z } from 'zod';
import {
  BackupSchema,
  type BackupView,
  type PruneResult,
  PruneResultSchema,
  type RestoreResult,
  type StackBackups,
  StackBackupsSchema,
} from '../api/backups.js';
import {
  ContainerListSchema,
  type ContainerRow,
  DeploymentPageSchema,
  type DeploymentView,
  type DownResult,
  DownResultSchema,
  type ExecResult,
  ExecResultSchema,
  type LogEntry,
  LogEntrySchema,
  LogErrorLineSchema,
  PlanSchema,
  type PlanView,
  type RestartResult,
  type UpResult,
} from '../api/deploy.js';
import type { StreamEvent } from '../api/events.js';
import { type HealthList, HealthListSchema, type ProbeDetail, ProbeDetailSchema } from '../api/health.js';
import { type ImagePruneResult, ImagePruneResultSchema } from '../api/images.js';
import type { JobKey } from '../api/jobs.js';
import { JobListSchema, type JobRun, JobRunPageSchema, type JobSummary } from '../api/jobs.js';
import { OPERATION_RESULTS, OperationSchema } from '../api/operations.js';
import { StackConfigSchema } from '../api/stacks.js';
import { isPathLike } from '../compose/names.js';
import type { ContainerFilter, LogOptions } from '../deploy/containers.js';
import type { DownRequest } from '../deploy/down-target.js';
import type { DeployEvent } from '../deploy/events.js';
import type { UpOptions } from '../deploy/service.js';
import type { ApiConnection } from './api.js';
import { parseAnswer } from './api-answer.js';
import { ApiRequestError } from './api-error.js';
import type { BerthClient } from './client.js';
import { deployProgress, type FollowPacing, followOperation } from './follow.js';

/** Shows the steps of a backup or drill (its `backup` events). */
const backupProgress =
  (onProgress?: (message: string) => void) =>
  (event: StreamEvent): void => {
    if (event.kind === 'backup') onProgress?.(event.message);
  };

const stackPath = (stack: string) => `/api/v1/stacks/${encodeURIComponent(stack)}`;
const jobPath = (stack: string, key: JobKey) =>
  `${stackPath(stack)}/jobs/${encodeURIComponent(key.service)}/${encodeURIComponent(key.job)}`;

/**
 * The CLI's client when it talks to `berth serve`: every engine-touching command is an API call,
 * and every answer is checked against the API contract. Stacks are named as in the server's
 * workspace (a local folder means nothing to the server).
 */
export class HttpClient implements BerthClient {
  /** How follows wait (a dropped or rate-limited stream) and tell the user they wait. */
  private readonly pacing: FollowPacing;

  constructor(
    private readonly api: Pick<ApiConnection, 'json' | 'lines' | 'url'>,
    /** `sleep` defaults to a real timer; without `notice`, waits go unsaid (main.ts passes stderr). */
    pacing: Partial<FollowPacing> = {},
  ) {
    this.pacing = {
      sleep: pacing.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      ...(pacing.notice ? { notice: pacing.notice } : {}),
    };
  }

  private name(stack: string): string {
    if (isPathLike(stack)) {
      throw new ApiRequestError(
        'STACK_NAME_REQUIRED',
        `${stack} is a path; over the API a stack is named as in the server's workspace`,
        'give the stack name (`berth ps` or GET /api/v1/stacks lists them), or add --local to use a folder here',
        0,
      );
    }
    return stack;
  }

  plan(stack: string, options: { build?: boolean } = {}): Promise<PlanView> {
    return this.api.json('GET', `${stackPath(this.name(stack))}/plan`, PlanSchema, {
      query: options.build ? { build: 'true' } : {},
    });
  }

  config(stack: string): Promise<Record<string, unknown>> {
    return this.api.json('GET', `${stackPath(this.name(stack))}/config`, StackConfigSchema);
  }

  async up(stack: string, options: UpOptions): Promise<UpResult> {
    const op = await this.api.json('POST', `${stackPath(this.name(stack))}/up`, OperationSchema, {
      body: {
        ...(options.build ? { build: true } : {}),
        ...(options.skipBackup ? { skipBackup: true } : {}),
      },
    });
    return followOperation(this.api, op, OPERATION_RESULTS.up, deployProgress(options.onEvent), this.pacing);
  }

  async down(stack: string, options: DownRequest): Promise<DownResult> {
    if (options.dryRun) {
      return this.api.json('GET', `${stackPath(this.name(stack))}/down-plan`, DownResultSchema, {
        query: options.volumes ? { volumes: 'true' } : {},
      });
    }
    const op = await this.api.json('POST', `${stackPath(this.name(stack))}/down`, OperationSchema, {
      body: options.volumes ? { volumes: true } : {},
    });
    return followOperation(
      this.api,
      op,
      OPERATION_RESULTS.down,
      deployProgress(options.onEvent),
      this.pacing,
    );
  }

  async ps(stack?: string, filter: ContainerFilter = {}): Promise<ContainerRow[]> {
    const page = await this.api.json('GET', '/api/v1/containers', ContainerListSchema, {
      query: {
        ...(stack === undefined ? {} : { stack: this.name(stack) }),
        ...(filter.oneOff ? { oneoff: 'true' } : {}),
      },
    });
    return page.items;
  }

  async *logs(stack: string, options: LogOptions): AsyncIterable<LogEntry> {
    const lines = this.api.lines('GET', `${stackPath(this.name(stack))}/logs`, {
      query: {
        service: options.service,
        follow: options.follow ? 'true' : undefined,
        tail: options.tail,
        since: options.since,
        oneoff: options.oneOff ? 'true' : undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const what = `GET ${stackPath(stack)}/logs`;
    for await (const line of lines) {
      if (line === '') continue;
      const entry = parseAnswer(this.api.url, what, line, z.union([LogEntrySchema, LogErrorLineSchema]));
      if ('error' in entry) {
        throw new ApiRequestError(
          entry.error.code,
          entry.error.message,
          entry.error.hint ?? 'the log stream ended early',
          0,
        );
      }
      yield entry;
    }
  }

  async restart(
    stack: string,
    options: { service?: string; onEvent?: (e: DeployEvent) => void },
  ): Promise<RestartResult> {
    const op = await this.api.json('POST', `${stackPath(this.name(stack))}/restart`, OperationSchema, {
      body: options.service ? { service: options.service } : {},
    });
    return followOperation(
      this.api,
      op,
      OPERATION_RESULTS.restart,
      deployProgress(options.onEvent),
      this.pacing,
    );
  }

  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult> {
    return this.api.json('POST', `${stackPath(this.name(stack))}/exec`, ExecResultSchema, {
      body: { service, argv },
    });
  }

  pruneImages(stack: string, options: { keep?: number; dryRun: boolean }): Promise<ImagePruneResult> {
    return this.api.json('POST', `${stackPath(this.name(stack))}/images/prune`, ImagePruneResultSchema, {
      body: { dryRun: options.dryRun, ...(options.keep === undefined ? {} : { keep: options.keep }) },
    });
  }

  deployments(
    stack: string,
    options: { limit: number; before?: number },
  ): Promise<{ items: DeploymentView[]; nextBefore?: number }> {
    return this.api.json('GET', `${stackPath(this.name(stack))}/deployments`, DeploymentPageSchema, {
      query: { limit: options.limit, before: options.before },
    });
  }

  async jobList(stack?: string): Promise<JobSummary[]> {
    const path = stack === undefined ? '/api/v1/jobs' : `${stackPath(this.name(stack))}/jobs`;
    return (await this.api.json('GET', path, JobListSchema)).items;
  }

  jobHistory(
    key: JobKey,
    page: { limit: number; before?: number },
  ): Promise<{ items: JobRun[]; nextBefore?: number }> {
    return this.api.json('GET', `${jobPath(this.name(key.stack), key)}/runs`, JobRunPageSchema, {
      query: { limit: page.limit, before: page.before },
    });
  }

  async jobRun(key: JobKey, onLine?: (line: string, stream: 'stdout' | 'stderr') => void): Promise<JobRun> {
    const op = await this.api.json('POST', `${jobPath(this.name(key.stack), key)}/run`, OperationSchema, {
      body: {},
    });
    const run = await followOperation(
      this.api,
      op,
      OPERATION_RESULTS.job,
      (event) => {
        if (event.kind !== 'job' || event.type !== 'output') return;
        const data = event.data;
        const stream =
          typeof data === 'object' && data !== null && !Array.isArray(data) && data.stream === 'stderr'
            ? 'stderr'
            : 'stdout';
        onLine?.(event.message, stream);
      },
      this.pacing,
    );
    // The operation's result leaves the output out (viewers see operations); the history has it.
    // A server that went away meanwhile (a shutdown interrupted the run) does not lose the outcome.
    const recorded = await this.jobHistory(key, { limit: 1, before: run.id + 1 }).then(
      (page) => page.items[0],
      (error: unknown) => {
        if (error instanceof ApiRequestError && error.code === 'SERVER_UNREACHABLE') return undefined;
        throw error;
      },
    );
    return recorded?.id === run.id ? recorded : run;
  }

  healthList(stack?: string): Promise<HealthList> {
    return this.api.json('GET', '/api/v1/health', HealthListSchema, {
      query: { stack: stack === undefined ? undefined : this.name(stack) },
    });
  }

  probeDetail(key: { stack: string; service: string; probe: string }): Promise<ProbeDetail> {
    const path = `${stackPath(this.name(key.stack))}/health/${encodeURIComponent(key.service)}/${encodeURIComponent(key.probe)}`;
    return this.api.json('GET', path, ProbeDetailSchema);
  }

  backupList(stack: string, filter: { service?: string; limit?: number } = {}): Promise<StackBackups> {
    return this.api.json('GET', `${stackPath(this.name(stack))}/backups`, StackBackupsSchema, {
      query: { service: filter.service, limit: filter.limit },
    });
  }

  backupShow(stack: string, id: string): Promise<BackupView> {
    return this.api.json(
      'GET',
      `${stackPath(this.name(stack))}/backups/${encodeURIComponent(id)}`,
      BackupSchema,
    );
  }

  async backupRun(
    stack: string,
    service: string,
    onProgress?: (message: string) => void,
  ): Promise<BackupView> {
    const op = await this.api.json('POST', `${stackPath(this.name(stack))}/backups`, OperationSchema, {
      body: { service },
    });
    return followOperation(this.api, op, OPERATION_RESULTS.backup, backupProgress(onProgress), this.pacing);
  }

  async backupDrill(stack: string, id: string, onProgress?: (message: string) => void): Promise<BackupView> {
    const op = await this.api.json(
      'POST',
      `${stackPath(this.name(stack))}/backups/${encodeURIComponent(id)}/drill`,
      OperationSchema,
      { body: {} },
    );
    return followOperation(this.api, op, OPERATION_RESULTS.drill, backupProgress(onProgress), this.pacing);
  }

  backupPrune(stack: string, options: { service?: string; dryRun: boolean }): Promise<PruneResult> {
    return this.api.json('POST', `${stackPath(this.name(stack))}/backups/prune`, PruneResultSchema, {
      body: { dryRun: options.dryRun, ...(options.service ? { service: options.service } : {}) },
    });
  }

  async backupRestore(
    stack: string,
    id: string,
    options: { service?: string; intoStack?: string; dryRun: boolean },
    onProgress?: (message: string) => void,
  ): Promise<RestoreResult> {
    const op = await this.api.json(
      'POST',
      `${stackPath(this.name(stack))}/backups/${encodeURIComponent(id)}/restore`,
      OperationSchema,
      { body: options },
    );
    return followOperation(this.api, op, OPERATION_RESULTS.restore, backupProgress(onProgress), this.pacing);
  }

  async close(): Promise<void> {}
}
