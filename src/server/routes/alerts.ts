import { z } from 'zod';
import { can, type Principal } from '../../access/rbac.js';
import {
  AlertChannelListSchema,
  type AlertChannelView,
  type AlertList,
  AlertListSchema,
  type AlertTestResult,
  AlertTestResultSchema,
} from '../../api/alerts.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

/** What the routes need of the alert service (src/alerts/service.ts): the edge imports no capability. */
export interface AlertRouteDeps {
  readonly alerts: {
    list(options: { limit: number }): AlertList;
    channels(): AlertChannelView[];
    test(channel: string): Promise<AlertTestResult>;
  };
}

/** An alert of a stack is the stack's viewers' to see; one of no stack (a channel test), global viewers'. */
const visible = (principal: Principal, stack: string | undefined) =>
  stack === undefined ? can(principal, 'viewer') : can(principal, 'viewer', stack);

const CHANNEL = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/)
  .max(128);

/** Alerts: recent alerts and deliveries and the channels (viewers), a channel test (admins). */
export function alertRoutes(deps: AlertRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/alerts',
      operationId: 'listAlerts',
      summary:
        'Recent alerts and the deliveries of their messages, newest first, of the stacks the caller may view',
      description:
        'A delivery is `pending` (with its next attempt), `delivered`, or `dead` (given up; `lastError` says why).',
      tags: ['alerts'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: AlertListSchema,
      example: { query: { limit: 20 } },
      handler: ({ principal, query }) => {
        const list = deps.alerts.list({ limit: query.limit });
        return {
          alerts: list.alerts.filter((a) => visible(principal, a.stack)),
          deliveries: list.deliveries.filter((d) => visible(principal, d.stack)),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/alerts/channels',
      operationId: 'listAlertChannels',
      summary: 'The alert channels configured on the server: name, type and target, never a credential',
      tags: ['alerts'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      response: AlertChannelListSchema,
      handler: () => ({ items: deps.alerts.channels() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/alerts/channels/:channel/test',
      operationId: 'testAlertChannel',
      summary: 'Send a test message to a channel now and say how it went (not retried)',
      description:
        'Answers 200 whether or not the channel took the message: `ok` and `error` say how it went. The ' +
        'attempt is recorded as a delivery of kind `test`.',
      tags: ['alerts'],
      permission: { role: 'admin', scope: 'global' },
      mutating: true,
      errors: [404],
      params: z.strictObject({ channel: CHANNEL }),
      body: z.strictObject({}),
      response: AlertTestResultSchema,
      example: { params: { channel: 'oncall' }, body: {} },
      handler: async ({ params, audit }) => {
        const names = deps.alerts.channels().map((c) => c.name);
        if (!names.includes(params.channel)) {
          throw new ApiError(
            'NOT_FOUND',
            404,
            `no alert channel is named ${params.channel}`,
            names.length > 0
              ? `channels: ${names.join(', ')}`
              : 'define channels under `alerts:` in the config file of berth serve',
          );
        }
        const result = await deps.alerts.test(params.channel);
        audit({ target: params.channel, detail: { ok: result.ok, delivery: result.delivery } });
        return result;
      },
    }),
  ];
}
