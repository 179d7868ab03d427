import { z } from 'zod';
import { ErrorInfoSchema } from './http.js';
import { OperationKindSchema, OperationStatusSchema } from './operations.js';

// The event stream (`GET /api/v1/events`, Server-Sent Events): every `data:` line is one of these.

/**
 * `operation`: started and finished; `deploy`: a step of a running deploy; `container`: the
 * engine's state changes; `job`: a job run's start, output lines (manual runs) and end, and
 * `missed` and `failed` when a job needs attention; `backup`: a backup started, completed, failed or
 * pruned, a drill started, passed or failed, and progress lines of a manual run.
 */
export const EventKindSchema = z.enum([
  'operation',
  'deploy',
  'container',
  'job',
  'backup',
  'health',
  'alert',
]);
export type EventKind = z.output<typeof EventKindSchema>;

/** An event of the log; its `id` is the SSE id that `Last-Event-ID` resumes after. */
export const StreamEventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: EventKindSchema,
  /** Within the kind: `started`/`finished` for operations, the deploy event type, the engine action. */
  type: z.string(),
  stack: z.string().optional(),
  service: z.string().optional(),
  operation: z.string().optional(),
  message: z.string(),
  data: z.json().optional(),
});
export type StreamEvent = z.output<typeof StreamEventSchema>;

/** `data` of an operation's `started` event. */
export const OperationStartedDataSchema = z.object({ kind: OperationKindSchema, actor: z.string() });
/** `data` of an operation's `finished` event: how it ended. */
export const OperationFinishedDataSchema = z.object({
  status: OperationStatusSchema,
  result: z.json().optional(),
  error: ErrorInfoSchema.optional(),
});

/** SSE event `gap`: events the caller asked for are no longer kept. */
export const GapEventSchema = z.object({
  after: z.number().int(),
  oldest: z.number().int(),
  message: z.string(),
});
/**
 * SSE event `error`: the stream's last event, why the server ends it: `AUTH_REVOKED` (its token or
 * session no longer authenticates), `FORBIDDEN` (the caller lost the role the stream needs).
 */
export const StreamErrorEventSchema = ErrorInfoSchema;
/** SSE event `reset`: the resume id is newer than anything in the log (a new state file). */
export const ResetEventSchema = z.object({
  after: z.number().int(),
  latest: z.number().int(),
  message: z.string(),
});
