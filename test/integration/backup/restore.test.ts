import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBackupError } from '../../../src/backup/errors.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit, execIn, SERVICES } from './support.js';

// Restores on the real engine: each kind comes back as it was backed up; a damaged artifact is
// refused before anything changes; a restore that does not match its manifest is rolled back to
// the safety backup taken before it; a dry run changes nothing.

const COMPOSE = `services:
  maria:
    image: ${SERVICES}
    command: ["sh", "-c", "exec mariadbd --user=mysql --bind-address=127.0.0.1"]
    volumes: [maria-data:/var/lib/mysql]
    stop_signal: SIGKILL
    healthcheck: { test: ["CMD", "mariadb-admin", "ping"], interval: 1s, retries: 30 }
    x-berth:
      backup: { kind: mariadb, drill: "@weekly" }
  api:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    depends_on: { maria: { condition: service_healthy } }
  cache:
    image: ${SERVICES}
    command: ["redis-server", "--dir", "/data", "--appendonly", "yes", "--bind", "127.0.0.1"]
    volumes: [redis-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: redis, drill: "@weekly" }
  app:
    image: ${SERVICES}
    command: ["sleep", "600"]
    volumes: [app-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: sqlite, path: /data/app.db, drill: "@weekly" }
  files:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    volumes: [files:/srv]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: volume, drill: "@weekly" }
volumes:
  maria-data:
  redis-data:
  app-data:
  files:
`;

let h: DeployHarness;
let kit: BackupKit;
let stack: string;
let loaded: LoadedStack;
const backups = () => kit.service(() => [loaded]);
const sh = (service: string, script: string) => execIn(h, stack, service, ['sh', '-c', script]);
const maria = (sql: string) => execIn(h, stack, 'maria', ['mariadb', '-N', '-B', '-e', sql]);

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = h.stackName();
  loaded = await h.load(h.writeStack(COMPOSE), stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  await maria(
    `CREATE DATABASE shop; USE shop; CREATE TABLE items (id INT PRIMARY KEY); INSERT INTO items SELECT seq FROM seq_1_to_5000;`,
  );
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
});

describe('restores', () => {
  it('MariaDB: the data comes back, the dependent is stopped and started again, a safety backup holds what was replaced', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack, 'maria'), { trigger: 'manual' });
    await maria(
      'USE shop; DELETE FROM items WHERE id > 1000; CREATE TABLE extra (x INT); CREATE DATABASE later;',
    );
    const events: string[] = [];
    const r = await service.restore({ stack, id: b.id, onProgress: (m) => events.push(m) });
    expect(r).toMatchObject({ outcome: 'restored', stack, service: 'maria', stopped: ['api'] });
    expect((await maria('SELECT COUNT(*) FROM shop.items')).trim()).toBe('5000');
    // Exactly the backup's databases: a table made since is gone; a database it does not hold stays.
    expect(
      (await maria("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'")).trim(),
    ).toBe('1');
    expect((await maria("SHOW DATABASES LIKE 'later'")).trim()).toBe('later');
    expect(service.get(stack, b.id).manifest?.facts.databases).toEqual(['shop']);
    const safety = service.get(stack, r.safetyBackup ?? '');
    expect(safety).toMatchObject({ trigger: 'safety', status: 'completed' });
    expect(safety.manifest?.facts.tables).toMatchObject({ 'shop.items': 1000, 'shop.extra': 0 });
    const [api] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'api',
      'dev.berth.role': 'current',
    });
    expect(api?.state).toBe('running');
    expect(events.some((e) => e.startsWith('stopping'))).toBe(true);
  }, 300_000);

  it('a dry run verifies and says what would stop, changing nothing', async () => {
    const service = backups();
    const [b] = service.list(stack, { service: 'maria' }).filter((x) => x.trigger === 'manual');
    await maria('INSERT INTO shop.items VALUES (999999)');
    const before = service.list(stack).length;
    const r = await service.restore({ stack, id: b?.id ?? '', dryRun: true });
    expect(r).toMatchObject({ outcome: 'dry-run', stopped: ['api'] });
    expect(r.safetyBackup).toBeUndefined();
    expect(service.list(stack)).toHaveLength(before);
    expect((await maria('SELECT COUNT(*) FROM shop.items')).trim()).toBe('5001');
  }, 120_000);

  it('a flipped byte is refused before anything changes, naming the checksum mismatch', async () => {
    const service = backups();
    const [b] = service.list(stack, { service: 'maria' }).filter((x) => x.trigger === 'manual');
    const file = join(kit.storeDir, b?.artifact ?? '');
    const original = readFileSync(file);
    const bytes = Buffer.from(original);
    bytes[100] = (bytes[100] ?? 0) ^ 1;
    writeFileSync(file, bytes);
    try {
      const before = service.list(stack).length;
      const error = await service.restore({ stack, id: b?.id ?? '' }).catch((e: unknown) => e);
      expect(isBackupError(error) && error.code).toBe('BACKUP_INTEGRITY');
      expect(String((error as Error).message)).toMatch(/checksum mismatch/);
      expect(service.list(stack)).toHaveLength(before);
      expect((await maria('SELECT COUNT(*) FROM shop.items')).trim()).toBe('5001');
    } finally {
      writeFileSync(file, original);
    }
  }, 120_000);

  it('a restore that does not match its manifest is rolled back to the safety backup, and says so', async () => {
    const service = backups();
    const [b] = service.list(stack, { service: 'maria' }).filter((x) => x.trigger === 'manual');
    // The manifest claims a row the artifact does not hold.
    const db = new Database(h.statePath);
    const row = db.prepare('SELECT manifest_json FROM backups WHERE id = ?').get(b?.id) as {
      manifest_json: string;
    };
    const manifest = JSON.parse(row.manifest_json);
    manifest.facts.tables['shop.items'] = 5002;
    db.prepare('UPDATE backups SET manifest_json = ? WHERE id = ?').run(JSON.stringify(manifest), b?.id);
    db.close();
    const r = await service.restore({ stack, id: b?.id ?? '' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/shop\.items has 5000 rows, the backup had 5002/);
    // What was there before the restore is back.
    expect((await maria('SELECT COUNT(*) FROM shop.items')).trim()).toBe('5001');
    const [api] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'api',
      'dev.berth.role': 'current',
    });
    expect(api?.state).toBe('running');
  }, 300_000);

  it('Redis with appendonly: the snapshot’s keys come back (the AOF is rewritten from it)', async () => {
    const service = backups();
    await execIn(h, stack, 'cache', [
      'redis-cli',
      'EVAL',
      "for i=1,3000 do redis.call('SET','k'..i,i) end return 1",
      '0',
    ]);
    const b = await service.run(await service.find(stack, 'cache'), { trigger: 'manual' });
    await execIn(h, stack, 'cache', ['redis-cli', 'FLUSHALL']);
    await execIn(h, stack, 'cache', ['redis-cli', 'SET', 'after', '1']);
    const r = await service.restore({ stack, id: b.id });
    expect(r.outcome, r.reason).toBe('restored');
    expect((await execIn(h, stack, 'cache', ['redis-cli', 'DBSIZE'])).trim()).toBe('3000');
    expect((await execIn(h, stack, 'cache', ['redis-cli', 'GET', 'k42'])).trim()).toBe('42');
  }, 300_000);

  it('SQLite and a volume come back as they were', async () => {
    const service = backups();
    await execIn(h, stack, 'app', [
      'sqlite3',
      '/data/app.db',
      'CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);',
    ]);
    const s = await service.run(await service.find(stack, 'app'), { trigger: 'manual' });
    await execIn(h, stack, 'app', ['sqlite3', '/data/app.db', 'DELETE FROM t; CREATE TABLE u (y);']);
    expect((await service.restore({ stack, id: s.id })).outcome).toBe('restored');
    expect(
      (await execIn(h, stack, 'app', ['sqlite3', '/data/app.db', 'SELECT count(*) FROM t'])).trim(),
    ).toBe('3');

    await sh('files', 'mkdir -p /srv/a/b && echo keep > /srv/a/b/f && chmod 600 /srv/a/b/f');
    const v = await service.run(await service.find(stack, 'files'), { trigger: 'manual' });
    await sh('files', 'rm -rf /srv/a && echo junk > /srv/new');
    expect((await service.restore({ stack, id: v.id })).outcome).toBe('restored');
    expect((await sh('files', 'cat /srv/a/b/f; stat -c %a /srv/a/b/f; ls /srv')).trim().split('\n')).toEqual([
      'keep',
      '600',
      'a',
    ]);
  }, 300_000);

  it('the safety backup, the only copy of what the restore replaced, outlives the next backup', async () => {
    const service = backups();
    const files = await service.find(stack, 'files');
    const v = await service.run(files, { trigger: 'manual' });
    await sh('files', 'echo only-copy > /srv/newer.txt');
    const r = await service.restore({ stack, id: v.id });
    expect(r.outcome).toBe('restored');
    const safety = r.safetyBackup ?? '';
    await service.run(files, { trigger: 'manual' });
    // Pruning after that backup (same day, `daily: 7`) left the safety backup, and says why.
    expect(service.get(stack, safety)).toMatchObject({ trigger: 'safety', status: 'completed' });
    const plan = await service.prune(stack, { service: 'files', dryRun: true });
    expect(plan.find((d) => d.id === safety)?.reasons).toContain(
      'the newest safety backup (taken before a restore)',
    );
    // Every safety backup of the service (the earlier test's too) is within its seven days.
    const safeties = service.list(stack, { service: 'files' }).filter((b) => b.trigger === 'safety');
    expect(safeties.map((b) => plan.find((d) => d.id === b.id)?.keep)).toEqual(safeties.map(() => true));
  }, 300_000);
});
