import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackupError, isBackupError } from '../../../src/backup/errors.js';
import { putFile } from '../../../src/backup/put-file.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { openStore } from '../../../src/store/index.js';
import { type DeployHarness, isAlive, repoRoot, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit, execIn, SERVICES } from './support.js';

// What must not go wrong: a missing tool, a damaged or truncated artifact, a full store, a kill in
// the middle, and a restore by hand with Debian's age, without Berth.

let h: DeployHarness;
let kit: BackupKit;
let stack: string;
let dir: string;
let loaded: LoadedStack;

const compose = (name: string) => `name: ${name}
services:
  maria:
    image: ${SERVICES}
    command: ["sh", "-c", "exec mariadbd --user=mysql --bind-address=127.0.0.1"]
    volumes: [maria-data:/var/lib/mysql]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: mariadb }
  app:
    image: ${SERVICES}
    command: ["sleep", "600"]
    volumes: [app-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: sqlite, path: /data/app.db }
  toolless:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: mariadb, drill: "@daily" }
volumes:
  maria-data:
  app-data:
`;

/** Files under the store folder, relative, partials included. */
function storeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    let entries: import('node:fs').Dirent[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(root, '');
  return out.sort();
}

const backups = () => kit.service(() => [loaded]);

/** The environment of a `berth --local` with its own state folder and this kit's backup config. */
function localEnv(name: string): NodeJS.ProcessEnv {
  const config = join(kit.root, `${name}.yaml`);
  writeFileSync(
    config,
    `backup:\n  stores:\n    local: { type: dir, path: ${kit.storeDir} }\n  recipients: [${kit.settings.recipients[0]}]\n  identity: ${kit.identityFile}\n`,
  );
  return {
    ...process.env,
    BERTH_STATE_DIR: join(kit.root, name),
    BERTH_WORKSPACE: dir,
    BERTH_CONFIG: config,
  };
}

/** `berth --local backup run STACK maria` as a child, its output kept. */
function localBackupRun(env: NodeJS.ProcessEnv) {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'berth.js'), '--local', 'backup', 'run', stack, 'maria'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const s of [child.stdout, child.stderr]) s.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = h.stackName();
  dir = h.writeStack(compose(stack));
  loaded = await h.load(dir, stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await execIn(h, stack, 'maria', ['mariadb-admin', 'ping']);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  // About 150 MB of dump: long enough to be killed in the middle.
  await execIn(h, stack, 'maria', [
    'mariadb',
    '-e',
    `CREATE DATABASE shop; USE shop;
     CREATE TABLE items (id INT PRIMARY KEY, body TEXT);
     INSERT INTO items SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_1000000;`,
  ]);
  await execIn(h, stack, 'app', [
    'sqlite3',
    '/data/app.db',
    'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, "one"), (2, "two");',
  ]);
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
});

describe('backups that fail, fail cleanly', () => {
  it('a missing dump tool is a coded error naming it, and leaves nothing listed', async () => {
    const service = backups();
    const error = await service
      .run(await service.find(stack, 'toolless'), { trigger: 'manual' })
      .catch((e: unknown) => e);
    expect(isBackupError(error) && error.code).toBe('BACKUP_TOOL_MISSING');
    expect(String((error as Error).message)).toMatch(/mariadb-dump|mysqldump/);
    const [record] = service.list(stack, { service: 'toolless' });
    expect(record).toMatchObject({ status: 'failed' });
    expect(storeFiles(kit.storeDir).filter((f) => f.includes('toolless'))).toEqual([]);
  }, 60_000);

  it('a flipped byte in the artifact fails its drill, naming the checksum mismatch', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack, 'app'), { trigger: 'manual', drill: false });
    expect(b.status).toBe('completed');
    const file = join(kit.storeDir, b.artifact ?? '');
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0x40;
    writeFileSync(file, bytes);
    const drilled = await service.drill(stack, b.id);
    expect(drilled.drill.status).toBe('failed');
    expect(drilled.drill.reason).toMatch(/checksum mismatch/);
  }, 120_000);

  it('a truncated dump, even with a checksum that matches, fails its drill', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack, 'app'), { trigger: 'manual', drill: false });
    // Re-seal the first half of the plain file and record it as if it were whole.
    const plain = join(kit.root, 'half.db');
    const decrypt = spawnSync('age', [
      '-d',
      '-i',
      kit.identityFile,
      '-o',
      join(kit.root, 'full.db.gz'),
      join(kit.storeDir, b.artifact ?? ''),
    ]);
    expect(decrypt.status, decrypt.stderr.toString()).toBe(0);
    await pipeline(
      Readable.from([readFileSync(join(kit.root, 'full.db.gz'))]),
      createGunzip(),
      createWriteStream(join(kit.root, 'full.db')),
    );
    const full = readFileSync(join(kit.root, 'full.db'));
    writeFileSync(plain, full.subarray(0, Math.floor(full.length / 2)));
    const gz = spawnSync('gzip', ['-kf', plain]);
    expect(gz.status).toBe(0);
    const sealed = spawnSync('age', [
      '-r',
      kit.settings.recipients[0] ?? '',
      '-o',
      join(kit.storeDir, b.artifact ?? ''),
      `${plain}.gz`,
    ]);
    expect(sealed.status, sealed.stderr.toString()).toBe(0);
    const stored = readFileSync(join(kit.storeDir, b.artifact ?? ''));
    const { createHash } = await import('node:crypto');
    const manifest = {
      ...b.manifest,
      artifact: {
        ...b.manifest?.artifact,
        size: stored.length,
        sha256: createHash('sha256').update(stored).digest('hex'),
        plainSize: Math.floor(full.length / 2),
      },
    };
    const db = new Database(h.statePath);
    db.prepare('UPDATE backups SET manifest_json = ? WHERE id = ?').run(JSON.stringify(manifest), b.id);
    db.close();
    const drilled = await service.drill(stack, b.id);
    expect(drilled.drill.status).toBe('failed');
    expect(drilled.drill.reason).toBeTruthy();
  }, 120_000);

  it('a full store fails the backup cleanly: no partial left, older backups intact and still drillable', async () => {
    const small = join(kit.root, 'small');
    mkdirSync(small);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small]);
    expect(mount.status, mount.stderr.toString()).toBe(0);
    try {
      const settings = {
        ...kit.settings,
        stores: { small: { type: 'dir' as const, path: small } },
        defaultStore: 'small',
      };
      const service = kit.service(() => [loaded], h.store, settings);
      const older = await service.run(await service.find(stack, 'app'), { trigger: 'manual' });
      expect(older.drill.status).toBe('passed');
      const error = await service
        .run(await service.find(stack, 'maria'), { trigger: 'manual' })
        .catch((e: unknown) => e);
      expect(isBackupError(error)).toBe(true);
      // The store's failure, told apart from a dump's: its own code, naming the store.
      expect((error as BackupError).code).toBe('BACKUP_STORE_FAILED');
      expect(String((error as Error).message)).toMatch(/ENOSPC|no space/i);
      expect(String((error as Error).message)).toContain(`the store small at ${small} failed to keep it`);
      expect((error as BackupError).hint).toMatch(/^nothing was kept.*Make room in the store small/);
      expect(storeFiles(small).filter((f) => f.includes('.partial-') || f.includes('/maria/'))).toEqual([]);
      const again = await service.drill(stack, older.id);
      expect(again.drill.status).toBe('passed');
    } finally {
      spawnSync('umount', ['-l', small]);
    }
  }, 300_000);

  it('kill -9 of Berth in the middle of a backup lists nothing; the next start cleans up and the next backup works', async () => {
    const stateDir = join(kit.root, 'cli-state');
    const env = localEnv('cli-state');
    const { child, exited, output } = localBackupRun(env);
    const deadline = Date.now() + 120_000;
    while (!storeFiles(kit.storeDir).some((f) => f.includes('/maria/') && f.includes('.partial-'))) {
      if (Date.now() > deadline) throw new Error(`no partial file appeared:\n${output()}`);
      if (child.exitCode !== null)
        throw new Error(`the backup ended before it could be killed:\n${output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    // Nothing of it is listed; its partial is still there until the next start.
    const store = openStore({ path: join(stateDir, 'berth.db'), clock: h.clock, isAlive });
    try {
      const [running] = store.backups.list({ stack, service: 'maria' });
      expect(running).toMatchObject({ status: 'running' });
      // The next `berth --local` sees that the process running it is gone and says so.
      const listed = spawnSync(
        process.execPath,
        [join(repoRoot, 'bin', 'berth.js'), '--local', 'backup', 'list', stack, '--json'],
        { env, encoding: 'utf8' },
      );
      expect(listed.status, listed.stderr).toBe(0);
      const items = (JSON.parse(listed.stdout) as { items: Array<{ id: string; status: string }> }).items;
      expect(items.find((b) => b.id === running?.id)?.status).toBe('failed');
      const service = kit.service(() => [loaded], store);
      await service.recover();
      expect(store.backups.get(running?.id ?? '')).toMatchObject({
        status: 'failed',
        reason: 'Berth stopped during the backup',
      });
      expect(storeFiles(kit.storeDir).filter((f) => f.includes('.partial-'))).toEqual([]);
      const next = await service.run(await service.find(stack, 'maria'), { trigger: 'manual', drill: false });
      expect(next.status).toBe('completed');
      expect(next.manifest?.facts.tables).toEqual({ 'shop.items': 1_000_000 });
    } finally {
      store.close();
    }
  }, 300_000);

  it('kill -9 of Berth in the middle of a drill: the next berth --local removes the drill’s scratch objects', async () => {
    const env = localEnv('cli-state-drill');
    // The policy drills after each backup: the run is killed once its drill has a scratch container.
    const { child, exited, output } = localBackupRun(env);
    const oneoff = { 'dev.berth.managed': 'true', 'dev.berth.role': 'oneoff', 'dev.berth.stack': stack };
    const drillTask = async () => {
      for (const c of await h.engine.containers.list(oneoff, { all: true })) {
        const task = c.labels['dev.berth.task'] ?? '';
        if (task.startsWith('drill:')) return task;
      }
      return undefined;
    };
    const deadline = Date.now() + 180_000;
    let task = await drillTask();
    while (task === undefined) {
      if (Date.now() > deadline) throw new Error(`no drill container appeared:\n${output()}`);
      if (child.exitCode !== null)
        throw new Error(`the backup ended before its drill was killed:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
      task = await drillTask();
    }
    child.kill('SIGKILL');
    await exited;
    const objectsOf = async (t: string) => {
      const mine = (labels: Readonly<Record<string, string>>) => labels['dev.berth.task'] === t;
      return [
        ...(await h.engine.containers.list(oneoff, { all: true })).filter((c) => mine(c.labels)),
        ...(await h.engine.networks.list({ 'dev.berth.managed': 'true' })).filter((n) => mine(n.labels)),
        ...(await h.engine.volumes.list({ 'dev.berth.managed': 'true' })).filter((v) => mine(v.labels)),
      ].length;
    };
    // The scratch server, its network and its volume outlive the killed process...
    expect(await objectsOf(task)).toBeGreaterThanOrEqual(2);
    // ...until the next `berth --local` finds the drill's process gone: the drill's task names its backup.
    const listed = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'berth.js'), '--local', 'backup', 'list', stack, '--json'],
      { env, encoding: 'utf8' },
    );
    expect(listed.status, listed.stderr).toBe(0);
    expect(await objectsOf(task)).toBe(0);
    const items = (
      JSON.parse(listed.stdout) as {
        items: Array<{ id: string; status: string; drill: { status: string; reason?: string } }>;
      }
    ).items;
    const drilled = items.find((b) => task?.startsWith(`drill:${b.id}-`));
    expect(drilled).toMatchObject({ status: 'completed', drill: { status: 'failed' } });
    expect(drilled?.drill.reason).toMatch(/Berth stopped during the drill/);
  }, 300_000);

  it('an artifact opens with Debian’s age and restores by hand into a fresh server (disaster recovery)', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack, 'app'), { trigger: 'manual', drill: false });
    // README, "Disaster recovery": age -d -i identity.txt FILE | gunzip > app.db
    const out = join(kit.root, 'restored.db.gz');
    const decrypt = spawnSync('age', [
      '--decrypt',
      '--identity',
      kit.identityFile,
      '--output',
      out,
      join(kit.storeDir, b.artifact ?? ''),
    ]);
    expect(decrypt.status, decrypt.stderr.toString()).toBe(0);
    const unzip = spawnSync('gzip', ['-df', out]);
    expect(unzip.status).toBe(0);
    const restored = readFileSync(join(kit.root, 'restored.db'));
    expect(restored.subarray(0, 15).toString()).toBe('SQLite format 3');
    // Into a container of the image, as an operator would copy it, then checked with sqlite3 there.
    const [c] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'app',
      'dev.berth.role': 'current',
    });
    await putFile(
      h.engine,
      c?.id ?? '',
      { dir: '/tmp', name: 'restored.db', size: restored.length },
      Readable.from([restored]),
    );
    const rows = await execIn(h, stack, 'app', [
      'sqlite3',
      '/tmp/restored.db',
      'SELECT count(*) FROM notes; PRAGMA integrity_check;',
    ]);
    expect(rows.trim().split('\n')).toEqual(['2', 'ok']);
  }, 120_000);
});
