import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { SESSION_COOKIE } from '../api/http.js';
import { ApiFailure, type ApiFetch, ApiSession } from './api-client.js';
import { type AssetTable, IMMUTABLE, loadAssets } from './assets.js';
import { pageUser, type WebContext, type WebEnv, type WebLogger } from './context.js';
import { type Notice, noticeBoard } from './notices.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { operationRoutes } from './routes/operations.js';
import { stackImageRoutes } from './routes/stack-images.js';
import { stackTaskRoutes } from './routes/stack-tasks.js';
import { stackRoutes } from './routes/stacks.js';
import { CSRF_COOKIE, CSRF_FIELD, fromOwnPage, parseCookies, safeNext, sameToken } from './session.js';
import { renderPage } from './views/layout.js';
import { ErrorPage } from './views/login.js';

export interface WebDeps {
  /** The API application's fetch: every page reads and changes through it, in-process. */
  readonly api: ApiFetch;
  /** Defaults to the files of the packages and src/web/assets, read once. */
  readonly assets?: AssetTable;
  readonly logger?: WebLogger;
  /** Form bodies larger than this are refused (default 64 KiB). */
  readonly maxBodyBytes?: number;
  /** Ages the notices POSTs leave for the next page (default the system clock). */
  readonly clock?: { now(): Date };
}

/** Which paths are the API's: in ./paths.js, so a server routes requests without loading this module. */
export { apiOwns } from './paths.js';

/** The policy of every page: scripts and styles only from this server's files, nothing inline. */
export const WEB_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': WEB_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** POSTs that run before a session exists: they carry no CSRF field (the origin check still holds). */
const SESSIONLESS = new Set(['/login', '/setup']);

/** The error page for a status and message, with the header when the caller is known. */
async function errorPage(c: WebContext, status: number, message: string, hint?: string) {
  const who = c.get('who');
  const html = await renderPage(
    ErrorPage({
      assets: c.get('assets'),
      user: who ? pageUser(c, who) : undefined,
      status,
      message,
      hint,
    }),
  );
  return c.html(html, status as 400);
}

/**
 * The error page, or, when even it cannot be made (a defect in a view), a plain-text answer of the
 * same status: the page middleware still adds the security headers, which an error thrown out of
 * the error handler would lose.
 */
async function safeErrorPage(
  c: WebContext,
  logger: WebLogger | undefined,
  status: number,
  message: string,
  hint?: string,
) {
  try {
    return await errorPage(c, status, message, hint);
  } catch (pageError: unknown) {
    logger?.error({ err: pageError, path: c.req.path }, 'dashboard error page failed');
    return c.text(`${status}: ${message}`, status as 500);
  }
}

/** The login page for a caller who is not logged in: a page they asked for comes back after it. */
function loginFor(c: WebContext): string {
  if (c.req.method !== 'GET') return '/login';
  const url = new URL(c.req.url);
  const next = safeNext(url.pathname + url.search);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** The dashboard: pages served at `/`, each a thin client of the API (see docs/architecture.md, "Web"). */
export function createWebApp(deps: WebDeps): Hono<WebEnv> {
  const assets = deps.assets ?? loadAssets();
  const clock = deps.clock ?? { now: () => new Date() };
  const notices = noticeBoard({ now: () => clock.now().getTime() });
  const app = new Hono<WebEnv>();
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(WEB_SECURITY_HEADERS)) c.res.headers.set(name, value);
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.get('/assets/:file', (c) => {
    const asset = assets.byPath.get(c.req.path);
    if (!asset) return c.text('no such asset', 404);
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const headers: Record<string, string> = {
      'Content-Type': asset.contentType,
      'Cache-Control': IMMUTABLE,
      Vary: 'Accept-Encoding',
    };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return c.body((gzip ? asset.gzip : asset.body) as Uint8Array<ArrayBuffer>, 200, headers);
  });
  app.use('*', async (c, next) => {
    const cookies = parseCookies(c.req.header('cookie'));
    c.set('assets', assets);
    c.set('csrf', cookies.get(CSRF_COOKIE) ?? '');
    c.set('session', cookies.get(SESSION_COOKIE) ?? '');
    c.set('notices', notices);
    c.set('who', undefined);
    c.set('api', new ApiSession(deps.api, cookies.get(SESSION_COOKIE), c.env));
    await next();
  });
  app.post(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 64 * 1024,
      onError: (c) => errorPage(c as unknown as WebContext, 413, 'the form is too large'),
    }),
    async (c, next) => {
      if (!fromOwnPage(c.req.url, c.req.header('origin'), c.req.header('sec-fetch-site'))) {
        return errorPage(c, 403, 'this form was not sent from a page of this server');
      }
      if (!SESSIONLESS.has(c.req.path)) {
        const form = await c.req.parseBody();
        const sent = form[CSRF_FIELD];
        if (!sameToken(typeof sent === 'string' ? sent : undefined, c.get('csrf') || undefined)) {
          return errorPage(
            c,
            403,
            'this form is out of date or was not sent from this page',
            'reload the page and try again (log in again if it persists)',
          );
        }
      }
      await next();
    },
  );
  authRoutes(app);
  // Before stackRoutes: its POST /stacks/:stack/:action would take `images` for an operation.
  stackImageRoutes(app);
  stackRoutes(app);
  stackTaskRoutes(app);
  operationRoutes(app);
  accountRoutes(app);
  adminRoutes(app);
  // A refused action's page, left by the POST (see onError): a reload shows it again, sends nothing.
  app.get('/notice/:id', (c) => {
    const notice = c.get('session') ? notices.take(c.get('session'), c.req.param('id')) : undefined;
    if (notice?.kind === 'problem') return errorPage(c, notice.status, notice.message, notice.hint);
    return errorPage(
      c,
      404,
      'this notice has expired or belongs to another session',
      'go back to the page you came from and look at its current state',
    );
  });
  app.notFound((c) => safeErrorPage(c, deps.logger, 404, 'there is no page here'));
  app.onError((error, c) => {
    if (error instanceof ApiFailure) {
      if (error.status === 401) return c.redirect(loginFor(c), 303);
      // A refused POST redirects to its notice: reloading the page must not send the action again
      // (a job that was busy may not be by then).
      if (c.req.method === 'POST' && c.get('session')) {
        const notice: Notice = {
          kind: 'problem',
          status: error.status,
          message: error.message,
          hint: error.hint,
        };
        return c.redirect(`/notice/${notices.put(c.get('session'), notice)}`, 303);
      }
      return safeErrorPage(c, deps.logger, error.status, error.message, error.hint);
    }
    deps.logger?.error({ err: error, path: c.req.path }, 'dashboard page failed');
    return safeErrorPage(c, deps.logger, 500, 'the page could not be made; the server log says why');
  });
  return app;
}
