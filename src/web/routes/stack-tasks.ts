import type { Hono } from 'hono';
import { OperationSchema } from '../../api/operations.js';
import { apiPath } from '../api-client.js';
import type { WebContext, WebEnv } from '../context.js';
import { stackName } from '../load.js';

// The stack page's task buttons: run a job now, back up a service now, drill a backup. Each is
// forwarded to the API with the session's CSRF token; its operation page follows it live. A refusal
// (403, 404, 409, 422…) is the API's ApiFailure, shown by the app's error page with its hint.

/** POSTs `body` to the API's `path` and sends the browser to the operation it started. */
async function start(c: WebContext, stack: string, path: string, body: Record<string, string>) {
  const op = await c.get('api').json('POST', path, OperationSchema, { body, csrf: c.get('csrf') });
  return c.redirect(apiPath`/stacks/${stack}/operations/${op.id}`, 303);
}

/** POST …/jobs/:service/:job/run, …/backups/:service/run and …/backups/:id/drill. */
export function stackTaskRoutes(app: Hono<WebEnv>): void {
  app.post('/stacks/:stack/jobs/:service/:job/run', (c) => {
    const stack = stackName(c.req.param('stack'));
    const { service, job } = c.req.param();
    return start(c, stack, apiPath`/api/v1/stacks/${stack}/jobs/${service}/${job}/run`, {});
  });

  app.post('/stacks/:stack/backups/:service/run', (c) => {
    const stack = stackName(c.req.param('stack'));
    return start(c, stack, apiPath`/api/v1/stacks/${stack}/backups`, { service: c.req.param('service') });
  });

  app.post('/stacks/:stack/backups/:id/drill', (c) => {
    const stack = stackName(c.req.param('stack'));
    return start(c, stack, apiPath`/api/v1/stacks/${stack}/backups/${c.req.param('id')}/drill`, {});
  });
}
