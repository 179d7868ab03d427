import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, OTHER_PASSWORD } from '../../test/support/auth.js';
import { CONTAINERS, TableStacks } from '../../test/support/control.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';

// Where the login and setup pages send a browser, and what a reload of a page a form led to does.

let f: Awaited<ReturnType<typeof webFixture>>;
beforeEach(async () => {
  f = await webFixture({ stacks: new TableStacks(CONTAINERS) });
});
afterEach(() => f.close());

async function loggedIn(username: string): Promise<TestBrowser> {
  const b = f.browser();
  expect((await b.login(username)).status).toBe(303);
  return b;
}

describe('the login and setup pages', () => {
  it('send a server with no admin yet to /setup, and a set-up server from /setup to /login', async () => {
    const fresh = await webFixture({ users: false });
    try {
      const b = fresh.browser();
      expect((await b.get('/login')).location).toBe('/setup');
      expect((await b.get('/setup')).status).toBe(200);
      const failed = await b.login('root', GOOD_PASSWORD);
      expect(failed.status).toBe(401);
      expect(failed.text).toContain('<a href="/setup">create the first admin</a>');
    } finally {
      fresh.close();
    }
    const b = f.browser();
    expect((await b.get('/setup')).location).toBe('/login');
    const login = await b.get('/login');
    expect(login.status).toBe(200);
    expect(login.text).not.toContain('href="/setup"');
    expect((await b.login('viewer', OTHER_PASSWORD)).text).not.toContain('href="/setup"');
  });

  it('takes a browser back to the page it asked for after logging in, and only to this server', async () => {
    const b = f.browser();
    const asked = await b.get('/stacks/alpha?tab=logs');
    expect(asked.location).toBe(`/login?next=${encodeURIComponent('/stacks/alpha?tab=logs')}`);
    const form = await b.get(asked.location ?? '');
    expect(form.text).toContain('<input type="hidden" name="next" value="/stacks/alpha?tab=logs"/>');
    const wrong = await b.post('/login', {
      username: 'viewer',
      password: OTHER_PASSWORD,
      next: '/stacks/alpha',
    });
    expect(wrong.text).toContain('name="next" value="/stacks/alpha"');
    const done = await b.post('/login', {
      username: 'viewer',
      password: GOOD_PASSWORD,
      next: '/stacks/alpha',
    });
    expect([done.status, done.location]).toEqual([303, '/stacks/alpha']);
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const other = f.browser();
      expect(
        (await other.post('/login', { username: 'viewer', password: GOOD_PASSWORD, next })).location,
      ).toBe('/');
      expect((await other.get(`/login?next=${encodeURIComponent(next)}`)).location).toBe('/');
    }
  });

  it('sends a browser that is logged in on from /login instead of asking again', async () => {
    const b = await loggedIn('viewer');
    expect((await b.get('/login')).location).toBe('/');
    expect((await b.get('/login?next=%2Faccount')).location).toBe('/account');
    // A session the API ended is not logged in: the form is shown.
    await b.post('/logout', { csrf: b.csrf() });
    b.cookies.set('berth_session', 'ended');
    expect((await b.get('/login')).status).toBe(200);
  });
});

describe('a reload after a form', () => {
  it('shows a refusal again without sending the action again, to its own session only', async () => {
    const b = await loggedIn('operator');
    f.stacks.gate = new Promise<void>(() => {});
    const first = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    expect(first.location).toBe('/stacks/alpha/operations/op-1');
    const busy = await b.post('/stacks/alpha/restart', { csrf: b.csrf() });
    expect([busy.status, busy.location]).toEqual([303, expect.stringMatching(/^\/notice\/[\w-]{22}$/)]);
    const calls = f.stacks.calls.length;
    for (let reload = 0; reload < 2; reload++) {
      const page = await b.follow(busy);
      expect(page.status).toBe(409);
      expect(page.text).toContain('operation op-1');
    }
    expect(f.stacks.calls.length).toBe(calls);
    const other = await loggedIn('admin');
    const theirs = await other.follow(busy);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('op-1');
    expect(theirs.text).toContain('this notice has expired or belongs to another session');
  });
});

describe('the audit page', () => {
  it('refuses a before= that is not an entry number, saying what to use', async () => {
    const b = await loggedIn('admin');
    const page = await b.get('/audit?before=abc');
    expect(page.status).toBe(400);
    expect(page.text).toContain('before=&quot;abc&quot; is not an audit entry number');
    expect(page.text).toContain('Older');
    expect((await b.get('/audit?before=')).status).toBe(200);
  });
});
