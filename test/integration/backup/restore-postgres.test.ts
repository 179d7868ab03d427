import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { type BackupKit, backupKit, execIn, POSTGRES_SERVICE } from './support.js';

// PostgreSQL restores replace exactly the databases the backup holds, empty ones included: a
// database without tables (once left in the dump's way, so the restore and its put-back both failed
// and the live database stayed dropped) and a server that has lost every database.

const COMPOSE = `services:
${POSTGRES_SERVICE}volumes:
  pg-data:
`;

let h: DeployHarness;
let kit: BackupKit;
let stack: LoadedStack;
const backups = () => kit.service(() => [stack]);

/** psql as postgres in the service; fails the test on an error. */
const psql = (db: string, sql: string) =>
  execIn(h, stack.name, 'pg', [
    'psql',
    '-U',
    'postgres',
    '-d',
    db,
    '-v',
    'ON_ERROR_STOP=1',
    '-At',
    '-c',
    sql,
  ]);
const databases = async () =>
  (
    await psql(
      'postgres',
      "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1",
    )
  )
    .trim()
    .split('\n')
    .filter((d) => d !== '');

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = await h.load(h.writeStack(COMPOSE), h.stackName());
  const result = await h.deploy(stack);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack.name} ended ${result.outcome}`);
  for (let i = 0; i < 60; i++) {
    const r = await h.engine.exec.run(
      (await h.engine.containers.list({ 'dev.berth.stack': stack.name }))[0]?.id ?? '',
      ['pg_isready', '-h', '127.0.0.1', '-q'],
      { user: 'postgres', timeoutMs: 10_000 },
    );
    if (r.exitCode === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await psql('postgres', 'CREATE DATABASE shop');
  await psql('postgres', 'CREATE DATABASE empty');
  await psql(
    'shop',
    'CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 300)',
  );
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
});

describe('a PostgreSQL restore', () => {
  it('puts back a backup with an empty database: exactly its databases, nothing made since', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack.name, 'pg'), { trigger: 'manual' });
    expect(b.manifest?.facts.databases).toEqual(['empty', 'shop']);
    await psql('shop', 'DELETE FROM items WHERE id > 100; CREATE TABLE later (x int)');
    await psql('postgres', 'CREATE DATABASE newer');
    const r = await service.restore({ stack: stack.name, id: b.id });
    expect(r.outcome, r.reason).toBe('restored');
    expect((await psql('shop', 'SELECT count(*) FROM items')).trim()).toBe('300');
    expect((await psql('shop', "SELECT count(*) FROM pg_tables WHERE tablename = 'later'")).trim()).toBe('0');
    // A database the backup does not hold is not the restore's to drop.
    expect(await databases()).toEqual(['empty', 'newer', 'shop']);
  }, 300_000);

  it('restores into a server that has lost every database (its safety backup is an empty dump)', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack.name, 'pg'), { trigger: 'manual' });
    for (const db of await databases()) await psql('postgres', `DROP DATABASE "${db}" WITH (FORCE)`);
    expect(await databases()).toEqual([]);
    const r = await service.restore({ stack: stack.name, id: b.id });
    expect(r.outcome, r.reason).toBe('restored');
    expect(service.get(stack.name, r.safetyBackup ?? '').manifest?.facts).toMatchObject({
      tables: {},
      databases: [],
    });
    expect(await databases()).toEqual(['empty', 'newer', 'shop']);
    expect((await psql('shop', 'SELECT count(*) FROM items')).trim()).toBe('300');
    // A manual backup of an empty server is still refused: there is nothing to keep.
    for (const db of await databases()) await psql('postgres', `DROP DATABASE "${db}" WITH (FORCE)`);
    await expect(
      service.run(await service.find(stack.name, 'pg'), { trigger: 'manual' }),
    ).rejects.toMatchObject({
      code: 'BACKUP_DUMP_FAILED',
      message: expect.stringMatching(/has no database to back up$/),
    });
  }, 300_000);
});
