import { z } from 'zod';
import { can } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import { type LogEntry, LogEntrySchema, LogErrorLineSchema } from '../../api/deploy.js';
import { GapEventSchema, ResetEventSchema, type StreamEvent, StreamEventSchema } from '../../api/events.js';
import { NDJSON_CONTENT_TYPE, SSE_CONTENT_TYPE } from '../../api/http.js';
import type { StackOperations } from '../../deploy/service.js';
import { isOneOffContainerEvent } from '../../events/container-watcher.js';
import type { EventHub } from '../../events/hub.js';
import type { OperationStore } from '../../store/index.js';
import { ApiError } from '../problem.js';
import { eventStream } from '../sse.js';
import { defineStreamRoute, type Route } from './registry.js';

export const HEARTBEAT_MS = 15_000;

export interface StreamRouteDeps {
  readonly stacks: StackOperations;
  readonly hub: EventHub;
  readonly operations: Pick<OperationStore, 'get'>;
  readonly heartbeatMs?: number;
}

/** NDJSON of an async iterable: one JSON object per line, flushed as it comes; errors end it with an `error` line. */
function ndjson(source: AsyncIterable<LogEntry>, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done || signal.aborted) return controller.close();
        controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      } catch (error: unknown) {
        if (!signal.aborted) {
          const e = error as { code?: unknown; message?: unknown };
          const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
          controller.enqueue(
            encoder.encode(`${JSON.stringify({ error: { code, message: String(e.message) } })}\n`),
          );
        }
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

const lastEventId = (header: string | undefined, query: number | undefined): number => {
  const fromHeader =
    header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : undefined;
  return fromHeader ?? query ?? 0;
};

/** Live streams: a stack's logs (NDJSON) and the event log (Server-Sent Events, resumable). */
export function streamRoutes(deps: StreamRouteDeps): Route[] {
  return [
    defineStreamRoute({
      path: '/api/v1/stacks/:stack/logs',
      operationId: 'streamLogs',
      summary: "A stack's container logs as NDJSON (`{container, service, stream, line}` per line)",
      description: 'Needs operator: logs often carry secrets. With `follow=true` the stream stays open.',
      tags: ['deploy'],
      permission: { role: 'operator', scope: 'stack' },
      contentType: NDJSON_CONTENT_TYPE,
      items: { line: LogEntrySchema, error: LogErrorLineSchema },
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      query: z.strictObject({
        service: z.string().min(1).max(128).optional(),
        follow: z.enum(['true', 'false']).optional(),
        tail: z.coerce.number().int().min(0).max(100_000).optional(),
        since: z.coerce.number().int().min(0).optional().describe('Unix seconds'),
        oneoff: z.enum(['true', 'false']).optional().describe('Also the logs of one-off containers'),
      }),
      response: z.string(),
      example: { params: { stack: 'alpha' }, query: { tail: 10 } },
      handler: ({ params, query, signal }) => {
        const source = deps.stacks.logs(params.stack, {
          ...(query.service ? { service: query.service } : {}),
          ...(query.follow === 'true' ? { follow: true } : {}),
          ...(query.tail !== undefined ? { tail: query.tail } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.oneoff === 'true' ? { oneOff: true } : {}),
          signal,
        });
        return new Response(ndjson(source, signal), {
          headers: { 'Content-Type': NDJSON_CONTENT_TYPE, 'Cache-Control': 'no-store' },
        });
      },
    }),
    defineStreamRoute({
      path: '/api/v1/events',
      operationId: 'streamEvents',
      summary: 'Events as Server-Sent Events: operations, deploy progress, container state changes',
      description:
        'Resumes after `Last-Event-ID` (or `after`). Shows only events of stacks the caller may view. ' +
        'With `operation`, the stream ends after that operation’s `finished` event. ' +
        'A `gap` event says when events the caller asked for are no longer kept.',
      tags: ['events'],
      permission: { role: 'viewer', scope: 'any-stack' },
      contentType: SSE_CONTENT_TYPE,
      items: {
        operation: StreamEventSchema,
        deploy: StreamEventSchema,
        container: StreamEventSchema,
        gap: GapEventSchema,
        reset: ResetEventSchema,
      },
      errors: [404],
      query: z.strictObject({
        stack: StackNameSchema.optional(),
        operation: z.string().min(1).max(128).optional(),
        after: z.coerce.number().int().min(0).optional().describe('Resume after this event id'),
        oneoff: z
          .enum(['true', 'false'])
          .optional()
          .describe('Also state changes of one-off containers (jobs, restore drills)'),
      }),
      response: z.string(),
      handler: ({ principal, query, signal, header }) => {
        if (query.operation !== undefined) {
          // Following an operation the caller cannot see (or that does not exist) would only ever
          // send heartbeats: say so at once instead.
          const op = deps.operations.get(query.operation);
          if (!op || !can(principal, 'viewer', op.stack)) {
            throw new ApiError(
              'OPERATION_NOT_FOUND',
              404,
              `no operation ${query.operation} on a stack you may view`,
              'the id is in the 202 answer of up, down or restart',
            );
          }
        }
        const visible = (e: StreamEvent) =>
          (e.stack === undefined ? can(principal, 'viewer') : can(principal, 'viewer', e.stack)) &&
          (query.stack === undefined || e.stack === query.stack) &&
          (query.operation === undefined || e.operation === query.operation) &&
          (query.oneoff === 'true' || !isOneOffContainerEvent(e)) &&
          // A job's output lines, like logs, may carry what only operators may read.
          !(
            e.kind === 'job' &&
            e.type === 'output' &&
            (e.stack === undefined || !can(principal, 'operator', e.stack))
          );
        const stream = eventStream({
          hub: deps.hub,
          after: lastEventId(header('last-event-id'), query.after),
          ...(query.operation !== undefined ? { operation: query.operation } : {}),
          visible,
          ...(query.operation !== undefined
            ? { endAfter: (e: StreamEvent) => e.kind === 'operation' && e.type === 'finished' }
            : {}),
          signal,
          heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
        });
        return new Response(stream, {
          headers: {
            'Content-Type': SSE_CONTENT_TYPE,
            'Cache-Control': 'no-store',
            // Proxies (nginx) must not buffer an event stream.
            'X-Accel-Buffering': 'no',
          },
        });
      },
    }),
  ];
}
