import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  credentialsFile,
  initAdmin,
  run,
  savedToken,
  startTestServer,
  type TestServer,
  USER_PASSWORD,
} from '../../../test/support/remote-cli.js';

// berth admin init and berth admin user … against a real `berth serve` in-process (no Docker).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('berth admin init', () => {
  it('refuses ambiguous or missing secret sources before contacting the server (exit 2)', async () => {
    const base = ['admin', 'init', server.url, '--username', 'admin'];
    const cases: string[][] = [
      [...base, '--setup-token-stdin', '--password-stdin'],
      [...base, '--password-stdin'],
      [...base, '--setup-token-file', server.setupTokenFile, '--setup-token-stdin', '--password-stdin'],
      [...base, '--setup-token-file', server.setupTokenFile],
    ];
    for (const argv of cases) {
      const res = await run(server, argv, { stdin: ADMIN_PASSWORD });
      expect(res.code, argv.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^error USAGE: .*\n {2}hint: /);
    }
    expect((await run(server, cases[0] ?? [], { stdin: 'x' })).stderr).toContain(
      'cannot both come from standard input',
    );
  });

  it('says what is wrong with an unreadable setup-token file', async () => {
    const res = await run(
      server,
      [
        'admin',
        'init',
        server.url,
        '--username',
        'admin',
        '--setup-token-file',
        'missing',
        '--password-stdin',
      ],
      { stdin: ADMIN_PASSWORD },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^error SECRET_FILE_UNREADABLE: cannot read the setup token from .*missing \(ENOENT\)/,
    );
  });

  it('creates the first admin, logs in and saves the login; the setup token works once', async () => {
    const setupToken = readFileSync(server.setupTokenFile, 'utf8').trim();
    const res = await initAdmin(server);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(
      `created the first admin admin on ${server.url}\nlogged in to ${server.url} as admin;`,
    );
    expect(res.stdout).not.toContain(savedToken(server));
    expect(res.stdout).not.toContain(setupToken);
    // The used token's file is gone; the token itself is refused.
    expect(existsSync(server.setupTokenFile)).toBe(false);
    const passwordFile = join(server.root, 'other-password');
    writeFileSync(passwordFile, USER_PASSWORD, { mode: 0o600 });
    const again = await run(
      server,
      [
        'admin',
        'init',
        server.url,
        '--username',
        'other',
        '--setup-token-stdin',
        '--password-file',
        passwordFile,
      ],
      { stdin: setupToken },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error AUTH_SETUP_(DONE|TOKEN_INVALID): /);
  });

  it('takes the setup token from stdin with the password from a file', async () => {
    const other = await startTestServer();
    try {
      const passwordFile = join(other.root, 'pw');
      writeFileSync(passwordFile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
      const res = await run(
        other,
        [
          'admin',
          'init',
          other.url,
          '--username',
          'root',
          '--setup-token-stdin',
          '--password-file',
          passwordFile,
          '--json',
        ],
        { stdin: readFileSync(other.setupTokenFile, 'utf8') },
      );
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ created: 'root', username: 'root', url: other.url });
      expect(existsSync(credentialsFile(other))).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('berth admin user', () => {
  it('adds, lists, grants and removes users', async () => {
    const add = await run(
      server,
      [
        'admin',
        'user',
        'add',
        'alice',
        '--password-stdin',
        '--role',
        'operator',
        '--stack',
        'shop',
        '--stack',
        'blog',
      ],
      {
        stdin: `${USER_PASSWORD}\n`,
      },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe('created user alice: operator on blog, operator on shop\n');
    // The test server's workspace is one stack: the grants are kept, with a warning each.
    expect(add.stderr).toMatch(/^warning: no stack shop in the workspace now: the grant is kept/m);
    expect(add.stderr).toMatch(/^warning: no stack blog in the workspace now/m);
    const viewer = await run(server, ['admin', 'user', 'add', 'bob', '--password-stdin', '--json'], {
      stdin: USER_PASSWORD,
    });
    expect(JSON.parse(viewer.stdout)).toEqual({
      username: 'bob',
      grants: [{ role: 'viewer' }],
      createdAt: expect.any(String),
    });

    const list = await run(server, ['admin', 'user', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USERNAME +GRANTS +CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 2))).toEqual([
      ['admin', 'admin on every stack'],
      ['alice', 'operator on blog, operator on shop'],
      ['bob', 'viewer on every stack'],
    ]);
    const json = JSON.parse((await run(server, ['admin', 'user', 'list', '--json'])).stdout);
    expect(json.items.map((u: { username: string }) => u.username)).toEqual(['admin', 'alice', 'bob']);
    expect(JSON.stringify(json)).not.toMatch(/password|argon2/i);

    const grant = await run(server, ['admin', 'user', 'grant', 'alice', '--role', 'viewer']);
    expect(grant).toMatchObject({ code: 0, stdout: 'updated user alice: viewer on every stack\n' });

    const remove = await run(server, ['admin', 'user', 'remove', 'bob']);
    expect(remove).toMatchObject({ code: 0, stdout: 'removed user bob (with their sessions and tokens)\n' });
    expect((await run(server, ['admin', 'user', 'remove', 'bob'])).stderr).toMatch(/^error USER_NOT_FOUND: /);
  });

  it('reports refusals with the server’s code and hint (exit 1)', async () => {
    const dup = await run(server, ['admin', 'user', 'add', 'alice', '--password-stdin'], {
      stdin: USER_PASSWORD,
    });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^error AUTH_USER_EXISTS: user alice already exists\n {2}hint: /);
    const weak = await run(server, ['admin', 'user', 'add', 'carol', '--password-stdin'], { stdin: 'short' });
    expect(weak.stderr).toMatch(/^error VALIDATION: /);
    const self = await run(server, ['admin', 'user', 'remove', 'admin']);
    expect(self.stderr).toMatch(/^error USER_SELF_DELETE: .*\n {2}hint: ask another admin/);
    const last = await run(server, ['admin', 'user', 'grant', 'admin', '--role', 'operator']);
    expect(last.stderr).toMatch(/^error AUTH_LAST_ADMIN: /);
  });

  it('checks the command line (exit 2)', async () => {
    expect((await run(server, ['admin', 'user', 'add', 'dave'], { stdin: USER_PASSWORD })).code).toBe(2);
    expect((await run(server, ['admin', 'user', 'grant', 'alice'])).code).toBe(2);
    const badRole = await run(server, ['admin', 'user', 'grant', 'alice', '--role', 'root']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('viewer, operator, admin');
  });

  it('is refused to a user without admin on every stack (403)', async () => {
    const saved = readFileSync(credentialsFile(server), 'utf8');
    try {
      rmSync(credentialsFile(server));
      const login = await run(server, ['login', server.url, '--username', 'alice', '--password-stdin'], {
        stdin: USER_PASSWORD,
      });
      expect(login.code, login.stderr).toBe(0);
      const res = await run(server, ['admin', 'user', 'list']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^error FORBIDDEN: this needs the admin role on every stack/);
      expect((await run(server, ['audit-log'])).stderr).toMatch(/^error FORBIDDEN: /);
    } finally {
      writeFileSync(credentialsFile(server), saved, { mode: 0o600 });
    }
  });
});
