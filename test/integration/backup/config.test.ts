import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type BackupKit, backupKit } from './support.js';

// `config: true`: each backup carries the stack's configuration set (compose file, .env, env
// files), encrypted, checked by the drill, removed with its backup, and readable with age and tar.

const TOKEN = 'cfg-token-7c1e9a52';
const APP_KEY = 'cfg-appkey-44d0b7f3';

const COMPOSE = `x-berth:
  backup: { config: true, retain: { last: 1 } }
services:
  files:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    env_file: [app.env]
    environment:
      TOKEN: \${TOKEN}
    volumes: [data:/srv]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: volume }
volumes:
  data:
`;

let h: DeployHarness;
let kit: BackupKit;
let stack: string;
let loaded: LoadedStack;

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = h.stackName();
  const dir = h.writeStack(COMPOSE);
  writeFileSync(join(dir, '.env'), `TOKEN=${TOKEN}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'app.env'), `APP_KEY=${APP_KEY}\n`, { mode: 0o600 });
  loaded = await h.load(dir, stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
}, 300_000);

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
});

const backups = () => kit.service(() => [loaded]);

describe('the configuration set (config: true)', () => {
  it('goes with each backup, encrypted, and opens with age and tar as the README says', async () => {
    const service = backups();
    const b = await service.run(await service.find(stack, 'files'), { trigger: 'manual' });
    const set = b.manifest?.config;
    expect([...(set?.files ?? [])].sort()).toEqual(['.env', 'app.env', 'compose.yaml']);
    expect(b.drill.status, b.drill.reason).toBe('passed');
    const stored = join(kit.storeDir, stack, 'files', set?.file ?? '');
    const raw = readFileSync(stored);
    expect(raw.includes(TOKEN)).toBe(false);
    expect(raw.includes(APP_KEY)).toBe(false);
    // README, "Disaster recovery": age -d -i KEY FILE | tar -xz -C DIR
    const plain = spawnSync('age', ['--decrypt', '--identity', kit.identityFile, stored]);
    expect(plain.status, plain.stderr.toString()).toBe(0);
    const out = join(kit.root, 'config-out');
    mkdirSync(out);
    const untar = spawnSync('tar', ['-xz', '-C', out], { input: plain.stdout });
    expect(untar.status, untar.stderr.toString()).toBe(0);
    expect(readFileSync(join(out, '.env'), 'utf8')).toBe(`TOKEN=${TOKEN}\n`);
    expect(readFileSync(join(out, 'app.env'), 'utf8')).toBe(`APP_KEY=${APP_KEY}\n`);
    expect(readFileSync(join(out, 'compose.yaml'), 'utf8')).toBe(COMPOSE);
  }, 120_000);

  it('is removed with its backup by retention, and a damaged one fails the drill', async () => {
    const service = backups();
    const first = service.list(stack, {}).find((b) => b.status === 'completed');
    const second = await service.run(await service.find(stack, 'files'), { trigger: 'manual' });
    expect(second.drill.status).toBe('passed');
    // Retention (last: 1) runs after each backup: the first goes, with its configuration set.
    const firstSet = join(kit.storeDir, stack, 'files', first?.manifest?.config?.file ?? '');
    expect(first?.manifest?.config?.file).toBeDefined();
    expect(existsSync(firstSet)).toBe(false);
    expect(service.list(stack).map((b) => b.id)).not.toContain(first?.id);

    const secondSet = join(kit.storeDir, stack, 'files', second.manifest?.config?.file ?? '');
    const bytes = readFileSync(secondSet);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    writeFileSync(secondSet, bytes);
    const drilled = await service.drill(stack, second.id);
    expect(drilled.drill.status).toBe('failed');
    expect(drilled.drill.reason).toMatch(/configuration set's checksum does not match/);
  }, 120_000);
});
