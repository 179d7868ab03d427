import type { Hono } from 'hono';
import { SSE_CONTENT_TYPE } from '../../api/http.js';
import { OperationSchema, type OperationView } from '../../api/operations.js';
import { type ApiSession, apiPath, failureOf } from '../api-client.js';
import { pageUser, type WebEnv, whoami } from '../context.js';
import { stackName } from '../load.js';
import { type OperationFeed, readFeed, renderFeed } from '../operation-feed.js';
import { renderPage } from '../views/layout.js';
import { OperationPage } from '../views/operation.js';

/** How long the page waits for more of a running operation's events before it renders what it has. */
const IDLE_MS = 100;
/** The most event lines a page shows (the rest is on the live stream and the refreshed page). */
const MAX_LINES = 2000;

async function operation(api: ApiSession, stack: string, id: string): Promise<OperationView> {
  return api.json('GET', apiPath`/api/v1/stacks/${stack}/operations/${id}`, OperationSchema);
}

/** The API's event stream of one operation after `after`, or its failure. */
async function upstream(api: ApiSession, op: OperationView, after: number, signal?: AbortSignal) {
  const path = `/api/v1/events?operation=${encodeURIComponent(op.id)}&after=${after}`;
  const res = await api.raw('GET', path, {
    headers: { Accept: SSE_CONTENT_TYPE },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok || !res.body) throw await failureOf(res);
  return res.body;
}

/** GET /stacks/:stack/operations/:id (the page) and …/events (its live part, SSE of HTML fragments). */
export function operationRoutes(app: Hono<WebEnv>): void {
  app.get('/stacks/:stack/operations/:id', async (c) => {
    const api = c.get('api');
    const stack = stackName(c.req.param('stack'));
    const who = await whoami(c);
    const op = await operation(api, stack, c.req.param('id'));
    const feed: OperationFeed = await readFeed(await upstream(api, op, 0), op, {
      idleMs: op.status === 'running' ? IDLE_MS : undefined,
      maxLines: MAX_LINES,
    });
    const self = apiPath`/stacks/${stack}/operations/${op.id}`;
    const page = OperationPage({
      assets: c.get('assets'),
      user: pageUser(c, who),
      op,
      events: feed.lines,
      outcome: feed.outcome,
      self,
      live: feed.outcome.value === 'running' ? `${self}/events?after=${feed.lastId}` : undefined,
    });
    return c.html(await renderPage(page));
  });

  app.get('/stacks/:stack/operations/:id/events', async (c) => {
    const api = c.get('api');
    const stack = stackName(c.req.param('stack'));
    const op = await operation(api, stack, c.req.param('id'));
    // A reconnecting EventSource sends the last id it saw: it wins over the page's `after`.
    const resume = /^\d{1,15}$/.exec(c.req.header('last-event-id')?.trim() ?? '')?.[0];
    const after = Number(resume ?? c.req.query('after') ?? 0) || 0;
    const body = await upstream(api, op, after, c.req.raw.signal);
    return new Response(renderFeed(body, op, after), {
      headers: { 'Content-Type': SSE_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
    });
  });
}
