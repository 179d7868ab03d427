import type { z } from 'zod';
import { DeployEventTypeSchema } from '../api/deploy.js';
import {
  OperationFinishedDataSchema,
  StreamErrorEventSchema,
  type StreamEvent,
  StreamEventSchema,
} from '../api/events.js';
import type { OperationView } from '../api/operations.js';
import type { DeployEvent } from '../deploy/events.js';
import type { ApiConnection } from './api.js';
import { checkAnswer, parseAnswer } from './api-answer.js';
import { ApiRequestError } from './api-error.js';
import { parseSse } from './sse.js';

/** How often a dropped event stream is re-opened (from the last id) before giving up. */
const RECONNECTS = 5;

/** How often a stream the server refused with 429 is asked for again before giving up. */
export const RATE_LIMIT_RETRIES = 5;
/** The wait when a 429 does not say how long (the server's stream limit asks for 5 s). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** A server that asks for a longer wait than this is not waited for: the refusal is shown instead. */
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * How long to wait before asking again for a stream the server refused as rate limited (429): its
 * Retry-After when the error carries it (`retryAfterSeconds`), else 5 s; undefined when the error is
 * no 429, or asks for more than a minute.
 */
export function rateLimitWait(error: unknown): number | undefined {
  if (!(error instanceof ApiRequestError) || error.status !== 429) return undefined;
  const asked: unknown = (error as { readonly retryAfterSeconds?: unknown }).retryAfterSeconds;
  const seconds =
    typeof asked === 'number' && Number.isFinite(asked) && asked >= 0 ? asked : DEFAULT_RETRY_AFTER_SECONDS;
  return seconds > MAX_RETRY_AFTER_SECONDS ? undefined : Math.ceil(seconds * 1000);
}

/** How a follow waits and tells the user it waits. */
export interface FollowPacing {
  readonly sleep: (ms: number) => Promise<void>;
  /** Told, as a line, when the stream is asked for again after a 429. */
  readonly notice?: (text: string) => void;
}

const stackPath = (stack: string) => `/api/v1/stacks/${encodeURIComponent(stack)}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Shows a deploy's steps (the `deploy` events of an up, down or restart) as DeployEvents. */
export function deployProgress(onEvent?: (e: DeployEvent) => void): (event: StreamEvent) => void {
  return (event) => {
    const type = DeployEventTypeSchema.safeParse(event.type);
    if (event.kind !== 'deploy' || !type.success) return;
    onEvent?.({
      type: type.data,
      message: event.message,
      ...(event.service ? { service: event.service } : {}),
      ...(isRecord(event.data) ? { data: event.data } : {}),
    });
  };
}

/**
 * What a follower says when the server stopped answering under a running operation: the server
 * went away (a shutdown, a crash), not "is it running?"; the operation's fate is on the server.
 */
export function serverGone(error: unknown, op: Pick<OperationView, 'id' | 'kind' | 'stack'>): unknown {
  if (!(error instanceof ApiRequestError) || error.code !== 'SERVER_UNREACHABLE') return error;
  return new ApiRequestError(
    'SERVER_GONE',
    `the server stopped answering while operation ${op.id} (${op.kind} of ${op.stack}) was running: ${error.message}`,
    `a server that shuts down records what was still running as interrupted (a deploy is undone); once it answers again, GET ${stackPath(op.stack)}/operations/${op.id} says how it ended`,
    0,
  );
}

/**
 * Shows an operation's events as they come and returns its result, checked against `result`; the
 * stream ends with the operation. A dropped stream is re-opened after the last event seen, so
 * nothing is shown twice.
 */
export async function followOperation<S extends z.ZodType>(
  api: Pick<ApiConnection, 'lines' | 'url'>,
  op: OperationView,
  result: S,
  onProgress: (event: StreamEvent) => void,
  pacing: FollowPacing,
): Promise<z.output<S>> {
  const what = `GET /api/v1/events?operation=${op.id}`;
  let after = 0;
  let finished: z.output<typeof OperationFinishedDataSchema> | undefined;
  let drops = 0;
  let refusals = 0;
  while (finished === undefined) {
    try {
      const stream = api.lines('GET', '/api/v1/events', { query: { operation: op.id, after } });
      for await (const sse of parseSse(stream)) {
        if (sse.event === 'gap' || sse.data === '') continue;
        // The server's event log was reset (a new state file): its ids start again from 1.
        if (sse.event === 'reset') {
          after = 0;
          continue;
        }
        if (sse.event === 'error') {
          // The server ended the stream: its token or session no longer valid, or a grant removed.
          const ended = parseAnswer(api.url, what, sse.data, StreamErrorEventSchema);
          const status = ended.code === 'AUTH_REVOKED' ? 401 : ended.code === 'FORBIDDEN' ? 403 : 0;
          throw new ApiRequestError(ended.code, ended.message, ended.hint, status);
        }
        const event = parseAnswer(api.url, what, sse.data, StreamEventSchema);
        after = Math.max(after, event.id);
        if (event.kind === 'operation' && event.type === 'finished') {
          finished = checkAnswer(api.url, what, event.data, OperationFinishedDataSchema);
        } else if (event.kind !== 'operation') onProgress(event);
      }
    } catch (error: unknown) {
      // Rate limited (too many streams open): asked again after the server's Retry-After, a few times.
      const wait = rateLimitWait(error);
      if (wait !== undefined && refusals < RATE_LIMIT_RETRIES) {
        refusals++;
        const why = error instanceof Error ? error.message : 'rate limited';
        pacing.notice?.(
          `the server refused the event stream of operation ${op.id} for now (${why}); asking again in ${wait / 1000} s (${refusals} of ${RATE_LIMIT_RETRIES})\n`,
        );
        await pacing.sleep(wait);
        continue;
      }
      // A refused call (401, 403, 404) will not get better by retrying, nor will an answer that
      // does not match the API.
      if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) throw error;
      if (error instanceof ApiRequestError && error.code === 'INVALID_RESPONSE') throw error;
      if (drops >= RECONNECTS) throw serverGone(error, op);
    }
    if (finished === undefined) {
      if (drops >= RECONNECTS) {
        throw new ApiRequestError(
          'EVENTS_LOST',
          `the event stream of operation ${op.id} kept ending before the operation did`,
          `the operation may still be running on the server: GET ${stackPath(op.stack)}/operations/${op.id}`,
          0,
        );
      }
      await pacing.sleep(Math.min(1000 * 2 ** drops, 10_000));
      drops++;
    }
  }
  if (finished.status === 'succeeded') return checkAnswer(api.url, what, finished.result, result);
  const error = finished.error ?? {
    code: 'OPERATION_FAILED',
    message: `operation ${op.id} ${finished.status}`,
    hint: `see GET ${stackPath(op.stack)}/operations/${op.id}`,
  };
  throw new ApiRequestError(error.code, error.message, error.hint, 0);
}
