import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, OTHER_PASSWORD } from '../../test/support/auth.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';
import { apiOwns, createWebApp, WEB_CSP } from './app.js';
import type { AssetTable } from './assets.js';
import type { WebLogger } from './context.js';

let f: Awaited<ReturnType<typeof webFixture>>;
beforeEach(async () => {
  f = await webFixture();
});
afterEach(() => f.close());

async function loggedIn(username: string): Promise<TestBrowser> {
  const b = f.browser();
  const res = await b.login(username);
  expect(res.status).toBe(303);
  return b;
}

describe('logging in', () => {
  it('sends who is not logged in to /login, from every page', async () => {
    const b = f.browser();
    for (const path of [
      '/',
      '/stacks/alpha',
      '/stacks/alpha/operations/op-1',
      '/account',
      '/audit',
      '/users',
    ]) {
      const res = await b.get(path);
      const back = path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
      expect([path, res.status, res.location]).toEqual([path, 303, back]);
    }
  });

  it('shows the login form with labelled fields', async () => {
    const res = await f.browser().get('/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form method="post" action="/login"');
    expect(res.text).toContain('<label for="username">Username</label>');
    expect(res.text).toMatch(/<input id="username" name="username"/);
    expect(res.text).toContain('<label for="password">Password</label>');
    expect(res.text).toMatch(/<input id="password" name="password" type="password"/);
    expect(res.text).toContain('<button type="submit">Log in</button>');
  });

  it('sets the session and CSRF cookies (HttpOnly, SameSite=Strict) and redirects to the stacks', async () => {
    const b = f.browser();
    const res = await b.login('operator');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/');
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const c of cookies) expect(c).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Expires=/);
    expect(cookies[0]).toMatch(/^berth_session=/);
    expect(cookies[1]).toMatch(/^berth_csrf=[\w-]{20,}/);
    const stacks = await b.get('/');
    expect(stacks.status).toBe(200);
    expect(stacks.text).toContain('<h1>Stacks</h1>');
    expect(stacks.text).toContain('data-username="operator"');
  });

  it('re-renders the form with the API’s message on a wrong password, and sets no cookie', async () => {
    const b = f.browser();
    const res = await b.login('operator', OTHER_PASSWORD);
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.text).toMatch(/<div role="alert" class="error"><p>[^<]*(password|credentials)[^<]*<\/p>/i);
    expect(res.text).toContain('value="operator"');
    expect(b.cookies.size).toBe(0);
  });

  it('logs out: the session ends at the API and both cookies are cleared', async () => {
    const b = await loggedIn('viewer');
    const session = b.cookies.get('berth_session') ?? '';
    const res = await b.post('/logout', { csrf: b.csrf() });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login');
    expect(b.cookies.size).toBe(0);
    // The old session cookie no longer works, even if a client kept it.
    b.cookies.set('berth_session', session);
    expect((await b.get('/')).location).toBe('/login');
  });

  it('creates the first admin through /setup with the one-time token, and logs them in', async () => {
    const fresh = await webFixture({ users: false });
    try {
      const b = fresh.browser();
      const page = await b.get('/setup');
      expect(page.text).toContain('<label for="token">Setup token</label>');
      expect(page.text).toContain('<button type="submit">Create admin</button>');
      const token = fresh.auth.auth.issueSetupToken();
      const refused = await b.post('/setup', { token: 'nope', username: 'root', password: 'x'.repeat(16) });
      expect(refused.status).toBe(401);
      expect(refused.text).toContain('role="alert"');
      expect(b.cookies.size).toBe(0);
      const done = await b.post('/setup', { token, username: 'root', password: GOOD_PASSWORD });
      expect([done.status, done.location]).toEqual([303, '/']);
      const home = await b.get('/');
      expect(home.text).toContain('data-username="root"');
      expect(home.text).toContain('<a href="/users">Users</a>');
    } finally {
      fresh.close();
    }
  });
});

describe('CSRF and origin checks on forms', () => {
  it('refuses a POST whose csrf field does not match the cookie, before the API is asked', async () => {
    const b = await loggedIn('operator');
    for (const csrf of ['', 'wrong', `${b.csrf()}x`]) {
      const res = await b.post('/stacks/alpha/up', { csrf });
      expect(res.status).toBe(403);
      expect(res.text).toContain('role="alert"');
    }
    expect(f.stacks.calls).toEqual([]);
  });

  it('refuses a POST from another site (Origin or Sec-Fetch-Site), even with the right token', async () => {
    const b = await loggedIn('operator');
    const other = await b.post('/stacks/alpha/up', { csrf: b.csrf() }, { Origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    const site = await b.post('/stacks/alpha/up', { csrf: b.csrf() }, { 'Sec-Fetch-Site': 'cross-site' });
    expect(site.status).toBe(403);
    // An old browser (no Sec-Fetch-Site) whose Origin names no site.
    const login = await f.browser().request('/login', {
      method: 'POST',
      body: new URLSearchParams({ username: 'operator', password: GOOD_PASSWORD }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'null' },
    });
    expect(login.status).toBe(403);
    expect(f.stacks.calls).toEqual([]);
  });

  it('accepts what a browser sends from our no-referrer pages: Origin null with Sec-Fetch-Site same-origin', async () => {
    const b = f.browser();
    const res = await b.post('/login', { username: 'operator', password: GOOD_PASSWORD }, { Origin: 'null' });
    expect([res.status, res.location]).toEqual([303, '/']);
    const deploy = await b.post('/stacks/alpha/up', { csrf: b.csrf() }, { Origin: 'null' });
    expect(deploy.status).toBe(303);
  });

  it('starts an operation with the right token and redirects to it', async () => {
    const b = await loggedIn('operator');
    const res = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/stacks/alpha/operations/op-1');
    await f.control.runner.idle();
    expect(f.stacks.calls.map((c) => c.op)).toEqual(['up']);
  });
});

describe('what a role sees and may do', () => {
  it('shows operators Deploy, Restart and Down as GET forms to the confirmations', async () => {
    const page = await (await loggedIn('operator')).get('/stacks/alpha');
    for (const action of ['up', 'restart', 'down']) {
      expect(page.text).toContain(`<form method="get" action="/stacks/alpha/confirm/${action}"`);
    }
    expect(page.text).toMatch(/<button type="submit">Deploy<\/button>/);
    expect(page.text).toContain('<h2 id="logs-title">Logs</h2>');
  });

  it('shows a viewer no action and no logs; a direct POST is refused by the API (403 page)', async () => {
    const b = await loggedIn('viewer');
    const page = await b.get('/stacks/alpha');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>alpha</h1>');
    expect(page.text).not.toMatch(/>(Deploy|Restart|Down)</);
    expect(page.text).not.toContain('/confirm/');
    expect(page.text).not.toContain('Logs</h2>');
    const res = await b.submit('/stacks/alpha/up', { csrf: b.csrf() });
    expect(res.status).toBe(403);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('operator role');
    expect(f.stacks.calls.filter((c) => c.op !== 'plan')).toEqual([]);
  });

  it('gives the confirmation of an action only to who may do it, of a stack that exists', async () => {
    const viewer = await loggedIn('viewer');
    for (const action of ['up', 'restart', 'down']) {
      const res = await viewer.get(`/stacks/alpha/confirm/${action}`);
      expect([action, res.status]).toEqual([action, 403]);
      expect(res.text).not.toContain('Confirm');
    }
    const operator = await loggedIn('alpha-operator');
    expect((await operator.get('/stacks/alpha/confirm/down')).status).toBe(200);
    expect((await operator.get('/stacks/beta/confirm/down')).status).toBe(403);
    // A stack-limited operator learns nothing of other names; one with rights everywhere gets the 404.
    expect((await operator.get('/stacks/nope/confirm/up')).status).toBe(403);
    expect((await (await loggedIn('operator')).get('/stacks/nope/confirm/up')).status).toBe(404);
  });

  it('shows a per-stack operator the actions on that stack only', async () => {
    const b = await loggedIn('alpha-operator');
    expect((await b.get('/stacks/alpha')).text).toContain('>Deploy<');
    expect((await b.get('/stacks/beta')).status).toBe(403);
    expect((await b.get('/')).text).not.toContain('data-stack="beta"');
  });

  it('links the audit log and users for admins only; the API refuses the others', async () => {
    const admin = await (await loggedIn('admin')).get('/');
    expect(admin.text).toContain('<a href="/audit">Audit log</a>');
    expect(admin.text).toContain('<a href="/users">Users</a>');
    const b = await loggedIn('operator');
    const page = await b.get('/');
    expect(page.text).not.toContain('/audit');
    expect(page.text).not.toContain('/users');
    expect(page.text).toContain('<a href="/account">Account</a>');
    expect(page.text).toMatch(
      /<form method="post" action="\/logout"[^>]*>.*<button type="submit">Log out<\/button>/,
    );
    expect((await b.get('/audit')).status).toBe(403);
    expect((await b.get('/users')).status).toBe(403);
  });

  it('shows the stack’s audit findings, from the API’s findings route (scoped like the stack)', async () => {
    const b = await loggedIn('viewer');
    const page = await b.get('/stacks/alpha');
    expect(page.text).toContain('<h2 id="findings-title">Findings</h2>');
    expect(page.text).toMatch(/<li data-rule="healthcheck-missing" data-severity="medium">.*\(web\)/);
    expect(page.text).toContain('alpha/compose.yaml:2');
    const beta = await b.get('/stacks/beta');
    expect(beta.text).not.toContain('alpha/compose.yaml');
    const cookie = { Cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const api = await f.api.request('/api/v1/stacks/alpha/findings', { headers: cookie });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { items: Array<{ rule: string; file: string }> };
    expect(body.items.map((i) => i.rule)).toContain('no-new-privileges-missing');
    expect(body.items.every((i) => i.file.startsWith('alpha/'))).toBe(true);
    expect((await f.api.request('/api/v1/stacks/nope/findings', { headers: cookie })).status).toBe(404);
    const scoped = await loggedIn('alpha-operator');
    const other = await f.api.request('/api/v1/stacks/beta/findings', {
      headers: { Cookie: [...scoped.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(other.status).toBe(403);
  });

  it('answers 404 pages for unknown stacks and paths', async () => {
    const b = await loggedIn('admin');
    expect((await b.get('/stacks/nope')).status).toBe(404);
    expect((await b.get('/stacks/NOT_A_NAME')).status).toBe(404);
    expect((await b.get('/stacks/alpha/confirm/explode')).status).toBe(404);
    expect((await b.get('/nowhere')).status).toBe(404);
  });
});

describe('apiOwns', () => {
  it('gives the API its routes, probes and metrics, and the dashboard the rest', () => {
    for (const p of ['/api/v1/stacks', '/api', '/healthz', '/readyz', '/metrics'])
      expect(apiOwns(p)).toBe(true);
    for (const p of ['/', '/login', '/apix', '/stacks/api', '/assets/x.js', '/metricsx'])
      expect(apiOwns(p)).toBe(false);
  });
});

describe('a page that cannot be made', () => {
  it('answers as text, with the security headers, when even the error page fails', async () => {
    // Assets whose every use throws: no page, the error page included, can be rendered.
    const broken = new Proxy({} as AssetTable, {
      get: (_target, key) => {
        if (key === 'byPath') return new Map();
        throw new Error('broken view');
      },
    });
    const logged: string[] = [];
    const app = createWebApp({
      api: async () => new Response('{}', { status: 500 }),
      assets: broken,
      logger: { error: (_facts: unknown, message: string) => logged.push(message) } as unknown as WebLogger,
    });
    const res = await app.request('/no-such-page');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('404: there is no page here');
    expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(logged).toEqual(['dashboard error page failed']);
  });
});
