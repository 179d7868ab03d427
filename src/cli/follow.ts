import type { z } from 'zod';
import { DeployEventTypeSchema } from '../api/deploy.js';
import { OperationFinishedDataSchema, type StreamEvent, StreamEventSchema } from '../api/events.js';
import type { OperationView } from '../api/operations.js';
import type { DeployEvent } from '../deploy/events.js';
import { type ApiConnection, ApiRequestError, checkAnswer, parseAnswer } from './api.js';
import { parseSse } from './sse.js';

/** How often a dropped event stream is re-opened (from the last id) before giving up. */
const RECONNECTS = 5;

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
 * Shows an operation's events as they come and returns its result, checked against `result`; the
 * stream ends with the operation. A dropped stream is re-opened after the last event seen, so
 * nothing is shown twice.
 */
export async function followOperation<S extends z.ZodType>(
  api: Pick<ApiConnection, 'lines' | 'url'>,
  op: OperationView,
  result: S,
  onProgress: (event: StreamEvent) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<z.output<S>> {
  const what = `GET /api/v1/events?operation=${op.id}`;
  let after = 0;
  let finished: z.output<typeof OperationFinishedDataSchema> | undefined;
  for (let attempt = 0; finished === undefined; attempt++) {
    try {
      const stream = api.lines('GET', '/api/v1/events', { query: { operation: op.id, after } });
      for await (const sse of parseSse(stream)) {
        if (sse.event === 'gap' || sse.data === '') continue;
        const event = parseAnswer(api.url, what, sse.data, StreamEventSchema);
        after = Math.max(after, event.id);
        if (event.kind === 'operation' && event.type === 'finished') {
          finished = checkAnswer(api.url, what, event.data, OperationFinishedDataSchema);
        } else if (event.kind !== 'operation') onProgress(event);
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
      await sleep(Math.min(1000 * 2 ** attempt, 10_000));
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
