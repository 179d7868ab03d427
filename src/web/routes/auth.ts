import type { Hono } from 'hono';
import { LoginResultSchema } from '../../api/auth.js';
import { SESSION_COOKIE } from '../../api/http.js';
import { failureOf } from '../api-client.js';
import { field, type WebContext, type WebEnv } from '../context.js';
import { csrfCookie } from '../session.js';
import { renderPage } from '../views/layout.js';
import { LoginPage, SetupPage } from '../views/login.js';

/** Logs in through the API; on success its session cookie and our CSRF cookie go to the browser. */
async function logIn(c: WebContext, username: string, password: string): Promise<Response | string> {
  const res = await c.get('api').raw('POST', '/api/v1/login', { body: { username, password } });
  if (!res.ok) return (await failureOf(res)).message;
  const login = LoginResultSchema.parse(await res.json());
  const session = res.headers.get('set-cookie');
  if (session) c.header('Set-Cookie', session, { append: true });
  c.header('Set-Cookie', csrfCookie(login.csrfToken, session), { append: true });
  return c.redirect('/', 303);
}

/** GET and POST /login and /setup, POST /logout. */
export function authRoutes(app: Hono<WebEnv>): void {
  app.get('/login', async (c) => c.html(await renderPage(LoginPage({ assets: c.get('assets') }))));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const username = field(form, 'username');
    const done = await logIn(c, username, field(form, 'password'));
    if (typeof done !== 'string') return done;
    return c.html(await renderPage(LoginPage({ assets: c.get('assets'), username, error: done })), 401);
  });
  app.get('/setup', async (c) => c.html(await renderPage(SetupPage({ assets: c.get('assets') }))));
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
