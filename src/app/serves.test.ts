import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/store.js';
import { manualClock } from '../clock.js';
import { workspaceLoads } from '../compose/workspace-source.js';
import { openStore, type Store } from '../store/index.js';
import { builtinXBerthRegistry } from './registry.js';
import { servesStack } from './serves.js';

// Which stacks a server answers for (its events, probes, alerts): its workspace's, loadable or not,
// and those it deployed; not another server's stacks on the same engine.

let temp: ReturnType<typeof makeTempDir>;
let store: Store;
const options = { env: {}, registry: builtinXBerthRegistry() };

beforeEach(() => {
  temp = makeTempDir('berth-serves-');
  store = openStore({
    path: join(temp.dir, 'berth.db'),
    clock: manualClock(new Date()),
    isAlive: () => true,
  });
  for (const [name, text] of [
    ['shop', 'services:\n  web:\n    image: local/busybox:1\n'],
    ['broken', 'services:\n  web: [not, a, service\n'],
  ] as const) {
    mkdirSync(join(temp.dir, 'ws', name), { recursive: true });
    writeFileSync(join(temp.dir, 'ws', name, 'compose.yaml'), text);
  }
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

describe('servesStack', () => {
  it('answers for the workspace’s stacks, loadable or not, and for those deployed here only', async () => {
    const serves = servesStack(() => store, workspaceLoads(join(temp.dir, 'ws'), options));
    const deployment = store.deployments.create({ stack: 'gone', trigger: 'cli', plan: {} });
    store.deployments.finish(deployment.id, 'succeeded');
    expect(await serves('shop')).toBe(true);
    expect(await serves('broken')).toBe(true);
    expect(await serves('gone')).toBe(true);
    expect(await serves('other-servers')).toBe(false);
  });

  it('still answers for the stacks deployed here when the workspace does not load', async () => {
    const deployment = store.deployments.create({ stack: 'shop', trigger: 'cli', plan: {} });
    store.deployments.finish(deployment.id, 'succeeded');
    const serves = servesStack(
      () => store,
      () => Promise.reject(new Error('berth.yaml:1:1: not a workspace')),
    );
    expect(await serves('shop')).toBe(true);
    expect(await serves('other-servers')).toBe(false);
  });
});
