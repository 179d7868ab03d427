import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit, execIn, POSTGRES_SERVICE, SERVICES } from './support.js';

// Every kind, round trip on the real engine with real data: a backup, its drill into scratch
// containers, and the facts the drill compared.

const COMPOSE = `services:
  maria:
    image: ${SERVICES}
    command: ["sh", "-c", "exec mariadbd --user=mysql --bind-address=127.0.0.1"]
    volumes: [maria-data:/var/lib/mysql]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: mariadb }
${POSTGRES_SERVICE}  cache:
    image: ${SERVICES}
    command: ["redis-server", "--dir", "/data", "--bind", "127.0.0.1"]
    volumes: [redis-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: redis }
  app:
    image: ${SERVICES}
    command: ["sleep", "600"]
    volumes: [app-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: sqlite, path: /data/app.db }
  files:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    volumes: [files-a:/srv/a, files-b:/srv/b]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: volume, stop_during: true }
volumes:
  maria-data:
  pg-data:
  redis-data:
  app-data:
  files-a:
  files-b:
`;

let h: DeployHarness;
let kit: BackupKit;
let stack: string;
let loaded: LoadedStack;

/** Waits until `argv` succeeds in the service (a server that is still starting). */
async function until(service: string, argv: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await execIn(h, stack, service, argv);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = h.stackName();
  loaded = await h.load(h.writeStack(COMPOSE), stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  await until('maria', ['mariadb-admin', 'ping']);
  await until('pg', ['pg_isready', '-h', '127.0.0.1']);
  await until('cache', ['redis-cli', 'ping']);
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
});

const backups = () => kit.service(() => [loaded]);

describe('backups of every kind, drilled', () => {
  it('MariaDB: 120k rows over three tables, counted from the dump and found again in a scratch server', async () => {
    await execIn(h, stack, 'maria', [
      'mariadb',
      '-e',
      `CREATE DATABASE shop; USE shop;
       CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40), note TEXT);
       INSERT INTO shop.items SELECT seq, CONCAT('item ', seq), IF(seq % 7 = 0, 'it''s (a) "quoted", note', NULL) FROM seq_1_to_80000;
       CREATE TABLE shop.orders (id INT PRIMARY KEY, item INT, FOREIGN KEY (item) REFERENCES shop.items(id));
       INSERT INTO shop.orders SELECT seq, seq FROM seq_1_to_40000;
       CREATE TABLE shop.empty (id INT);
       CREATE TRIGGER shop.t BEFORE INSERT ON shop.orders FOR EACH ROW SET NEW.item = NEW.item;`,
    ]);
    const service = backups();
    const b = await service.run(await service.find(stack, 'maria'), { trigger: 'manual' });
    expect(b.status).toBe('completed');
    expect(b.manifest?.facts.tables).toEqual({
      'shop.empty': 0,
      'shop.items': 80_000,
      'shop.orders': 40_000,
    });
    expect(b.manifest?.tool).toMatch(/mariadb-dump/);
    expect(b.manifest?.server).toMatch(/MariaDB/);
    expect(b.drill, b.drill.reason).toMatchObject({ status: 'passed' });
    expect(b.manifest?.artifact.plainSize).toBeGreaterThan(b.manifest?.artifact.size ?? 0);
  }, 300_000);

  it('PostgreSQL: rows per schema and table from COPY blocks, restored by psql in a scratch server', async () => {
    await execIn(h, stack, 'pg', ['psql', '-U', 'postgres', '-c', 'CREATE DATABASE shop']);
    await execIn(h, stack, 'pg', [
      'psql',
      '-U',
      'postgres',
      '-d',
      'shop',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `CREATE TABLE items (id int PRIMARY KEY, name text);
       INSERT INTO items SELECT g, 'item ' || g || E'\\ttab' FROM generate_series(1, 70000) g;
       CREATE SCHEMA sales; CREATE TABLE sales."Orders" (id int PRIMARY KEY, item int REFERENCES items(id));
       INSERT INTO sales."Orders" SELECT g, g FROM generate_series(1, 30000) g;`,
    ]);
    const service = backups();
    const b = await service.run(await service.find(stack, 'pg'), { trigger: 'manual' });
    expect(b.manifest?.facts.tables).toEqual({ 'shop.public.items': 70_000, 'shop.sales."Orders"': 30_000 });
    expect(b.drill, b.drill.reason).toMatchObject({ status: 'passed' });
  }, 300_000);

  it('Redis: 12k keys, the count read from the snapshot itself and found by DBSIZE in a scratch server', async () => {
    await execIn(h, stack, 'cache', [
      'redis-cli',
      'EVAL',
      "for i=1,12000 do redis.call('SET','key:'..i,i) end return 1",
      '0',
    ]);
    const service = backups();
    const b = await service.run(await service.find(stack, 'cache'), { trigger: 'manual' });
    expect(b.manifest?.facts).toEqual({ keys: 12_000, db: 0 });
    expect(b.manifest?.sourcePath).toBe('/data/dump.rdb');
    expect(b.drill, b.drill.reason).toMatchObject({ status: 'passed' });
  }, 300_000);

  it('Redis: a snapshot saved within the same second does not stall the backup, and later writes are in it', async () => {
    // LASTSAVE counts seconds: a backup right after a save once waited for a save that never came.
    await execIn(h, stack, 'cache', ['redis-cli', 'SAVE']);
    await execIn(h, stack, 'cache', ['redis-cli', 'SET', 'after-save', '1']);
    const service = backups();
    const b = await service.run(await service.find(stack, 'cache'), { trigger: 'manual' });
    expect(b.manifest?.facts).toEqual({ keys: 12_001, db: 0 });
  }, 60_000);

  it('SQLite in WAL mode: an online snapshot with its integrity checked, restored and checked again', async () => {
    await execIn(h, stack, 'app', [
      'sqlite3',
      '/data/app.db',
      `PRAGMA journal_mode=WAL;
       CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO notes SELECT i, 'note ' || i FROM n;
       CREATE TABLE "odd ""name""" (x);`,
    ]);
    const service = backups();
    const b = await service.run(await service.find(stack, 'app'), { trigger: 'manual' });
    expect(b.manifest?.facts.tables).toEqual({ notes: 100_000, 'odd "name"': 0 });
    expect(b.drill, b.drill.reason).toMatchObject({ status: 'passed' });
    // No copy of the data stays in the container: neither the snapshot nor its -wal/-shm files.
    expect(
      (await execIn(h, stack, 'app', ['ls', '-a', '/tmp']))
        .split('\n')
        .filter((f) => f.startsWith('berth-backup-')),
    ).toEqual([]);
  }, 300_000);

  it('volumes: nested files with their modes through a helper that never starts; the service runs again after', async () => {
    await execIn(h, stack, 'files', [
      'sh',
      '-c',
      'mkdir -p /srv/a/deep/er /srv/b && echo one > /srv/a/deep/er/x && chmod 640 /srv/a/deep/er/x && head -c 100000 /dev/urandom > /srv/b/blob && echo s > /srv/b/script && chmod 755 /srv/b/script',
    ]);
    const service = backups();
    const b = await service.run(await service.find(stack, 'files'), { trigger: 'manual' });
    expect(b.manifest?.facts).toMatchObject({ files: 3, bytes: 100_000 + 4 + 2 });
    expect(b.manifest?.volumes).toEqual([`${stack}_files-a`, `${stack}_files-b`]);
    expect(b.drill, b.drill.reason).toMatchObject({ status: 'passed' });
    const [c] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'files',
      'dev.berth.role': 'current',
    });
    expect(c?.state).toBe('running');
    // Nothing of the backup or its drill is left on the engine.
    const left = await h.engine.containers.list(
      { 'dev.berth.stack': stack, 'dev.berth.role': 'oneoff' },
      { all: true },
    );
    expect(left).toEqual([]);
    expect(await h.engine.volumes.list({ 'dev.berth.stack': stack, 'dev.berth.role': 'oneoff' })).toEqual([]);
  }, 300_000);
});
