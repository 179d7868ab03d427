import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { grantsOf, principal, tableAuthenticator, testDeps } from '../../support/http-app.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type HealthKit, startHealth, startLabelled } from './support.js';

// Stack names may contain `-`: `<stack>-admin-web-1` of stack `<stack>-admin` is not a container of
// `<stack>`. A crash-looping container belongs to the stack its label names, and only viewers of
// that stack see it in GET /api/v1/health.

const SWEEP_MS = 1_000;

let h: DeployHarness;
let shop: string;
let admin: string;
let kit: HealthKit;
let root: string;
let app: ReturnType<typeof createApp>;

async function crashLooping(stack: string, service: string): Promise<string> {
  const started = await startLabelled(h, stack, service, ['sh', '-c', 'exit 3'], {
    restartPolicy: { name: 'always' },
  });
  return started.name;
}

beforeAll(async () => {
  h = await startHarness();
  shop = h.stackName();
  admin = `${shop}-admin`;
  await h.engine.images.inspect(BUSYBOX);
  kit = startHealth(h, { tuning: { sweepIntervalMs: SWEEP_MS, flushIntervalMs: 200 } });
  root = mkdtempSync(join(tmpdir(), 'berth-crash-stacks-'));
  const tokens = {
    viewer: principal('viewer', grantsOf('viewer')),
    'shop-viewer': principal('shop-viewer', grantsOf('viewer', shop)),
    'admin-viewer': principal('admin-viewer', grantsOf('viewer', admin)),
  };
  app = createApp({
    ...testDeps({ root, authenticator: tableAuthenticator(tokens) }),
    health: { health: kit.health },
  });
}, 180_000);

afterAll(async () => {
  await kit?.stop();
  await h?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function crashLoopingFor(token: string, query = ''): Promise<string[]> {
  const res = await app.request(`/api/v1/health${query}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { crashLooping: string[] }).crashLooping;
}

describe('crash-looping containers of stacks whose names share a prefix', () => {
  it('are shown to viewers of their own stack only, by label, not by name', async () => {
    const shopWeb = await crashLooping(shop, 'web');
    const adminWeb = await crashLooping(admin, 'web');
    expect(adminWeb.startsWith(`${shop}-`)).toBe(true);
    const deadline = Date.now() + 40_000;
    while (kit.health.list().crashLooping.filter((c) => c === shopWeb || c === adminWeb).length < 2) {
      if (Date.now() > deadline) throw new Error('timed out waiting for both crash loops');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await crashLoopingFor('shop-viewer')).toEqual([shopWeb]);
    expect(await crashLoopingFor('admin-viewer')).toEqual([adminWeb]);
    expect(await crashLoopingFor('viewer', `?stack=${shop}`)).toEqual([shopWeb]);
    expect(await crashLoopingFor('viewer', `?stack=${admin}`)).toEqual([adminWeb]);
    expect(kit.health.list(shop).crashLooping).toEqual([shopWeb]);
    const all = await crashLoopingFor('viewer');
    expect(all.filter((c) => c === shopWeb || c === adminWeb).sort()).toEqual([adminWeb, shopWeb].sort());
  }, 60_000);
});
