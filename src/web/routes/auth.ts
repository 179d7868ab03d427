import type { Hono } from 'hono';
import { LoginResultSchema, SetupStatusSchema, WhoamiSchema } from '../../api/auth.js';
import { SESSION_COOKIE } from '../../api/http.js';
import { failureOf } from '../api-client.js';
import { field, type WebContext, type WebEnv } from '../context.js';
import { csrfCookie, safeNext } from '../session.js';
import { renderPage } from '../views/layout.js';
import { LoginPage, SetupPage } from '../views/login.js';

/** Whether the server still waits for its first admin (no one can log in before). */
async function setupNeeded(c: WebContext): Promise<boolean> {
  return (await c.get('api').json('GET', '/api/v1/setup', SetupStatusSchema)).needed;
}

/** Whether the browser's session is one the API still knows. */
async function loggedIn(c: WebContext): Promise<boolean> {
  if (!c.get('session')) return false;
  const res = await c.get('api').raw('GET', '/api/v1/whoami');
  if (!res.ok) return false;
  c.set('who', WhoamiSchema.parse(await res.json()));
  return true;
}

/**
 * Logs in through the API; on success its session cookie and our CSRF cookie go to the browser, and
 * the browser to `next` (a path of this server; see safeNext).
 */
async function logIn(
  c: WebContext,
  username: string,
  password: string,
  next?: string,
): Promise<Response | string> {
  const res = await c.get('api').raw('POST', '/api/v1/login', { body: { username, password } });
  if (!res.ok) return (await failureOf(res)).message;
  const login = LoginResultSchema.parse(await res.json());
  const session = res.headers.get('set-cookie');
  if (session) c.header('Set-Cookie', session, { append: true });
  c.header('Set-Cookie', csrfCookie(login.csrfToken, session), { append: true });
  return c.redirect(safeNext(next), 303);
}

/** GET and POST /login and /setup, POST /logout. */
export function authRoutes(app: Hono<WebEnv>): void {
  // Before the first admin exists there is no one to log in as: /login sends to /setup. After,
  // /setup sends to /login, and a browser already logged in goes on to where it was going.
  app.get('/login', async (c) => {
    const next = c.req.query('next');
    if (await setupNeeded(c)) return c.redirect('/setup', 303);
    if (await loggedIn(c)) return c.redirect(safeNext(next), 303);
    const page = LoginPage({
      assets: c.get('assets'),
      next: next === undefined ? undefined : safeNext(next),
    });
    return c.html(await renderPage(page));
  });
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const username = field(form, 'username');
    const next = safeNext(field(form, 'next') || undefined);
    const done = await logIn(c, username, field(form, 'password'), next);
    if (typeof done !== 'string') return done;
    const page = LoginPage({
      assets: c.get('assets'),
      username,
      next,
      error: done,
      setupNeeded: await setupNeeded(c),
    });
    return c.html(await renderPage(page), 401);
  });
  app.get('/setup', async (c) => {
    if (!(await setupNeeded(c))) return c.redirect('/login', 303);
    return c.html(await renderPage(SetupPage({ assets: c.get('assets') })));
  });
  app.post('/setup', async (c) => {
    const form = await c.req.parseBody();
    const username = field(form, 'username');
    const password = field(form, 'password');
    const res = await c
      .get('api')
      .raw('POST', '/api/v1/setup', { body: { token: field(form, 'token'), username, password } });
    if (!res.ok) {
      const failure = await failureOf(res);
      const page = SetupPage({ assets: c.get('assets'), username, error: failure.message });
      return c.html(await renderPage(page), failure.status as 400);
    }
    const done = await logIn(c, username, password);
    return typeof done === 'string' ? c.redirect('/login', 303) : done;
  });
  app.post('/logout', async (c) => {
    const res = await c.get('api').raw('POST', '/api/v1/logout', { csrf: c.get('csrf') });
    // A session the API no longer knows is not cleared by it: the browser forgets it all the same.
    const cleared =
      res.headers.get('set-cookie') ?? `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
    c.header('Set-Cookie', cleared, { append: true });
    c.header('Set-Cookie', csrfCookie('', cleared), { append: true });
    return c.redirect('/login', 303);
  });
}
