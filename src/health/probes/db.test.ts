import { describe, expect, it } from 'vitest';
import { dbPing } from './db.js';
import type { ContainerExec } from './exec.js';
import { type CheckContext, runCheck } from './run.js';

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

type Call = { argv: readonly string[]; env: Readonly<Record<string, string>> | undefined };

/** An exec port answering by the tool run (argv[0]); unknown tools are missing, as the engine says. */
function container(answers: Record<string, { exitCode: number; output: string }>) {
  const calls: Call[] = [];
  const exec: ContainerExec = async (argv, options) => {
    calls.push({ argv, env: options.env });
    const tool = argv[0] ?? '';
    return (
      answers[tool] ?? {
        exitCode: 127,
        output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${tool}": executable file not found in $PATH: unknown`,
      }
    );
  };
  return { exec, calls };
}

describe('dbPing: argv and credentials as backups read them', () => {
  it('mariadb: root with the root password in MYSQL_PWD, never on the command line', () => {
    const ping = dbPing(
      { engine: 'mariadb' },
      { MARIADB_ROOT_PASSWORD: 'r00t', MYSQL_ROOT_PASSWORD: 'other' },
    );
    expect(ping.argv).toEqual(['mariadb-admin', 'ping', '--user=root']);
    expect(ping.env).toEqual({ MYSQL_PWD: 'r00t' });
    expect(ping.argv.join(' ')).not.toContain('r00t');
    expect(dbPing({ engine: 'mariadb' }, { MYSQL_ROOT_PASSWORD: 'my' }).env).toEqual({ MYSQL_PWD: 'my' });
  });

  it("mariadb: another user gets the image's user password only when it is that user", () => {
    const env = { MARIADB_ROOT_PASSWORD: 'r00t', MARIADB_USER: 'app', MARIADB_PASSWORD: 'apppw' };
    expect(dbPing({ engine: 'mariadb', user: 'app' }, env).env).toEqual({ MYSQL_PWD: 'apppw' });
    expect(dbPing({ engine: 'mariadb', user: 'monitor' }, env).env).toEqual({});
  });

  it('postgres: POSTGRES_USER (else postgres) on the postgres database, PGPASSWORD', () => {
    expect(dbPing({ engine: 'postgres' }, {})).toMatchObject({
      argv: ['psql', '-X', '-w', '-U', 'postgres', '-d', 'postgres', '-tAc', 'SELECT 1'],
      env: {},
    });
    const ping = dbPing(
      { engine: 'postgres', database: 'shop' },
      { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'pw' },
    );
    expect(ping.argv).toEqual(['psql', '-X', '-w', '-U', 'app', '-d', 'shop', '-tAc', 'SELECT 1']);
    expect(ping.env).toEqual({ PGPASSWORD: 'pw' });
    expect(dbPing({ engine: 'postgres', user: 'other' }, { POSTGRES_PASSWORD: 'pw' }).env).toEqual({});
  });

  it('redis: REDIS_PASSWORD (else REDISCLI_AUTH) in REDISCLI_AUTH', () => {
    expect(dbPing({ engine: 'redis' }, { REDIS_PASSWORD: 'rp', REDISCLI_AUTH: 'ra' })).toMatchObject({
      argv: ['redis-cli', 'ping'],
      env: { REDISCLI_AUTH: 'rp' },
    });
    expect(dbPing({ engine: 'redis', user: 'probe' }, { REDISCLI_AUTH: 'ra' })).toMatchObject({
      argv: ['redis-cli', '--user', 'probe', 'ping'],
      env: { REDISCLI_AUTH: 'ra' },
    });
  });
});

describe('db probe', () => {
  it('mariadb: alive is ok; falls back to mysqladmin when mariadb-admin is not in the image', async () => {
    const { exec, calls } = container({ mysqladmin: { exitCode: 0, output: 'mysqld is alive\n' } });
    const out = await runCheck(
      { type: 'db', engine: 'mariadb' },
      ctx({ exec, containerEnv: { MYSQL_ROOT_PASSWORD: 'pw' } }),
    );
    expect(out).toMatchObject({ ok: true, measured: { body: 'mysqld is alive\n' } });
    expect(calls.map((c) => c.argv[0])).toEqual(['mariadb-admin', 'mysqladmin']);
    expect(calls[1]).toEqual({ argv: ['mysqladmin', 'ping', '--user=root'], env: { MYSQL_PWD: 'pw' } });
  });

  it('mariadb: access denied is not ok even though ping exits 0, and the password is not shown', async () => {
    const { exec } = container({
      'mariadb-admin': {
        exitCode: 0,
        output:
          "mariadb-admin: connect to server at 'localhost' failed\nerror: 'Access denied for user 'root'@'localhost' (using password: YES)'\n",
      },
    });
    const out = await runCheck(
      { type: 'db', engine: 'mariadb' },
      ctx({ exec, containerEnv: { MARIADB_ROOT_PASSWORD: 'hunter2' } }),
    );
    expect(out.ok).toBe(false);
    expect(out.error).toBe(
      "mariadb as root: mariadb-admin: connect to server at 'localhost' failed; error: 'Access denied for user 'root'@'localhost' (using password: YES)'",
    );
  });

  it('mariadb: neither client in the image', async () => {
    const { exec } = container({});
    expect(await runCheck({ type: 'db', engine: 'mariadb' }, ctx({ exec }))).toMatchObject({
      ok: false,
      error: "mariadb as root: the mariadb client is not in the container's image",
    });
  });

  it('postgres: 1 is ok; an error names user and database', async () => {
    const good = container({ psql: { exitCode: 0, output: '1\n' } });
    expect(await runCheck({ type: 'db', engine: 'postgres' }, ctx({ exec: good.exec }))).toMatchObject({
      ok: true,
    });
    const bad = container({
      psql: {
        exitCode: 2,
        output:
          'psql: error: connection to server on socket failed: FATAL:  database "shop" does not exist\n',
      },
    });
    expect(
      await runCheck({ type: 'db', engine: 'postgres', database: 'shop' }, ctx({ exec: bad.exec })),
    ).toMatchObject({
      ok: false,
      error:
        'postgres as postgres on shop: exit 2: psql: error: connection to server on socket failed: FATAL:  database "shop" does not exist',
    });
  });

  it('redis: PONG is ok; NOAUTH is not, and a password echoed by a tool is scrubbed', async () => {
    const good = container({ 'redis-cli': { exitCode: 0, output: 'PONG\n' } });
    expect(await runCheck({ type: 'db', engine: 'redis' }, ctx({ exec: good.exec }))).toMatchObject({
      ok: true,
    });
    const denied = container({
      'redis-cli': {
        exitCode: 0,
        output: 'AUTH failed for s3cr3t: WRONGPASS\nNOAUTH Authentication required.\n',
      },
    });
    const out = await runCheck(
      { type: 'db', engine: 'redis' },
      ctx({ exec: denied.exec, containerEnv: { REDIS_PASSWORD: 's3cr3t' } }),
    );
    expect(out).toMatchObject({
      ok: false,
      error: 'redis: AUTH failed for ***: WRONGPASS; NOAUTH Authentication required.',
    });
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
    expect(denied.calls[0]?.env).toEqual({ REDISCLI_AUTH: 's3cr3t' });
  });

  it('says when there is no container to run in', async () => {
    expect(await runCheck({ type: 'db', engine: 'redis' }, ctx())).toMatchObject({
      ok: false,
      error: 'redis: no running container to run redis-cli in',
    });
  });
});
