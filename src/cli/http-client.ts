import { z } from 'zod';
import type { UpResult } from '../api/deploy.js';
import {
  ContainerListSchema,
  type ContainerRow,
  DeployEventTypeSchema,
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
} from '../api/deploy.js';
import { OperationFinishedDataSchema, StreamEventSchema } from '../api/events.js';
import { OPERATION_RESULTS, OperationSchema, type OperationView } from '../api/operations.js';
import { StackConfigSchema } from '../api/stacks.js';
import { isPathLike } from '../compose/names.js';
import type { ContainerFilter, LogOptions } from '../deploy/containers.js';
import type { DeployEvent } from '../deploy/events.js';
import type { DownRequest, UpOptions } from '../deploy/service.js';
import { type ApiConnection, ApiRequestError, checkAnswer, parseAnswer } from './api.js';
import type { BerthClient } from './client.js';
import { parseSse } from './sse.js';

/** How often a dropped event stream is re-opened (from the last id) before giving up. */
const RECONNECTS = 5;

const stackPath = (stack: string) => `/api/v1/stacks/${encodeURIComponent(stack)}`;

/**
 * The CLI's client when it talks to `berth serve`: every engine-touching command is an API call,
 * and every answer is checked against the API contract. Stacks are named as in the server's
 * workspace (a local folder means nothing to the server).
 */
export class HttpClient implements BerthClient {
  constructor(
    private readonly api: Pick<ApiConnection, 'json' | 'lines' | 'url'>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

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
      body: options.build ? { build: true } : {},
    });
    return this.follow(op, OPERATION_RESULTS.up, options.onEvent);
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
    return this.follow(op, OPERATION_RESULTS.down, options.onEvent);
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
    return this.follow(op, OPERATION_RESULTS.restart, options.onEvent);
  }

  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult> {
    return this.api.json('POST', `${stackPath(this.name(stack))}/exec`, ExecResultSchema, {
      body: { service, argv },
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

  /**
   * Shows an operation's events as they come and returns its result; the stream ends with the
   * operation. A dropped stream is re-opened after the last event seen, so nothing is shown twice.
   */
  private async follow<S extends z.ZodType>(
    op: OperationView,
    result: S,
    onEvent?: (e: DeployEvent) => void,
  ): Promise<z.output<S>> {
    const what = `GET /api/v1/events?operation=${op.id}`;
    let after = 0;
    let finished: z.output<typeof OperationFinishedDataSchema> | undefined;
    for (let attempt = 0; finished === undefined; attempt++) {
      try {
        const stream = this.api.lines('GET', '/api/v1/events', { query: { operation: op.id, after } });
        for await (const sse of parseSse(stream)) {
          if (sse.event === 'gap' || sse.data === '') continue;
          const event = parseAnswer(this.api.url, what, sse.data, StreamEventSchema);
          after = Math.max(after, event.id);
          const type = DeployEventTypeSchema.safeParse(event.type);
          if (event.kind === 'deploy' && type.success) {
            onEvent?.({
              type: type.data,
              message: event.message,
              ...(event.service ? { service: event.service } : {}),
              ...(isRecord(event.data) ? { data: event.data } : {}),
            });
          } else if (event.kind === 'operation' && event.type === 'finished') {
            finished = checkAnswer(this.api.url, what, event.data, OperationFinishedDataSchema);
          }
        }
      } catch (error: unknown) {
        // A refused call (401, 403, 404) will not get better by retrying, nor will an answer that
        // does not match the API.
        if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) throw error;
        if (error instanceof ApiRequestError && error.code === 'INVALID_RESPONSE') throw error;
        if (attempt >= RECONNECTS) throw error;
      }
      if (finished === undefined) {
        if (attempt >= RECONNECTS) {
          throw new ApiRequestError(
            'EVENTS_LOST',
            `the event stream of operation ${op.id} kept ending before the operation did`,
            `the operation may still be running on the server: GET ${stackPath(op.stack)}/operations/${op.id}`,
            0,
          );
        }
        await this.sleep(Math.min(1000 * 2 ** attempt, 10_000));
      }
    }
    if (finished.status === 'succeeded') {
      return checkAnswer(this.api.url, what, finished.result, result);
    }
    const error = finished.error ?? {
      code: 'OPERATION_FAILED',
      message: `operation ${op.id} ${finished.status}`,
      hint: `see GET ${stackPath(op.stack)}/operations/${op.id}`,
    };
    throw new ApiRequestError(error.code, error.message, error.hint, 0);
  }

  async close(): Promise<void> {}
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
