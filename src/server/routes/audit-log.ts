import { z } from 'zod';
import { AUDIT_PAGE_MAX, type AuditLogStore, AuditOutcomeSchema } from '../../store/audit-log.js';
import { defineRoute, type Route } from './registry.js';

export interface AuditLogRouteDeps {
  readonly auditLog: AuditLogStore;
}

export const DEFAULT_AUDIT_PAGE = 100;

const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().optional(),
  outcome: AuditOutcomeSchema,
  requestId: z.string(),
  detail: z.unknown().optional(),
});

const filter = (what: string) =>
  z.string().min(1).max(256).optional().describe(`Only entries whose ${what} is exactly this`);

/** The audit log, newest first, for global admins. Keyset pages: pass `nextBefore` as `before`. */
export function auditLogRoutes(deps: AuditLogRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/audit-log',
      operationId: 'listAuditLog',
      summary: 'The audit log, newest first, with optional exact filters on actor, action and target',
      tags: ['audit'],
      permission: { role: 'admin', scope: 'global' },
      mutating: false,
      query: z.object({
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
      }),
      example: { query: { limit: 10 } },
      response: z.object({ items: z.array(AuditEntrySchema), nextBefore: z.number().int().optional() }),
      handler: ({ query }) =>
        deps.auditLog.list({
          limit: query.limit,
          ...(query.before === undefined ? {} : { before: query.before }),
          ...(query.actor === undefined ? {} : { actor: query.actor }),
          ...(query.action === undefined ? {} : { action: query.action }),
          ...(query.target === undefined ? {} : { target: query.target }),
        }),
    }),
  ];
}
