import { z } from 'zod';
import { BackupSchema, RestoreResultSchema } from './backups.js';
import { DownResultSchema, RestartResultSchema, UpResultSchema } from './deploy.js';
import { ErrorInfoSchema } from './http.js';
import { JobRunSchema } from './jobs.js';

// Operations: the API's long-running calls. They answer 202 at once and run in the server; the
// caller follows them on the event stream.

/** Every kind of operation, declared once: a capability that adds one adds it here. */
export const OperationKindSchema = z.enum(['up', 'down', 'restart', 'job', 'backup', 'drill', 'restore']);
export type OperationKind = z.output<typeof OperationKindSchema>;

export const OperationStatusSchema = z.enum(['running', 'succeeded', 'failed', 'interrupted']);
export type OperationStatus = z.output<typeof OperationStatusSchema>;

/** What each kind's `result` holds when it succeeded. */
export const OPERATION_RESULTS = {
  up: UpResultSchema,
  down: DownResultSchema,
  restart: RestartResultSchema,
  /** A manual job run: its record, output included (the caller is an operator). */
  job: JobRunSchema,
  /** A backup taken now (and drilled, when its policy says after-each). */
  backup: BackupSchema,
  /** A drill of a backup: the backup with its drill result. */
  drill: BackupSchema,
  /** A restore: restored, or rolled back to the safety backup, and why. */
  restore: RestoreResultSchema,
} as const satisfies Record<OperationKind, z.ZodType>;
export type OperationResult<K extends OperationKind> = z.output<(typeof OPERATION_RESULTS)[K]>;

/** An operation as the store keeps it. */
export const OperationRecordSchema = z.object({
  id: z.string(),
  stack: z.string(),
  kind: OperationKindSchema,
  actor: z.string(),
  requestId: z.string(),
  status: OperationStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  result: z.json().optional(),
  error: ErrorInfoSchema.optional(),
});
export type OperationRecord = z.output<typeof OperationRecordSchema>;

/** An operation as the API answers it: the record, and where to follow it. */
export const OperationSchema = OperationRecordSchema.extend({
  /** Where to follow it: an SSE stream that ends with the operation. */
  events: z.string(),
});
export type OperationView = z.output<typeof OperationSchema>;

/** An operation in a stack's list: the record without its result or error, and how it ended. */
export const OperationSummarySchema = OperationRecordSchema.omit({ result: true, error: true }).extend({
  ended: z
    .string()
    .optional()
    .describe(
      'How it ended, in one word (outcomeOf): `succeeded`, `failed` (a job run or drill that failed too), `rolled-back` or `interrupted`; absent while it runs',
    ),
});
export type OperationSummary = z.output<typeof OperationSummarySchema>;
export const OperationListSchema = z.object({ items: z.array(OperationSummarySchema) });

export const operationEventsUrl = (id: string): string =>
  `/api/v1/events?operation=${encodeURIComponent(id)}`;

export const UpRequestSchema = z.strictObject({
  build: z.boolean().optional().describe('Rebuild images of services with `build:`'),
  skipBackup: z
    .boolean()
    .optional()
    .describe('Deploy without the backups taken first of replaced services that have a backup policy'),
});
export const DownRequestSchema = z.strictObject({ volumes: z.boolean().optional() });
export const RestartRequestSchema = z.strictObject({ service: z.string().min(1).max(128).optional() });
