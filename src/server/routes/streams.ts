import { z } from 'zod';
import { can, type Principal } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import { LogEntrySchema, LogErrorLineSchema } from '../../api/deploy.js';
import {
  GapEventSchema,
  ResetEventSchema,
  StreamErrorEventSchema,
  type StreamEvent,
  StreamEventSchema,
} from '../../api/events.js';
import { NDJSON_CONTENT_TYPE, SSE_CONTENT_TYPE } from '../../api/http.js';
import type { ServedStacks } from '../../deploy/service.js';
import { isOneOffContainerEvent } from '../../events/container-watcher.js';
import type { EventHub } from '../../events/hub.js';
import type { JsonValue, OperationStore } from '../../store/index.js';
import { type NdjsonWatch, ndjson } from '../ndjson.js';
import { ApiError } from '../problem.js';
import { eventStream, ReplayTurns } from '../sse.js';
import { requireStack, type StackScope } from '../stack-scope.js';
import { accessRemoved, streamAccess } from '../stream-access.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits, StreamSlots } from '../stream-slots.js';
import { canSome, defineStreamRoute, type Route } from './registry.js';
import { failureWithoutOutput, resultWithoutOutput } from './runtime.js';

export const HEARTBEAT_MS = 15_000;

/** Events sent by a stream opened without a resume point (`Last-Event-ID`, `after`) or an operation. */
export const DEFAULT_EVENT_BACKLOG = 100;

export interface StreamRouteDeps {
  readonly stacks: ServedStacks;
  readonly hub: EventHub;
  readonly operations: Pick<OperationStore, 'get'>;
  /** The stacks this server answers for; logs of any other are refused. */
  readonly scope: StackScope;
  readonly heartbeatMs?: number;
  /** Open streams (events and logs) per user and in all; defaults to DEFAULT_STREAM_LIMITS. */
  readonly streamLimits?: StreamLimits;
}

/** The resume point: `Last-Event-ID` over `after`; undefined when the client gave none. */
const lastEventId = (header: string | undefined, query: number | undefined): number | undefined => {
  const fromHeader =
    header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : undefined;
  return fromHeader ?? query;
};

const isObject = (value: JsonValue | undefined): value is { [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An event as a caller may read it. What a failed container printed (a deploy failure's log tail and
 * last health check output: the data of a `failure` deploy event, the result of a failed `up` in its
 * operation's `finished` event) is, like its logs, for the stack's operators; anyone else gets the
 * event without it (withoutOutput, as the operation and deployment answers do). So is what a probe's
 * program printed (`data.output` of a health event).
 */
export function eventFor(principal: Principal, event: StreamEvent): StreamEvent {
  const operator =
    event.stack === undefined ? can(principal, 'operator') : can(principal, 'operator', event.stack);
  if (operator) return event;
  if (event.kind === 'deploy') {
    const data = failureWithoutOutput(event.data);
    return data === event.data || data === undefined ? event : { ...event, data };
  }
  // What a checked program printed (a probe's `data.output`), like logs.
  if (event.kind === 'health' && isObject(event.data) && 'output' in event.data) {
    const { output: _output, ...data } = event.data;
    return { ...event, data };
  }
  if (event.kind === 'operation' && event.type === 'finished' && isObject(event.data)) {
    const result = resultWithoutOutput(event.data.result);
    return result === event.data.result || result === undefined
      ? event
      : { ...event, data: { ...event.data, result } };
  }
  return event;
}

/** Live streams: a stack's logs (NDJSON) and the event log (Server-Sent Events, resumable). */
export function streamRoutes(deps: StreamRouteDeps): Route[] {
  const limits = deps.streamLimits ?? DEFAULT_STREAM_LIMITS;
  const slots = new StreamSlots(limits);
  const turns = new ReplayTurns();
  const capped = `A user may have ${limits.perPrincipal} streams (events and logs) open, the server ${limits.total}: past that, 429 with \`Retry-After\`.`;
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
      errors: [404, 429, 503],
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
      handler: async ({ params, query, principal, signal, access }) => {
        await requireStack(deps.scope, params.stack);
        // A service the stack does not have is a 404 naming the ones it has, not an empty stream.
        if (query.service) await deps.stacks.requireService(params.stack, query.service, 'files-or-engine');
        const release = slots.acquire(principal.userId);
        // A revoked token, a deleted user or a lost grant ends the stream (and the engine's follow).
        const stop = new AbortController();
        const watch: NdjsonWatch = {
          access: streamAccess(access, (now) =>
            can(now, 'operator', params.stack)
              ? undefined
              : accessRemoved(`the operator role on stack ${params.stack}`),
          ),
          everyMs: deps.heartbeatMs ?? HEARTBEAT_MS,
          stop: () => stop.abort(),
        };
        const source = deps.stacks.logs(params.stack, {
          ...(query.service ? { service: query.service } : {}),
          ...(query.follow === 'true' ? { follow: true } : {}),
          ...(query.tail !== undefined ? { tail: query.tail } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.oneoff === 'true' ? { oneOff: true } : {}),
          signal: AbortSignal.any([signal, stop.signal]),
        });
        return new Response(ndjson(source, signal, release, watch), {
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
        'A `gap` event says when events the caller asked for are no longer kept. ' +
        `Without a resume point or \`operation\`, it starts with the newest ${DEFAULT_EVENT_BACKLOG} events of the log ` +
        `(\`after=0\` replays all it keeps). ${capped}`,
      tags: ['events'],
      permission: { role: 'viewer', scope: 'any-stack' },
      contentType: SSE_CONTENT_TYPE,
      items: {
        operation: StreamEventSchema,
        deploy: StreamEventSchema,
        container: StreamEventSchema,
        gap: GapEventSchema,
        reset: ResetEventSchema,
        error: StreamErrorEventSchema,
      },
      errors: [404, 429],
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
      handler: ({ principal: opened, query, signal, header, access }) => {
        // The caller as of the last re-check: what the stream shows follows their grants of the moment.
        let principal = opened;
        let stackOfOperation: string | undefined;
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
          stackOfOperation = op.stack;
        }
        const visible = (e: StreamEvent) =>
          (e.stack === undefined ? can(principal, 'viewer') : can(principal, 'viewer', e.stack)) &&
          (query.stack === undefined || e.stack === query.stack) &&
          (query.operation === undefined || e.operation === query.operation) &&
          (query.oneoff === 'true' || !isOneOffContainerEvent(e)) &&
          // A job's output lines and a build's (deploy `output` events), like logs, may carry what
          // only operators may read.
          !(
            (e.kind === 'job' || e.kind === 'deploy') &&
            e.type === 'output' &&
            (e.stack === undefined || !can(principal, 'operator', e.stack))
          );
        const after = lastEventId(header('last-event-id'), query.after);
        const release = slots.acquire(principal.userId);
        const stream = eventStream({
          turns,
          hub: deps.hub,
          present: (event) => eventFor(principal, event),
          after: after ?? 0,
          // An operation's stream replays it from its start; the whole log only when asked (`after=0`).
          ...(after === undefined && query.operation === undefined ? { tail: DEFAULT_EVENT_BACKLOG } : {}),
          ...(query.operation !== undefined ? { operation: query.operation } : {}),
          visible,
          ...(query.operation !== undefined
            ? { endAfter: (e: StreamEvent) => e.kind === 'operation' && e.type === 'finished' }
            : {}),
          signal,
          heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
          // Events of a stack the caller no longer may view stop at once (visible reads `principal`);
          // the stream ends when its credentials no longer authenticate, or it asked for a stack (or
          // an operation's) the caller lost, or they may view no stack at all.
          access: streamAccess(
            access,
            (now) => {
              const needed = query.stack ?? stackOfOperation;
              if (needed !== undefined) {
                return can(now, 'viewer', needed)
                  ? undefined
                  : accessRemoved(`the viewer role on stack ${needed}`);
              }
              return canSome(now, 'viewer') ? undefined : accessRemoved('the viewer role on any stack');
            },
            (now) => {
              principal = now;
            },
          ),
          onClose: release,
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
