import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  credentialsFile,
  initAdmin,
  run,
  savedToken,
  startTestServer,
  type TestServer,
} from '../../../test/support/remote-cli.js';

// login, logout and whoami against a real `berth serve` in-process (no Docker).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const init = await initAdmin(server);
  expect(init.code, init.stderr).toBe(0);
});
afterAll(() => server.close());

const login = (extra: string[] = [], stdin = `${ADMIN_PASSWORD}\n`, url = server.url) =>
  run(server, ['login', url, '--username', 'admin', '--password-stdin', ...extra], { stdin });

describe('berth login', () => {
  it('saves a token in a 0600 file (folder 0700) and never prints it', async () => {
    const res = await login();
    expect(res.code, res.stderr).toBe(0);
    const file = credentialsFile(server);
    expect(res.stdout).toMatch(
      new RegExp(`^logged in to ${server.url} as admin; token \\S+ expires \\S+; saved to ${file}\\n$`),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toEqual({
      url: server.url,
      token: expect.stringMatching(/^berth_/),
      tokenId: expect.any(String),
      username: 'admin',
      expiresAt: expect.any(String),
    });
    expect(res.stdout + res.stderr).not.toContain(saved.token);
    // 30 days by default.
    const days = (Date.parse(saved.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const who = await run(server, ['whoami']);
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toContain(`admin at ${server.url} (API token)`);
    expect(who.stdout).toContain('grants: admin on every stack');
    expect(who.stdout).toContain(`token expires: ${saved.expiresAt}`);
  });

  it('prints JSON without the token, honours --expires-in-days, and works over the unix socket', async () => {
    const res = await login(['--json', '--expires-in-days', '2'], ADMIN_PASSWORD, server.socketUrl);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(Object.keys(out).sort()).toEqual(['expiresAt', 'file', 'tokenId', 'url', 'username']);
    expect(out.url).toBe(server.socketUrl);
    expect(res.stdout).not.toContain(savedToken(server));
    expect((Date.parse(out.expiresAt) - Date.now()) / 86_400_000).toBeLessThanOrEqual(2);
    const who = await run(server, ['whoami', '--json']);
    expect(JSON.parse(who.stdout)).toMatchObject({
      url: server.socketUrl,
      kind: 'token',
      name: 'admin',
      grants: [{ role: 'admin' }],
      tokenScope: { role: 'admin' },
    });
  });

  it('revokes the token of the login it replaces', async () => {
    await login();
    const first = savedToken(server);
    expect((await login()).code).toBe(0);
    const old = await run(server, ['whoami'], { env: { BERTH_URL: server.url, BERTH_TOKEN: first } });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('error UNAUTHENTICATED');
    expect((await run(server, ['whoami'])).code).toBe(0);
  });

  it('refuses a wrong password (exit 1) and leaves the saved login alone', async () => {
    await login();
    const before = readFileSync(credentialsFile(server), 'utf8');
    const res = await login([], 'not-the-password-at-all');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error AUTH_INVALID_CREDENTIALS: invalid username or password\n {2}hint: /);
    expect(readFileSync(credentialsFile(server), 'utf8')).toBe(before);
  });

  it('is a usage error without --password-stdin or with a bad --expires-in-days', async () => {
    const noFlag = await run(server, ['login', server.url, '--username', 'admin']);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('--password-stdin');
    expect((await login(['--expires-in-days', 'zero'])).code).toBe(2);
    expect((await run(server, ['login', server.url, '--password-stdin'], { stdin: 'x' })).code).toBe(2);
  });
});

describe('berth logout', () => {
  it('revokes the token on the server (it then gets 401) and removes the file', async () => {
    await login();
    const token = savedToken(server);
    const res = await run(server, ['logout']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^logged out of .*: token \S+ revoked; removed /);
    expect(existsSync(credentialsFile(server))).toBe(false);
    const old = await run(server, ['whoami'], { env: { BERTH_URL: server.url, BERTH_TOKEN: token } });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/^error UNAUTHENTICATED: .*\n {2}hint: .*log in again with `berth login`\n$/);
    const again = await run(server, ['logout']);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('not logged in') });
  });

  it('still removes the file when the server is unreachable, saying the token lives on until it expires', async () => {
    const file = credentialsFile(server);
    mkdirSync(dirname(file), { recursive: true });
    const expiresAt = '2031-02-03T04:05:06.000Z';
    writeFileSync(
      file,
      JSON.stringify({
        url: 'http://127.0.0.1:1',
        token: 'berth_x',
        tokenId: 'tok_x',
        username: 'a',
        expiresAt,
      }),
      { mode: 0o600 },
    );
    const res = await run(server, ['logout']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('token tok_x was NOT revoked (SERVER_UNREACHABLE');
    expect(res.stderr).toContain(`valid until ${expiresAt}`);
    expect(existsSync(file)).toBe(false);
  });
});

describe('connection errors', () => {
  it('reports an unreachable server with the URL in the hint', async () => {
    const res = await run(server, ['whoami'], {
      env: { BERTH_URL: 'http://127.0.0.1:1', BERTH_TOKEN: 'berth_x' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^error SERVER_UNREACHABLE: cannot reach the Berth server at http:\/\/127\.0\.0\.1:1/,
    );
    expect(res.stderr).toContain('hint: is `berth serve` running at http://127.0.0.1:1?');
  });

  it('answers a bad BERTH_TOKEN with 401 and a hint to log in again', async () => {
    const res = await run(server, ['admin', 'user', 'list'], {
      env: { BERTH_URL: server.url, BERTH_TOKEN: 'berth_not-a-real-token' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error UNAUTHENTICATED');
    expect(res.stderr).toContain('`berth login`');
  });

  it('says how to log in when there is no saved login and no BERTH_URL', async () => {
    await run(server, ['logout']);
    const res = await run(server, ['whoami']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error NOT_LOGGED_IN: .*\n {2}hint: run `berth login/);
  });

  it('refuses a damaged credentials file with a hint to log in again', async () => {
    const file = credentialsFile(server);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"url": 1');
    const res = await run(server, ['whoami']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error CREDENTIALS_INVALID: .*\n {2}hint: run `berth login` again/);
  });
});
