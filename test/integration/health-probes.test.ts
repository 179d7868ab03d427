import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerLabels } from '../../src/engine/model.js';
import type { ProbeCheck } from '../../src/health/probe-types.js';
import { type CheckContext, execInContainer, runCheck } from '../../src/health/probes/index.js';
import { SERVICES } from './backup/support.js';
import { startRun, type TestRun, waitFor } from './engine/support.js';

// The command and db probes against real databases in local/services:1 (MariaDB, PostgreSQL 15,
// Redis 7), through the engine's exec, with the credentials read from each container's
// environment as the monitor will. Every container carries the run's label and is removed after.

const REDIS_PASSWORD = 'redis-right-pass';
const PROBE_PASSWORD = 'maria-probe-pass';

let run: TestRun;
const ids: Record<'cache' | 'pg' | 'maria', string> = { cache: '', pg: '', maria: '' };

/** Starts one service container of the stack, Berth's labels on it. */
async function start(
  service: keyof typeof ids,
  spec: { command: string[]; env?: Record<string, string>; user?: string },
): Promise<string> {
  const labels = containerLabels({
    stack: `probes-${run.id}`,
    service,
    replica: 1,
    configHash: 'test',
    role: 'current',
  });
  const { id } = await run.engine.containers.create(
    run.spec(service, {
      image: SERVICES,
      command: spec.command,
      env: spec.env ?? {},
      labels: run.labels(labels),
      ...(spec.user ? { user: spec.user } : {}),
    }),
  );
  await run.engine.containers.start(id);
  return id;
}

/** Waits until `argv` exits 0 in the container (a server still starting). */
async function ready(id: string, argv: string[], env?: Record<string, string>): Promise<void> {
  await waitFor(
    `${argv.join(' ')} in ${id}`,
    async () => {
      const r = await run.engine.exec.run(id, argv, { ...(env ? { env } : {}), timeoutMs: 10_000 });
      return r.exitCode === 0 && !/error|denied|NOAUTH/i.test(r.stdout + r.stderr) ? true : undefined;
    },
    { attempts: 240, intervalMs: 500 },
  );
}

/** The monitor's view of a container: its exec and its environment. */
async function context(id: string, over: Partial<CheckContext> = {}): Promise<CheckContext> {
  const info = await run.engine.containers.inspect(id);
  const containerEnv = Object.fromEntries(
    info.env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  return {
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    now: () => Date.now(),
    exec: execInContainer(run.engine, id),
    containerEnv,
    ...over,
  };
}

beforeAll(async () => {
  run = await startRun();
  ids.cache = await start('cache', {
    command: ['redis-server', '--bind', '127.0.0.1', '--requirepass', REDIS_PASSWORD],
    env: { REDIS_PASSWORD },
  });
  ids.pg = await start('pg', {
    user: 'postgres',
    command: [
      '/usr/lib/postgresql/15/bin/postgres',
      '-D',
      '/var/lib/postgresql/15/main',
      '-c',
      'config_file=/etc/postgresql/15/main/postgresql.conf',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
  });
  ids.maria = await start('maria', {
    command: ['mariadbd', '--user=mysql', '--bind-address=127.0.0.1'],
  });
  await ready(ids.cache, ['redis-cli', 'ping'], { REDISCLI_AUTH: REDIS_PASSWORD });
  await ready(ids.pg, ['pg_isready', '-h', '127.0.0.1']);
  await ready(ids.maria, ['mariadb-admin', 'ping']);
  // A user that logs in with a password (root uses the socket's credentials and takes any).
  const created = await run.engine.exec.run(ids.maria, [
    'mariadb',
    '-e',
    `CREATE USER probe@localhost IDENTIFIED BY '${PROBE_PASSWORD}'`,
  ]);
  if (created.exitCode !== 0) throw new Error(`CREATE USER failed: ${created.stderr}`);
}, 300_000);

afterAll(async () => {
  await run?.cleanup();
});

const db = (
  engine: 'mariadb' | 'postgres' | 'redis',
  extra: { user?: string; database?: string } = {},
): ProbeCheck => ({
  type: 'db',
  engine,
  ...extra,
});

describe('db probes on real servers', () => {
  it('redis: PONG with the password from the container environment', async () => {
    const out = await runCheck(db('redis'), await context(ids.cache));
    expect(out).toMatchObject({ ok: true, measured: { body: 'PONG\n' } });
    expect(out.measured.responseTimeMs).toBeGreaterThan(0);
  });

  it('redis: a wrong password fails with what redis said, never the password', async () => {
    const out = await runCheck(
      db('redis'),
      await context(ids.cache, { containerEnv: { REDIS_PASSWORD: 'wr0ng-pass' } }),
    );
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/^redis: .*(WRONGPASS|NOAUTH)/);
    expect(JSON.stringify(out)).not.toContain('wr0ng-pass');
    expect(JSON.stringify(out)).not.toContain(REDIS_PASSWORD);
  });

  it('postgres: SELECT 1 answers 1; a missing database is named', async () => {
    expect(await runCheck(db('postgres'), await context(ids.pg))).toMatchObject({
      ok: true,
      measured: { body: '1\n' },
    });
    const out = await runCheck(db('postgres', { database: 'nope' }), await context(ids.pg));
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/^postgres as postgres on nope: exit 2: .*database "nope" does not exist/);
  });

  it('mariadb: root over the socket is alive', async () => {
    const out = await runCheck(db('mariadb'), await context(ids.maria));
    expect(out).toMatchObject({ ok: true });
    expect(out.measured.body).toMatch(/is alive/);
  });

  it("mariadb: a user's password from the environment; a wrong one fails, unshown", async () => {
    const env = (password: string) => ({
      containerEnv: { MARIADB_USER: 'probe', MARIADB_PASSWORD: password },
    });
    const good = await runCheck(
      db('mariadb', { user: 'probe' }),
      await context(ids.maria, env(PROBE_PASSWORD)),
    );
    expect(good).toMatchObject({ ok: true });
    const bad = await runCheck(db('mariadb', { user: 'probe' }), await context(ids.maria, env('n0t-it')));
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(
      /^mariadb as probe: .*Access denied for user 'probe'@'localhost' \(using password: YES\)/,
    );
    expect(JSON.stringify(bad)).not.toContain('n0t-it');
  });
});

describe('command probes on a real container', () => {
  it('exit 0 is ok with the output as body; a failure says its exit code, its output apart', async () => {
    const ctx = await context(ids.pg);
    expect(await runCheck({ type: 'command', argv: ['cat', '/etc/debian_version'] }, ctx)).toMatchObject({
      ok: true,
      measured: { body: expect.stringMatching(/^12\./) },
    });
    expect(await runCheck({ type: 'command', argv: ['ls', '/nope'] }, ctx)).toMatchObject({
      ok: false,
      error: 'exit 2',
      output: "ls: cannot access '/nope': No such file or directory",
    });
  });

  it('a tool that is not in the image is named', async () => {
    const out = await runCheck({ type: 'command', argv: ['no-such-tool'] }, await context(ids.pg));
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/^exit 12[67]: no-such-tool is not in the container's image$/);
  });

  it('times out on time', async () => {
    const out = await runCheck(
      { type: 'command', argv: ['sleep', '30'] },
      await context(ids.pg, { timeoutMs: 700 }),
    );
    expect(out).toMatchObject({ ok: false, error: 'timed out after 700ms' });
    expect(out.latencyMs).toBeLessThan(3000);
  });
});
