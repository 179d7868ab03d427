import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBackupError } from '../../../src/backup/errors.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit, execIn } from './support.js';

// A volume restore empties the volumes with `rm` from the service's image, after it has stopped the
// service. The preflight (and so the dry run) runs that `rm` in a throwaway helper first: an image
// without it is refused before the service is stopped or a safety backup is taken.

/** busybox without its `rm` applet: backups (a helper running `true`) work, emptying cannot. */
const NO_RM = `local/berth-test-no-rm:${process.pid}`;

const COMPOSE = `services:
  files:
    image: ${NO_RM}
    command: ["sleep", "600"]
    volumes: [files-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: volume }
  plain:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    volumes: [plain-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: volume }
volumes:
  files-data:
  plain-data:
`;

let h: DeployHarness;
let kit: BackupKit;
let stack: LoadedStack;
const backups = () => kit.service(() => [stack]);

/** The preflight's helpers still there (each is removed once it has run). */
const preflightHelpers = async () =>
  (await h.engine.containers.list({ 'dev.berth.stack': stack.name, 'dev.berth.task': 'restore-preflight' }))
    .length;

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  const context = mkdtempSync(join(tmpdir(), 'berth-no-rm-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), `FROM ${BUSYBOX}\nRUN ["/bin/busybox", "rm", "/bin/rm"]\n`);
    for await (const event of h.engine.images.build({ contextDir: context, tag: NO_RM })) {
      if (event.type === 'error') throw new Error(event.message);
    }
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  stack = await h.load(h.writeStack(COMPOSE), h.stackName());
  const result = await h.deploy(stack);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack.name} ended ${result.outcome}`);
  for (const service of ['files', 'plain']) {
    await execIn(h, stack.name, service, ['sh', '-c', 'echo kept > /data/note.txt']);
  }
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
  await h?.engine.images.remove(NO_RM, { force: true }).catch(() => undefined);
});

describe('a volume restore’s preflight', () => {
  it('refuses an image without rm in the dry run and the real run, with the service left running', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack.name, 'files'), { trigger: 'manual' });
    expect(b.status).toBe('completed');
    const req = { stack: stack.name, id: b.id };
    for (const dryRun of [true, false]) {
      const error = await service.restore({ ...req, dryRun }).then(
        (r) => new Error(`expected a refusal, got ${JSON.stringify(r)}`),
        (e: unknown) => e,
      );
      if (!isBackupError(error)) throw error;
      expect([dryRun, error.code]).toEqual([dryRun, 'BACKUP_TOOL_MISSING']);
      expect(error.message).toMatch(/^rm is not in the image of /);
      expect(error.hint).toMatch(/empties the volumes with rm/);
    }
    // Nothing was stopped or recorded: the data is there, and the only backup is the manual one.
    expect((await execIn(h, stack.name, 'files', ['cat', '/data/note.txt'])).trim()).toBe('kept');
    expect(service.list(stack.name, { service: 'files' }).map((r) => r.trigger)).toEqual(['manual']);
    expect(await preflightHelpers()).toBe(0);
  }, 180_000);

  it('passes an image with rm, says so, and leaves no helper behind', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack.name, 'plain'), { trigger: 'manual' });
    const dry = await service.restore({ stack: stack.name, id: b.id, dryRun: true });
    expect(dry.outcome).toBe('dry-run');
    expect(dry.checks).toContain('rm in the image');
    expect(await preflightHelpers()).toBe(0);
  }, 180_000);
});
