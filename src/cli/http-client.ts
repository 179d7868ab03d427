import type { DeployEvent, DeployEventType } from '../deploy/events.js';
import type { ContainerRow } from '../deploy/operations.js';
import type { Plan } from '../deploy/plan.js';
import {
  type DeploymentView,
  type DownResult,
  isPathLike,
  type LogEntry,
  type UpOptions,
  type UpResult,
} from '../deploy/service.js';
import type { ExecResult } from '../engine/index.js';
import { type ApiConnection, ApiRequestError } from './api.js';
import type { BerthClient } from './client.js';
import { parseSse } from './sse.js';

/** An operation as the API answers it (202 of up/down/restart). */
interface OperationView {
  readonly id: string;
  readonly stack: string;
  readonly status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  readonly result?: unknown;
  readonly error?: { code: string; message: string; hint: string };
}

/** An event of the API's stream (`data` of an SSE event). */
interface StreamEvent {
  readonly id: number;
  readonly kind: 'operation' | 'deploy' | 'container';
  readonly type: string;
  readonly service?: string;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** How often a dropped event stream is re-opened (from the last id) before giving up. */
const RECONNECTS = 5;

const stackPath = (stack: string) => `/api/v1/stacks/${encodeURIComponent(stack)}`;

/**
 * The CLI's client when it talks to `berth serve`: every engine-touching command is an API call.
 * Stacks are named as in the server's workspace (a local folder means nothing to the server).
 */
export class HttpClient implements BerthClient {
  constructor(
    private readonly api: Pick<ApiConnection, 'json' | 'lines'>,
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

  plan(stack: string, options: { build?: boolean } = {}): Promise<Plan> {
    return this.api.json<Plan>('GET', `${stackPath(this.name(stack))}/plan`, {
      query: options.build ? { build: 'true' } : {},
    });
  }

  config(stack: string): Promise<Record<string, unknown>> {
    return this.api.json('GET', `${stackPath(this.name(stack))}/config`);
  }

  async up(stack: string, options: UpOptions): Promise<UpResult> {
    const op = await this.api.json<OperationView>('POST', `${stackPath(this.name(stack))}/up`, {
      body: options.build ? { build: true } : {},
    });
    return (await this.follow(op, options.onEvent)) as UpResult;
  }

  async down(
    stack: string,
    options: { volumes?: boolean; dryRun?: boolean; onEvent?: (e: DeployEvent) => void },
  ): Promise<DownResult> {
    if (options.dryRun) {
      const rows = await this.ps(stack);
      return { containers: rows.map((r) => r.name), networks: [], volumes: [] };
    }
    const op = await this.api.json<OperationView>('POST', `${stackPath(this.name(stack))}/down`, {
      body: options.volumes ? { volumes: true } : {},
    });
    return (await this.follow(op, options.onEvent)) as DownResult;
  }

  async ps(stack?: string): Promise<ContainerRow[]> {
    const page = await this.api.json<{ items: ContainerRow[] }>('GET', '/api/v1/containers', {
      query: stack === undefined ? {} : { stack: this.name(stack) },
    });
    return page.items;
  }

  async *logs(
    stack: string,
    options: { service?: string; follow?: boolean; since?: number; tail?: number; signal?: AbortSignal },
  ): AsyncIterable<LogEntry> {
    const lines = this.api.lines('GET', `${stackPath(this.name(stack))}/logs`, {
      query: {
        service: options.service,
        follow: options.follow ? 'true' : undefined,
        tail: options.tail,
        since: options.since,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const line of lines) {
      if (line === '') continue;
      const entry = JSON.parse(line) as LogEntry | { error: { code: string; message: string } };
      if ('error' in entry) {
        throw new ApiRequestError(entry.error.code, entry.error.message, 'the log stream ended early', 0);
      }
      yield entry;
    }
  }

  async restart(
    stack: string,
    options: { service?: string; onEvent?: (e: DeployEvent) => void },
  ): Promise<{ restarted: string[] }> {
    const op = await this.api.json<OperationView>('POST', `${stackPath(this.name(stack))}/restart`, {
      body: options.service ? { service: options.service } : {},
    });
    return (await this.follow(op, options.onEvent)) as { restarted: string[] };
  }

  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult> {
    return this.api.json<ExecResult>('POST', `${stackPath(this.name(stack))}/exec`, {
      body: { service, argv },
    });
  }

  deployments(
    stack: string,
    options: { limit: number; before?: number },
  ): Promise<{ items: DeploymentView[]; nextBefore?: number }> {
    return this.api.json('GET', `${stackPath(this.name(stack))}/deployments`, {
      query: { limit: options.limit, before: options.before },
    });
  }

  /**
   * Shows an operation's events as they come and returns its result; the stream ends with the
   * operation. A dropped stream is re-opened after the last event seen, so nothing is shown twice.
   */
  private async follow(op: OperationView, onEvent?: (e: DeployEvent) => void): Promise<unknown> {
    let after = 0;
    let finished: OperationView | undefined;
    for (let attempt = 0; finished === undefined; attempt++) {
      try {
        const stream = this.api.lines('GET', '/api/v1/events', { query: { operation: op.id, after } });
        for await (const sse of parseSse(stream)) {
          if (sse.event === 'gap' || sse.data === '') continue;
          const event = JSON.parse(sse.data) as StreamEvent;
          after = Math.max(after, event.id);
          if (event.kind === 'deploy') {
            onEvent?.({
              type: event.type as DeployEventType,
              message: event.message,
              ...(event.service ? { service: event.service } : {}),
              ...(event.data ? { data: event.data } : {}),
            });
          } else if (event.kind === 'operation' && event.type === 'finished') {
            finished = { ...op, ...(event.data as Partial<OperationView>) };
          }
        }
      } catch (error: unknown) {
        // A refused call (401, 403, 404) will not get better by retrying.
        if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) throw error;
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
    if (finished.status === 'succeeded') return finished.result;
    const error = finished.error ?? {
      code: 'OPERATION_FAILED',
      message: `operation ${op.id} ${finished.status}`,
      hint: `see GET ${stackPath(op.stack)}/operations/${op.id}`,
    };
    throw new ApiRequestError(error.code, error.message, error.hint, 0);
  }

  async close(): Promise<void> {}
}
