import { AuditLogPageSchema, AuditLogQuerySchema } from '../../api/audit-log.js';
import type { AuditLogStore } from '../../store/audit-log.js';
import { defineRoute, type Route } from './registry.js';

export interface AuditLogRouteDeps {
  readonly auditLog: AuditLogStore;
}

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
      query: AuditLogQuerySchema,
      example: { query: { limit: 10 } },
      response: AuditLogPageSchema,
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
