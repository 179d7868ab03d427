import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../../src/alerts/classify.js';
import { LocalClient } from '../../../src/app/local-client.js';
import { isBackupError } from '../../../src/backup/errors.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { createLoggers } from '../../../src/log/index.js';
import { openStore } from '../../../src/store/index.js';
import { type DeployHarness, editCompose, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit, SERVICES } from './support.js';

// Backups before a deploy, through the composition root (berth --local): a deploy that replaces a
// service with a backup policy backs it up first and records it; a backup that fails stops the
// deploy unless --skip-backup; a rolled-back deploy names the backup and restores nothing.

const quiet = createLoggers(
  { base: 'silent', components: {} },
  new Writable({
    write(_c, _e, done) {
      done();
    },
  }),
);

let h: DeployHarness;
let kit: BackupKit;
let stack: string;
let dir: string;
let client: LocalClient;

const compose = (name: string) => `name: ${name}
services:
  cache:
    image: ${SERVICES}
    command: ["redis-server", "--dir", "/data", "--bind", "127.0.0.1"]
    volumes: [data:/data]
    stop_signal: SIGKILL
    environment: { GENERATION: "1" }
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1s, retries: 20 }
    x-berth:
      backup: { kind: redis }
      deploy: { health_timeout: 15s }
  box:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    environment: { GENERATION: "1" }
    x-berth:
      backup: { kind: mariadb }
volumes:
  data:
`;

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = h.stackName();
  dir = h.writeStack(compose(stack));
  const config = join(kit.root, 'serve.yaml');
  writeFileSync(
    config,
    `backup:\n  stores:\n    local: { type: dir, path: ${kit.storeDir} }\n  recipients: [${kit.settings.recipients[0]}]\n  identity: ${kit.identityFile}\n`,
  );
  client = new LocalClient(
    { stateDir: join(kit.root, 'state'), workspace: dir, configFile: config },
    { COMPOSE_PROJECT_NAME: stack },
    quiet,
    h.clock,
  );
  const first = await client.up(stack, { skipBackup: true });
  if (first.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${first.outcome}`);
}, 300_000);

afterAll(async () => {
  await client?.close();
  await h?.cleanup();
  kit?.cleanup();
});

describe('backups before a deploy', () => {
  it('a backup that fails stops the deploy, changing nothing; --skip-backup deploys without it', async () => {
    editCompose(
      dir,
      'GENERATION: "1" }\n    x-berth:\n      backup: { kind: mariadb }',
      'GENERATION: "2" }\n    x-berth:\n      backup: { kind: mariadb }',
    );
    const [before] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'box',
      'dev.berth.role': 'current',
    });
    const error = await client.up(stack, {}).catch((e: unknown) => e);
    expect(isBackupError(error) && error.code).toBe('BACKUP_TOOL_MISSING');
    expect(String((error as Error).message)).toMatch(/before the deploy failed.*nothing was deployed/);
    // The failure's own hint first (what is missing, what to use), then the way around it.
    expect((error as { hint: string }).hint).toMatch(
      /use an image that has it; or deploy without the backup: `berth up --skip-backup`/,
    );
    // One alert for it, as a `berth serve` on this state file routes it: the deploy's failure (its
    // backup's `failed` event is told by it), naming the stack, the code and what to do.
    const state = openStore({
      path: join(kit.root, 'state', 'berth.db'),
      clock: h.clock,
      isAlive: () => true,
    });
    try {
      const alerted = state.events
        .after({ after: 0, limit: 10_000 })
        .filter((e) => e.stack === stack && classify(e) !== undefined);
      expect(alerted.map((e) => classify(e)?.key)).toEqual([`operation-failed:${stack}/up`]);
      expect(alerted[0]?.message).toMatch(
        new RegExp(
          `^the deploy of ${stack} failed: the backup of ${stack}/box before the deploy failed: .* \\[BACKUP_TOOL_MISSING\\]\\. Next: .*--skip-backup`,
        ),
      );
    } finally {
      state.close();
    }
    const [still] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'box',
      'dev.berth.role': 'current',
    });
    expect(still?.id).toBe(before?.id);
    const skipped = await client.up(stack, { skipBackup: true });
    expect(skipped).toMatchObject({ outcome: 'succeeded', changedServices: ['box'] });
    expect(skipped.backups).toBeUndefined();
  }, 300_000);

  it('a deploy that replaces a service with a policy backs it up first and records it on the deployment', async () => {
    editCompose(
      dir,
      'environment: { GENERATION: "1" }\n    healthcheck',
      'environment: { GENERATION: "2" }\n    healthcheck',
    );
    // The plan says so first, as `up` then does: cache is replaced (backed up), box is not.
    expect((await client.plan(stack)).backups).toEqual([
      {
        service: 'box',
        kind: 'mariadb',
        outcome: 'not-taken',
        reason: 'the deploy does not replace its container',
      },
      {
        service: 'cache',
        kind: 'redis',
        outcome: 'taken',
        reason: 'backed up before its container is replaced',
      },
    ]);
    const events: DeployEvent[] = [];
    const r = await client.up(stack, { onEvent: (e) => events.push(e) });
    expect(r.outcome).toBe('succeeded');
    expect(r.backups).toEqual([
      { service: 'cache', id: expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/) },
    ]);
    const listed = await client.backupList(stack, { service: 'cache' });
    expect(listed.items[0]).toMatchObject({
      id: r.backups?.[0]?.id,
      trigger: 'pre-deploy',
      status: 'completed',
    });
    expect(events.filter((e) => e.type === 'backup').map((e) => e.message)).toEqual([
      'backing up cache before the deploy',
      expect.stringMatching(/^backup \S+ of cache taken before the deploy/),
    ]);
  }, 300_000);

  it('a rolled-back deploy names the backup taken before it, and restores no data', async () => {
    editCompose(dir, 'test: ["CMD", "redis-cli", "ping"]', 'test: ["CMD", "false"]');
    editCompose(
      dir,
      'environment: { GENERATION: "2" }\n    healthcheck',
      'environment: { GENERATION: "3" }\n    healthcheck',
    );
    const r = await client.up(stack, {});
    expect(r.outcome).toBe('rolled-back');
    const id = r.backups?.[0]?.id ?? '';
    expect(id).not.toBe('');
    const [deployment] = (await client.deployments(stack, { limit: 1 })).items;
    expect(deployment?.summary).toContain(`backups taken before the deploy: cache ${id} (data not restored`);
  }, 300_000);

  it('the plan says the backup of a stopped database fails, as `up` then fails', async () => {
    const [cache] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'cache',
      'dev.berth.role': 'current',
    });
    await h.engine.containers.stop(cache?.id ?? '');
    editCompose(
      dir,
      'environment: { GENERATION: "3" }\n    healthcheck',
      'environment: { GENERATION: "4" }\n    healthcheck',
    );
    const plan = await client.plan(stack);
    expect(plan.backups?.find((b) => b.service === 'cache')).toMatchObject({
      outcome: 'fails',
      code: 'BACKUP_NOT_RUNNING',
      reason: expect.stringContaining(
        `${stack}/cache has no running container to back up (its container is exited)`,
      ),
    });
    const error = await client.up(stack, {}).catch((e: unknown) => e);
    expect(isBackupError(error) && error.code).toBe('BACKUP_NOT_RUNNING');
    expect(String((error as Error).message)).toContain(
      'has no running container to back up (its container is exited)',
    );
  }, 300_000);
});
