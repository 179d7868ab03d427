import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadOptions, WorkspaceLoad } from '../compose/stack.js';
import { loadWorkspace } from '../compose/stack.js';
import { stackInfos, workspaceLoads } from '../compose/workspace-source.js';
import { builtinXBerthRegistry } from './registry.js';
import { watchedWorkspace } from './workspace-watch.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';
const CATALOG = (stacks: readonly string[]) =>
  ['version: 1', 'name: watch', 'stacks:', ...stacks.flatMap((s) => [`  ${s}:`, `    path: ${s}`]), ''].join(
    '\n',
  );

/** A catalog of two stacks. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-watch-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'berth.yaml'), CATALOG(['alpha', 'beta']));
  for (const name of ['alpha', 'beta']) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'compose.yaml'), COMPOSE);
  }
  return root;
}

/** The exact load, counting the real loads it makes. */
function counted(root: string) {
  const counter = { loads: 0 };
  const load = async (path: string, options: LoadOptions): Promise<WorkspaceLoad> => {
    counter.loads++;
    return loadWorkspace(path, options);
  };
  // Loads start "later" than the files' change times (ctime cannot be set back): they are kept.
  const now = () => Date.now() + 10_000;
  const exact = workspaceLoads(root, { env: {}, registry: builtinXBerthRegistry() }, { load, now });
  return { exact, counter };
}

/**
 * Until the event loop has polled for I/O once, as it does before it reads a request that follows a
 * write: the second immediate runs in the next turn, after its poll phase.
 */
const afterPoll = async () => {
  await turn();
  await turn();
};

const services = async (w: ReturnType<typeof watchedWorkspace>) =>
  stackInfos(await w.load()).map((s) => `${s.name}:${s.services.join(',')}`);

describe('watchedWorkspace', () => {
  it('answers from the watchers while nothing changes, and sees an edit on the next call', async () => {
    const root = workspace();
    const { exact } = counted(root);
    const w = watchedWorkspace(exact);
    cleanups.push(() => w.close());
    expect(await services(w)).toEqual(['alpha:web', 'beta:web']);
    const first = await w.load();
    expect(w.watching).toBe(true);
    expect(await w.load()).toBe(first);

    writeFileSync(join(root, 'beta', 'compose.yaml'), `${COMPOSE}  db:\n    image: postgres:16\n`);
    // The notification is read by the event loop's next poll, before anything arriving after the write.
    await afterPoll();
    expect(await services(w)).toEqual(['alpha:web', 'beta:db,web']);
    expect(w.watching).toBe(false);
  });

  it('sees a file replaced by rename, and a stack folder removed', async () => {
    const root = workspace();
    const { exact } = counted(root);
    const w = watchedWorkspace(exact);
    cleanups.push(() => w.close());
    await w.load();
    await w.load();
    expect(w.watching).toBe(true);

    writeFileSync(join(root, 'alpha', 'next.yaml'), `${COMPOSE}  cache:\n    image: redis:7\n`);
    renameSync(join(root, 'alpha', 'next.yaml'), join(root, 'alpha', 'compose.yaml'));
    await afterPoll();
    expect(await services(w)).toEqual(['alpha:cache,web', 'beta:web']);

    writeFileSync(join(root, 'berth.yaml'), CATALOG(['alpha']));
    rmSync(join(root, 'beta'), { recursive: true });
    await afterPoll();
    expect(await services(w)).toEqual(['alpha:cache,web']);
  });

  it('stats again once the trust time is over, even without a notification', async () => {
    const root = workspace();
    const { exact } = counted(root);
    let now = 0;
    const w = watchedWorkspace(exact, { now: () => now, trustMs: 1_000 });
    cleanups.push(() => w.close());
    await w.load();
    await w.load();
    expect(w.watching).toBe(true);
    now = 999;
    await w.load();
    expect(w.watching).toBe(true);
    now = 1_000;
    await w.load();
    expect(w.watching).toBe(false);
  });

  it('falls back to the stat check on every call when an input cannot be watched', async () => {
    const root = workspace();
    const { exact, counter } = counted(root);
    const w = watchedWorkspace(exact, {
      watchPath: () => {
        throw Object.assign(new Error('no more watches'), { code: 'ENOSPC' });
      },
    });
    await w.load();
    await w.load();
    expect(w.watching).toBe(false);
    expect(counter.loads).toBe(1);
    writeFileSync(join(root, 'alpha', 'compose.yaml'), `${COMPOSE}  db:\n    image: postgres:16\n`);
    expect(await services(w)).toEqual(['alpha:db,web', 'beta:web']);
  });

  it('shares one refresh between callers that arrive together', async () => {
    const root = workspace();
    const { exact, counter } = counted(root);
    const w = watchedWorkspace(exact);
    cleanups.push(() => w.close());
    const [a, b] = await Promise.all([w.load(), w.load()]);
    expect(a).toBe(b);
    expect(counter.loads).toBe(1);
  });
});
