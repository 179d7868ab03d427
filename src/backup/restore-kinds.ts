import { posix } from 'node:path';
import type { ContentFacts, Manifest } from '../api/backups.js';
import type { ContainerInfo, Engine } from '../engine/model.js';
import { BackupError } from './errors.js';
import { HELPER_ROOT, helperSpec } from './helper.js';
import { redisCli } from './kinds/redis.js';
import { sqliteFacts } from './kinds/sqlite.js';
import { run } from './kinds/types.js';
import { volumesOf } from './kinds/volume.js';
import { mysqlLoader } from './load/mysql.js';
import { postgresLoader } from './load/postgres.js';
import type { OpenPlain } from './load/types.js';
import { putFile } from './put-file.js';
import { checkMounts, sqlitePathOf } from './restore-preflight.js';
import { TarCounter } from './tar-count.js';

/** Where a restore goes: the target service's first container (its state as it is now). */
export interface RestoreTarget {
  readonly engine: Engine;
  readonly container: ContainerInfo;
  readonly manifest: Manifest;
  readonly id: string;
  readonly signal: AbortSignal;
  readonly open: OpenPlain;
}

/** What the target holds after the restore, read the way the drill reads a scratch container. */
export interface Restored {
  readonly facts: ContentFacts;
  readonly problems: string[];
}

const fresh = (t: RestoreTarget) => t.engine.containers.inspect(t.container.id);

async function running(t: RestoreTarget): Promise<RestoreTarget> {
  await t.engine.containers.start(t.container.id);
  return { ...t, container: await fresh(t) };
}

/** A helper from the service's image with the target's volumes, run once with `argv`; returns it. */
async function helper(t: RestoreTarget, argv: readonly string[], volumes: readonly string[], user = '0') {
  const stack = t.container.labels['dev.berth.stack'] ?? '';
  const service = t.container.labels['dev.berth.service'] ?? '';
  const spec = helperSpec({
    name: `${stack}-${service}-restore-${t.id}-${Math.random().toString(16).slice(2, 6)}`,
    image: t.container.imageId,
    stack,
    service,
    task: `backup:${t.id}`,
    volumes,
    readOnly: false,
  });
  // It runs, as the files' owner (root to empty volumes): capabilities stay, unlike a reading helper's.
  const { id } = await t.engine.containers.create({
    ...spec,
    entrypoint: argv.slice(0, 1),
    command: argv.slice(1),
    capDrop: [],
    user,
  });
  return id;
}

/** Runs a helper to its end; one that cannot start (or be waited on) is removed, not left behind. */
async function runHelper(t: RestoreTarget, argv: readonly string[], volumes: readonly string[]) {
  const id = await helper(t, argv, volumes);
  try {
    await t.engine.containers.start(id);
    const { exitCode } = await t.engine.containers.wait(id, { signal: t.signal });
    return { id, exitCode };
  } catch (error: unknown) {
    await t.engine.containers.remove(id, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** SQL: the dump is sourced into the running server (the databases it holds are replaced). */
async function sql(t: RestoreTarget): Promise<Restored> {
  const loader = t.manifest.kind === 'postgres' ? postgresLoader : mysqlLoader;
  const target = { ...(await running(t)), manifest: t.manifest };
  await loader.ready(target);
  await loader.load(target, t.open);
  return loader.inspect(target);
}

/** SQLite: `.restore` through the online backup API of the running container, then checked. */
async function sqlite(t: RestoreTarget): Promise<Restored> {
  const path = sqlitePathOf(t.manifest);
  const live = await running(t);
  const temp = `/tmp/berth-restore-${t.id}.db`;
  await putFile(
    t.engine,
    live.container.id,
    { dir: '/tmp', name: posix.basename(temp), size: t.manifest.artifact.plainSize, mode: 0o644 },
    await t.open(),
  );
  try {
    await run(live, ['sqlite3', path, `.restore ${temp}`]);
  } finally {
    await run(live, ['rm', '-f', temp]).catch(() => undefined);
  }
  const { tables, integrity } = await sqliteFacts(live, path);
  return {
    facts: { tables },
    problems: integrity === 'ok' ? [] : [`PRAGMA integrity_check: ${integrity.slice(0, 300)}`],
  };
}

/**
 * Redis: with the service stopped, the snapshot replaces its RDB file. With appendonly on (Redis then
 * ignores the RDB), a helper server of the same image loads the snapshot with appendonly off and
 * rewrites the AOF from it before the service starts again.
 */
async function redis(t: RestoreTarget): Promise<Restored> {
  const live = await running(t);
  const get = async (key: string) =>
    (await run(live, ['redis-cli', '--raw', 'CONFIG', 'GET', key], redisCli(live))).trim().split('\n')[1] ??
    '';
  const dir = await get('dir');
  const file = await get('dbfilename');
  const aof = (await get('appendonly')) === 'yes';
  const aofDir = aof ? await get('appenddirname') : '';
  // The files keep the owner Redis writes them as (`stat` may be missing: root then).
  const owner = await run(live, ['stat', '-c', '%u:%g', dir]).then(
    (o) => o.trim(),
    () => '0:0',
  );
  const [uid, gid] = owner.split(':').map(Number);
  await t.engine.containers.stop(t.container.id);
  await putFile(
    t.engine,
    t.container.id,
    { dir, name: file, size: t.manifest.artifact.plainSize, mode: 0o644, uid: uid ?? 0, gid: gid ?? 0 },
    await t.open(),
  );
  if (aof) {
    const volumes = volumesOf(live);
    const mounted = (p: string) =>
      volumes.length > 0 && live.container.mounts.some((m) => m.name !== undefined && p.startsWith(m.target));
    if (!mounted(dir))
      throw new BackupError(
        'BACKUP_INTEGRITY',
        `${dir} is not on a named volume of ${t.container.name}`,
        'a restore of an appendonly Redis rewrites its AOF in the volume',
      );
    const where = (p: string) => {
      const m = live.container.mounts.find((x) => x.name !== undefined && p.startsWith(x.target));
      return m ? `${HELPER_ROOT}/${m.name}${p.slice(m.target.length)}` : p;
    };
    const wiped = await runHelper(
      t,
      ['rm', '-rf', posix.join(where(dir), aofDir || 'appendonlydir')],
      volumes,
    );
    await t.engine.containers.remove(wiped.id, { force: true });
    const server = await helper(
      t,
      [
        'redis-server',
        '--dir',
        where(dir),
        '--dbfilename',
        file,
        '--appendonly',
        'no',
        '--appenddirname',
        aofDir || 'appendonlydir',
        '--bind',
        '127.0.0.1',
      ],
      volumes,
      owner,
    );
    try {
      await t.engine.containers.start(server);
      const h = { engine: t.engine, container: await t.engine.containers.inspect(server) };
      const deadline = Date.now() + 120_000;
      while (
        (await t.engine.exec.run(server, ['redis-cli', 'PING'], { timeoutMs: 10_000 })).stdout.trim() !==
        'PONG'
      ) {
        if (Date.now() > deadline) throw new Error('the helper Redis did not load the snapshot in time');
        await new Promise((r) => setTimeout(r, 250));
      }
      await run(h, ['redis-cli', 'CONFIG', 'SET', 'appendonly', 'yes']);
      for (;;) {
        const info = await run(h, ['redis-cli', 'INFO', 'persistence']);
        if (
          /aof_rewrite_in_progress:0/.test(info) &&
          /aof_rewrite_scheduled:0/.test(info) &&
          /aof_enabled:1/.test(info)
        )
          break;
        if (Date.now() > deadline) throw new Error('the AOF rewrite did not finish in time');
        await new Promise((r) => setTimeout(r, 250));
      }
      // The rewritten AOF is complete on disk; a stop (SIGTERM) lets Redis flush and exit, and
      // is bounded: a server that ignores it is killed after the grace period.
      await t.engine.containers.stop(server, 60);
    } finally {
      await t.engine.containers.remove(server, { force: true }).catch(() => undefined);
    }
  }
  const back = await running(t);
  const deadline = Date.now() + 120_000;
  while (
    (
      await t.engine.exec.run(back.container.id, ['redis-cli', 'PING'], {
        ...redisCli(back),
        timeoutMs: 10_000,
      })
    ).stdout.trim() !== 'PONG'
  ) {
    if (Date.now() > deadline) throw new Error('Redis did not come back with the snapshot in time');
    await new Promise((r) => setTimeout(r, 250));
  }
  const db = t.manifest.facts.db ?? 0;
  const keys = Number((await run(back, ['redis-cli', '-n', String(db), 'DBSIZE'], redisCli(back))).trim());
  return { facts: { keys, db }, problems: [] };
}

/**
 * Volumes: with the service stopped, a helper of its image empties each volume (`rm`), the archive
 * is put back through the archive API, and read again to compare its digest.
 */
async function volume(t: RestoreTarget): Promise<Restored> {
  const names = t.manifest.volumes ?? [];
  checkMounts(t.container, t.manifest);
  await t.engine.containers.stop(t.container.id);
  const wiped = await runHelper(t, ['rm', '-rf', ...names.map((n) => `${HELPER_ROOT}/${n}`)], names);
  try {
    // rm cannot remove the mount points themselves: what counts is that they are empty.
    const left = new TarCounter();
    for await (const chunk of await t.engine.containers.getArchive(wiped.id, HELPER_ROOT, t.signal))
      left.push(chunk as Buffer);
    if (left.result().files > 0)
      throw new BackupError(
        'BACKUP_TOOL_MISSING',
        `the volumes could not be emptied (rm exited ${wiped.exitCode})`,
        'the restore empties volumes with `rm` from the service image',
      );
    await t.engine.containers.putArchive(wiped.id, '/', await t.open());
    const counter = new TarCounter();
    for await (const chunk of await t.engine.containers.getArchive(wiped.id, HELPER_ROOT, t.signal))
      counter.push(chunk as Buffer);
    await t.engine.containers.start(t.container.id);
    return { facts: counter.result(), problems: [] };
  } finally {
    await t.engine.containers.remove(wiped.id, { force: true }).catch(() => undefined);
  }
}

/** Restores the artifact into the target service as its kind does it, and reads back what it holds. */
export function restoreInto(t: RestoreTarget): Promise<Restored> {
  switch (t.manifest.kind) {
    case 'mariadb':
    case 'mysql':
    case 'postgres':
      return sql(t);
    case 'sqlite':
      return sqlite(t);
    case 'redis':
      return redis(t);
    case 'volume':
      return volume(t);
  }
}
