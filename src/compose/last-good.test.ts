import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { type LastGood, withLastGood } from './last-good.js';
import { loadWorkspace } from './stack.js';

const options = { env: {}, registry: builtinXBerthRegistry() };
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

const job = (schedule: string) => `services:
  web:
    image: local/busybox:1
    x-berth:
      jobs:
        nightly: { schedule: "${schedule}", command: ["true"] }
`;

async function estate() {
  const root = await writeTree({
    'shop/compose.yaml': job('@daily'),
    'blog/compose.yaml': job('@hourly'),
  });
  roots.push(root);
  return root;
}

const names = (r: LastGood) => r.stacks.map((s) => s.name).sort();
const schedule = (r: LastGood, stack: string) =>
  (r.stacks.find((s) => s.name === stack)?.xberth.services.web as { jobs?: Record<string, unknown> })?.jobs;

describe('withLastGood', () => {
  it('passes every stack through while all load, and remembers them', async () => {
    const root = await estate();
    const r = withLastGood(await loadWorkspace(root, options), new Map());
    expect(names(r)).toEqual(['blog', 'shop']);
    expect(r.unloaded).toEqual([]);
    expect(r.memory.size).toBe(2);
  });

  it('keeps the last good version of a stack whose files stop loading, and names its first error', async () => {
    const root = await estate();
    const first = withLastGood(await loadWorkspace(root, options), new Map());
    await writeFile(join(root, 'shop/compose.yaml'), job('@daily').replace('schedule:', 'schedul:'));
    const broken = withLastGood(await loadWorkspace(root, options), first.memory);
    expect(names(broken)).toEqual(['blog', 'shop']);
    expect(broken.stacks.find((s) => s.name === 'shop')).toBe(first.stacks.find((s) => s.name === 'shop'));
    expect(broken.unloaded).toHaveLength(1);
    expect(broken.unloaded[0]).toMatchObject({
      name: 'shop',
      kept: true,
      error: { file: join(root, 'shop/compose.yaml'), line: 6, severity: 'error' },
    });
    // Still broken on the next look: still kept. Fixed: the new files, and nothing unloaded.
    const again = withLastGood(await loadWorkspace(root, options), broken.memory);
    expect(again.unloaded.map((u) => u.kept)).toEqual([true]);
    await writeFile(join(root, 'shop/compose.yaml'), job('@weekly'));
    const fixed = withLastGood(await loadWorkspace(root, options), again.memory);
    expect(fixed.unloaded).toEqual([]);
    expect(JSON.stringify(schedule(fixed, 'shop'))).toContain('@weekly');
  });

  it('has nothing to keep for a stack that never loaded, and drops a stack that left the workspace', async () => {
    const root = await estate();
    await writeFile(join(root, 'shop/compose.yaml'), 'services: [');
    const r = withLastGood(await loadWorkspace(root, options), new Map());
    expect(names(r)).toEqual(['blog']);
    expect(r.unloaded).toMatchObject([{ name: 'shop', kept: false }]);
    await rm(join(root, 'blog'), { recursive: true });
    const gone = withLastGood(await loadWorkspace(root, options), r.memory);
    expect(names(gone)).toEqual([]);
    expect(gone.memory.size).toBe(0);
  });

  it('does not keep a version whose name another stack now has', async () => {
    const root = await writeTree({
      'shop-next/compose.yaml': `name: shop\n${job('@daily')}`,
      'blog/compose.yaml': job('@hourly'),
    });
    roots.push(root);
    const first = withLastGood(await loadWorkspace(root, options), new Map());
    expect(names(first)).toEqual(['blog', 'shop']);
    // shop-next (named shop) breaks while a new folder shop loads as shop: only the new one runs.
    await writeFile(join(root, 'shop-next/compose.yaml'), 'services: [');
    await mkdir(join(root, 'shop'));
    await writeFile(join(root, 'shop/compose.yaml'), job('@weekly'));
    const r = withLastGood(await loadWorkspace(root, options), first.memory);
    expect(r.stacks.map((s) => s.ref.dir).sort()).toEqual([join(root, 'blog'), join(root, 'shop')]);
    expect(r.unloaded).toMatchObject([{ name: 'shop', kept: false }]);
  });
});
