import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD } from '../../test/support/auth.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';

let f: Awaited<ReturnType<typeof webFixture>>;
beforeEach(async () => {
  f = await webFixture();
});
afterEach(() => f.close());

async function as(user: string): Promise<TestBrowser> {
  const b = f.browser();
  await b.login(user);
  return b;
}

describe('the account page', () => {
  it('creates a token, shows its value once, and revokes it', async () => {
    const b = await as('operator');
    const page = await b.get('/account');
    expect(page.text).toContain('<form method="post" action="/account/tokens"');
    expect(page.text).toContain('<button type="submit">Create token</button>');
    const sent = await b.post('/account/tokens', {
      csrf: b.csrf(),
      name: 'ci',
      role: 'viewer',
      stacks: 'alpha, beta',
      expiresInDays: '30',
    });
    // Post/Redirect/Get: the value is on the GET page the POST sends the browser to.
    expect([sent.status, sent.location]).toEqual([
      303,
      expect.stringMatching(/^\/account\?created=[\w-]{22}$/),
    ]);
    const created = await b.follow(sent);
    expect(created.status).toBe(200);
    const secret = /<div id="new-token"[^>]*>.*?<code class="secret">([^<]+)<\/code>/.exec(created.text)?.[1];
    expect(secret).toMatch(/\S{20,}/);
    // The token works against the API, with the role and stacks asked for.
    const who = await f.api.request('/api/v1/whoami', { headers: { Authorization: `Bearer ${secret}` } });
    expect(await who.json()).toMatchObject({
      kind: 'token',
      tokenScope: { role: 'viewer', stacks: ['alpha', 'beta'] },
    });
    // Never again: not on a reload of that page (which makes no second token), not on the list.
    const reload = await b.follow(sent);
    expect(reload.text).not.toContain(secret);
    expect(reload.text).not.toContain('id="new-token"');
    expect(reload.text).toContain('id="token-gone"');
    const again = await b.get('/account');
    expect(again.text).not.toContain(secret);
    expect(again.text).not.toContain('id="new-token"');
    expect(again.text).not.toContain('id="token-gone"');
    expect([...again.text.matchAll(/<tr data-token=/g)].length).toBe(1);
    const id = /<tr data-token="([^"]+)" data-state="active">/.exec(again.text)?.[1] ?? '';
    expect(again.text).toContain(`action="/account/tokens/${id}/revoke"`);
    const revoked = await b.post(`/account/tokens/${id}/revoke`, { csrf: b.csrf() });
    expect([revoked.status, revoked.location]).toEqual([303, '/account']);
    expect((await b.get('/account')).text).toContain(`<tr data-token="${id}" data-state="revoked">`);
    const refused = await f.api.request('/api/v1/whoami', { headers: { Authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
  });

  it('shows the API’s refusal of a token it cannot make (an expiry past a year)', async () => {
    const b = await as('viewer');
    const res = await b.post('/account/tokens', {
      csrf: b.csrf(),
      name: 'x',
      role: 'viewer',
      expiresInDays: '999',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toMatch(/<p>Expires in \(days\): [^<]*365[^<]*<\/p>/);
    expect(res.text).not.toContain('id="new-token"');
  });
});

describe('the admin pages', () => {
  it('lists the audit log, newest first, with filters', async () => {
    const b = await as('admin');
    await b.post('/account/tokens', { csrf: b.csrf(), name: 'ci', role: 'viewer', expiresInDays: '5' });
    const page = await b.get('/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Audit log</h1>');
    const actions = [
      ...page.text.matchAll(/<tr data-entry="\d+">(?:<td>.*?<\/td>){2}<td>([^<]+)<\/td>/g),
    ].map((m) => m[1]);
    expect(actions.slice(0, 2)).toEqual(['createToken', 'login']);
    const filtered = await b.get('/audit?action=login');
    expect(filtered.text).not.toContain('<td>createToken</td>');
    expect(filtered.text).toContain('value="login"');
  });

  it('lists, creates and deletes users', async () => {
    const b = await as('admin');
    const page = await b.get('/users');
    for (const user of ['admin', 'operator', 'viewer', 'alpha-operator']) {
      expect(page.text).toContain(`<tr data-user="${user}">`);
    }
    expect(page.text).toContain('<td>operator on alpha</td>');
    const created = await b.post('/users', {
      csrf: b.csrf(),
      username: 'dora',
      password: GOOD_PASSWORD,
      role: 'viewer',
      stack: 'beta',
    });
    expect([created.status, created.location]).toEqual([303, '/users']);
    expect((await b.get('/users')).text).toContain(
      '<tr data-user="dora"><td>dora</td><td>viewer on beta</td>',
    );
    const dora = f.browser();
    expect((await dora.login('dora')).status).toBe(303);
    const short = await b.post('/users', {
      csrf: b.csrf(),
      username: 'eve',
      password: 'short',
      role: 'viewer',
    });
    expect(short.status).toBe(400);
    expect(short.text).toContain('role="alert"');
    // The refused field by the form's label, not by its place in the API's JSON body.
    expect(short.text).toMatch(/<p>Password: [^<]*12[^<]*<\/p>/);
    expect(short.text).not.toContain('body.');
    const badName = await b.post('/users', {
      csrf: b.csrf(),
      username: 'Eve Smith',
      password: GOOD_PASSWORD,
    });
    expect(badName.text).toContain('Username: 2 to 64 characters');
    expect(badName.text).toContain('Role: ');
    // Deleting takes a second click: the button is inside a closed disclosure.
    const list = (await b.get('/users')).text;
    expect(list).toMatch(
      /<details class="confirm"><summary>Delete dora…<\/summary><form method="post" action="\/users\/dora\/delete"/,
    );
    expect(list).toContain('Yes, delete dora');
    const deleted = await b.post('/users/dora/delete', { csrf: b.csrf() });
    expect(deleted.status).toBe(303);
    expect((await b.get('/users')).text).not.toContain('data-user="dora"');
  });
});
