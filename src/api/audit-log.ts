import { z } from 'zod';

// The audit log: who did what, newest first.

/** `started`: the request is still running (or the server stopped before it ended). */
export const AuditOutcomeSchema = z.enum(['ok', 'denied', 'failed', 'started']);
export type AuditOutcome = z.output<typeof AuditOutcomeSchema>;

export const AUDIT_PAGE_MAX = 1000;
export const DEFAULT_AUDIT_PAGE = 100;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().optional(),
  outcome: AuditOutcomeSchema,
  requestId: z.string(),
  detail: z.unknown().optional(),
  /** For an entry written when its request started (`at`): when it ended; absent while it runs. */
  endedAt: z.string().optional(),
});
export type AuditEntryView = z.output<typeof AuditEntrySchema>;

const filter = (what: string) =>
  z.string().min(1).max(256).optional().describe(`Only entries whose ${what} is exactly this`);

export const AuditLogQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(AUDIT_PAGE_MAX)
    .default(DEFAULT_AUDIT_PAGE)
    .describe(`Entries per page, 1 to ${AUDIT_PAGE_MAX}`),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Only entries older than this id: the nextBefore of the previous page'),
  actor: filter('actor (a username, or token:<id>)'),
  action: filter('action (e.g. user.create)'),
  target: filter('target'),
});

export const AuditLogPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  nextBefore: z.number().int().optional(),
});
