import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBackupError } from '../../../src/backup/errors.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit, execIn, SERVICES } from './support.js';

// A dry run checks what the real restore checks before it changes anything: the tools the restore
// and its safety backup run inside the target, and that the target runs. A target the dry run
// refuses is refused by the real run with the same error, before a safety backup is attempted (no
// failed safety record under a service without a policy); a target the dry run passes is restored.

const SOURCE = `services:
  notes:
    image: ${SERVICES}
    command: ["sleep", "600"]
    volumes: [notes-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: sqlite, path: /data/notes.db }
volumes:
  notes-data:
`;

// No backup policy on any service: the reviewer's `--into-stack rv-web --service web`.
const TARGET = `services:
  web:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    volumes: [web-data:/data]
    stop_signal: SIGKILL
  twin:
    image: ${SERVICES}
    command: ["sleep", "600"]
    volumes: [twin-data:/data]
    stop_signal: SIGKILL
  bare:
    image: ${SERVICES}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
volumes:
  web-data:
  twin-data:
`;

let h: DeployHarness;
let kit: BackupKit;
let source: LoadedStack;
let target: LoadedStack;
let backupId: string;
const backups = () => kit.service(() => [source, target]);

/** Files the store holds under a stack's folder (artifacts and manifests). */
function storeFiles(stack: string): string[] {
  try {
    return readdirSync(join(kit.storeDir, stack), { recursive: true }).map(String);
  } catch {
    return [];
  }
}

/** The coded error a promise rejects with (or a failure of the test when it resolves). */
async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await work.then(
    (r) => new Error(`expected a refusal, got ${JSON.stringify(r)}`),
    (e: unknown) => e,
  );
  if (!isBackupError(error)) throw error;
  return { code: error.code, message: error.message };
}

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  const sourceName = h.stackName();
  const targetName = h.stackName();
  source = await h.load(h.writeStack(SOURCE), sourceName);
  target = await h.load(h.writeStack(TARGET), targetName);
  for (const loaded of [source, target]) {
    const result = await h.deploy(loaded);
    if (result.outcome !== 'succeeded') throw new Error(`deploy of ${loaded.name} ended ${result.outcome}`);
  }
  await execIn(h, source.name, 'notes', [
    'sqlite3',
    '/data/notes.db',
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'one'), (2, 'two');",
  ]);
  const service = backups();
  const b = await service.run(await service.find(source.name, 'notes'), { trigger: 'manual' });
  backupId = b.id;
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
});

describe('a restore dry run checks the target as the real run does', () => {
  it('a target without sqlite3: the real run is refused before its safety backup, and leaves no record', async () => {
    const service = backups();
    const req = { stack: source.name, id: backupId, intoStack: target.name, service: 'web' };
    const real = await refusal(service.restore(req));
    expect(real.code).toBe('BACKUP_TOOL_MISSING');
    expect(real.message).toMatch(/^sqlite3 is not in the image of /);
    // Refused before the safety backup: nothing recorded, nothing stored, for the target stack.
    expect(service.list(target.name)).toEqual([]);
    expect(storeFiles(target.name)).toEqual([]);
    // The backup itself was not left marked in use.
    expect(service.get(source.name, backupId).inUse).toBeUndefined();
  }, 120_000);

  it('a target without sqlite3: the dry run refuses with the real run’s error', async () => {
    const service = backups();
    const req = { stack: source.name, id: backupId, intoStack: target.name, service: 'web' };
    const dry = await refusal(service.restore({ ...req, dryRun: true }));
    expect(dry.code).toBe('BACKUP_TOOL_MISSING');
    expect(await refusal(service.restore(req))).toEqual(dry);
    expect(service.list(target.name)).toEqual([]);
  }, 120_000);

  it('a stopped target: the dry run refuses as the real run does, before any safety backup', async () => {
    const service = backups();
    const [twin] = await h.engine.containers.list({
      'dev.berth.stack': target.name,
      'dev.berth.service': 'twin',
      'dev.berth.role': 'current',
    });
    if (!twin) throw new Error('no twin container');
    await h.engine.containers.stop(twin.id);
    try {
      const req = { stack: source.name, id: backupId, intoStack: target.name, service: 'twin' };
      const dry = await refusal(service.restore({ ...req, dryRun: true }));
      expect(dry.code).toBe('BACKUP_NOT_RUNNING');
      expect(await refusal(service.restore(req))).toEqual(dry);
      expect(service.list(target.name)).toEqual([]);
    } finally {
      await h.engine.containers.start(twin.id);
    }
  }, 120_000);

  it('a target with the tools: the dry run names what it checked, and the real run then restores', async () => {
    const service = backups();
    const req = { stack: source.name, id: backupId, intoStack: target.name, service: 'twin' };
    const dry = await service.restore({ ...req, dryRun: true });
    expect(dry).toMatchObject({ outcome: 'dry-run', stack: target.name, service: 'twin' });
    expect(dry.checks).toContain('sqlite3 in the container');
    expect(service.list(target.name)).toEqual([]);
    const real = await service.restore(req);
    expect(real.outcome, real.reason).toBe('restored');
    expect(
      (
        await execIn(h, target.name, 'twin', ['sqlite3', '/data/notes.db', 'SELECT count(*) FROM notes'])
      ).trim(),
    ).toBe('2');
    expect(service.list(target.name)).toMatchObject([{ trigger: 'safety', status: 'completed' }]);
  }, 180_000);

  it('a target without the database file’s folder is refused by both runs before anything is recorded', async () => {
    const service = backups();
    const req = { stack: source.name, id: backupId, intoStack: target.name, service: 'bare' };
    const dry = await refusal(service.restore({ ...req, dryRun: true }));
    const real = await refusal(service.restore(req));
    for (const error of [dry, real]) {
      expect(error.code).toBe('BACKUP_TARGET_MISMATCH');
      expect(error.message).toMatch(/has no folder \/data for the database file \/data\/notes\.db$/);
    }
    expect(service.list(target.name, { service: 'bare' })).toEqual([]);
    expect(storeFiles(target.name).filter((f) => f.includes('bare'))).toEqual([]);
  }, 120_000);
});
