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
/** An `rm` that passes the preflight's probe and fails every real use. */
const BAD_RM = `local/berth-test-bad-rm:${process.pid}`;
const BAD_RM_SCRIPT =
  '#!/bin/sh\n[ "$2" = /berth-restore-preflight-absent ] && exit 0\necho "rm: refused" >&2\nexit 1\n';

const COMPOSE = `services:
  files:
    image: ${NO_RM}
    command: ["sleep", "600"]
    volumes: [files-data:/data]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: volume }
  fails:
    image: ${BAD_RM}
    command: ["sleep", "600"]
    volumes: [fails-data:/data]
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
  fails-data:
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
    writeFileSync(join(context, 'rm'), BAD_RM_SCRIPT, { mode: 0o755 });
    const images: Array<[string, string]> = [
      [NO_RM, `FROM ${BUSYBOX}\nRUN ["/bin/busybox", "rm", "/bin/rm"]\n`],
      [BAD_RM, `FROM ${BUSYBOX}\nRUN ["/bin/busybox", "rm", "/bin/rm"]\nCOPY rm /bin/rm\n`],
    ];
    for (const [tag, dockerfile] of images) {
      writeFileSync(join(context, 'Dockerfile'), dockerfile);
      for await (const event of h.engine.images.build({ contextDir: context, tag })) {
        if (event.type === 'error') throw new Error(event.message);
      }
    }
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  stack = await h.load(h.writeStack(COMPOSE), h.stackName());
  const result = await h.deploy(stack);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack.name} ended ${result.outcome}`);
  for (const service of ['files', 'fails', 'plain']) {
    await execIn(h, stack.name, service, ['sh', '-c', 'echo kept > /data/note.txt']);
  }
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
  for (const image of [NO_RM, BAD_RM])
    await h?.engine.images.remove(image, { force: true }).catch(() => undefined);
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

  it('when emptying and putting back both fail: says what is down now, keeps the data, leaves no helper', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack.name, 'fails'), { trigger: 'manual' });
    const error = await service.restore({ stack: stack.name, id: b.id }).then(
      (r) => new Error(`expected a failure, got ${JSON.stringify(r)}`),
      (e: unknown) => e,
    );
    if (!isBackupError(error)) throw error;
    expect(error.code).toBe('BACKUP_INTEGRITY');
    expect(error.message).toMatch(
      /could not be emptied \(rm exited 1\).*and so did putting back the safety backup/,
    );
    // The target itself was stopped by the restore: the hint says so, not "none".
    expect(error.hint).toContain(`not running now: fails (\`berth up ${stack.name}\``);
    const containers = await h.engine.containers.list({
      'dev.berth.stack': stack.name,
      'dev.berth.service': 'fails',
    });
    expect(containers.filter((c) => c.labels['dev.berth.task']?.startsWith('backup:'))).toEqual([]);
    await h.engine.containers.start(containers[0]?.id ?? '');
    expect((await execIn(h, stack.name, 'fails', ['cat', '/data/note.txt'])).trim()).toBe('kept');
  }, 180_000);
});
