import { executionAsyncId } from 'node:async_hooks';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTree } from '../../../test/support/tree.js';
import { loadWorkspace } from '../stack.js';
import { createXBerthRegistry } from '../xberth/registry.js';
import { noteInput, recordInputs } from './inputs.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});
const tree = async (files: Record<string, string>) => {
  const root = await writeTree(files);
  roots.push(root);
  return root;
};
const load = (path: string) => loadWorkspace(path, { env: {}, registry: createXBerthRegistry([]) });
const relative = (root: string, inputs: ReadonlyMap<string, string>) =>
  Object.fromEntries([...inputs].map(([path, kind]) => [path.slice(root.length) || '/', kind]));

describe('recordInputs', () => {
  it('collects the paths noted by the task and what was seen there', async () => {
    const { result, inputs } = await recordInputs(async () => {
      noteInput('/a/b', 'file');
      await new Promise((r) => setTimeout(r, 1));
      noteInput('/a/../a/c', 'missing');
      return 42;
    });
    expect(result).toBe(42);
    expect([...inputs]).toEqual([
      ['/a/b', 'file'],
      ['/a/c', 'missing'],
    ]);
  });

  it('marks a path seen as two different kinds as changed', async () => {
    const { inputs } = await recordInputs(async () => {
      noteInput('/x', 'missing');
      noteInput('/x', 'missing');
      noteInput('/x', 'file');
      noteInput('/x', 'missing');
    });
    expect(inputs.get('/x')).toBe('changed');
  });

  it('gives nested recordings their own paths and the outer one all of them; nothing outside', async () => {
    noteInput('/outside', 'file');
    const outer = await recordInputs(async () => {
      noteInput('/outer', 'dir');
      const inner = await recordInputs(async () => noteInput('/inner', 'file'));
      expect([...inner.inputs.keys()]).toEqual(['/inner']);
    });
    expect([...outer.inputs.keys()]).toEqual(['/outer', '/inner']);
  });

  it('keeps concurrent recordings apart', async () => {
    const task = (name: string) =>
      recordInputs(async () => {
        await new Promise((r) => setTimeout(r, 1));
        noteInput(name, 'file');
      });
    const [a, b] = await Promise.all([task('/a'), task('/b')]);
    expect([...(a?.inputs.keys() ?? [])]).toEqual(['/a']);
    expect([...(b?.inputs.keys() ?? [])]).toEqual(['/b']);
  });

  // Promise hooks (what the storage needs) give each promise continuation an async id; off, it is 0.
  const idAfterAwait = async () => {
    await null;
    return executionAsyncId();
  };

  it("leaves Node's promise hooks off once the last recording has ended, and on while one runs", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = recordInputs(() => held);
    const second = await recordInputs(async () => {
      noteInput('/second', 'file');
      return idAfterAwait();
    });
    expect(second.result).not.toBe(0);
    // The first is still running: the storage stays on for it.
    expect(await idAfterAwait()).not.toBe(0);
    release();
    await first;
    expect(await idAfterAwait()).toBe(0);
  });

  it('records again after the storage was turned off, and ignores work a finished load left behind', async () => {
    let lateDone = Promise.resolve();
    const { inputs } = await recordInputs(async () => {
      noteInput('/early', 'file');
      // Started by the load, never awaited: it runs after the load has handed its inputs over.
      lateDone = new Promise((resolve) => setTimeout(() => resolve(noteInput('/late', 'file')), 5));
    });
    await lateDone;
    expect([...inputs.keys()]).toEqual(['/early']);
    const again = await recordInputs(async () => {
      await new Promise((r) => setTimeout(r, 1));
      noteInput('/again', 'dir');
    });
    expect([...again.inputs]).toEqual([['/again', 'dir']]);
  });
});

describe('loadWorkspace inputs', () => {
  it('lists every file read, folder listed and path probed, with what was there', async () => {
    const root = await tree({
      'berth.yaml':
        'stacks:\n  app:\n    path: app\n  lib:\n    path: lib\n    files: [main.yaml]\n  gone:\n    path: gone\n',
      'app/compose.yaml': [
        'include:',
        '  - ../shared/compose.yaml',
        'services:',
        '  web:',
        `    image: nginx:\${TAG}`,
        '    env_file:',
        '      - web.env',
        '      - path: optional.env',
        '        required: false',
        '    extends: { file: ../common/base.yaml, service: base }',
        '    depends_on: [redis]',
        '',
      ].join('\n'),
      'app/compose.override.yaml': 'services:\n  web:\n    ports: ["80"]\n',
      'app/.env': 'TAG=1.27\n',
      'app/web.env': 'A=1\n',
      'shared/compose.yaml': 'services:\n  redis:\n    image: redis\n',
      'common/base.yaml': 'services:\n  base:\n    restart: always\n',
      'lib/main.yaml': 'services:\n  job:\n    image: busybox\n',
    });
    const result = await load(root);
    expect(result.stacks.map((s) => s.name)).toEqual(['app', 'lib']);
    expect(relative(root, result.inputs)).toEqual({
      '/': 'dir',
      '/berth.yaml': 'file',
      '/app': 'dir',
      '/app/compose.yaml': 'file',
      '/app/compose.override.yaml': 'file',
      '/app/.env': 'file',
      '/app/web.env': 'file',
      '/app/optional.env': 'missing',
      '/shared/compose.yaml': 'file',
      '/shared/.env': 'missing',
      '/common/base.yaml': 'file',
      '/lib': 'dir',
      '/lib/main.yaml': 'file',
      '/lib/.env': 'missing',
      '/gone': 'missing',
    });
    // Every file the load reports having read is among its inputs.
    for (const file of result.files) expect(result.inputs.has(file)).toBe(true);
  });

  it('lists the estate folder and each sub-folder, stacks or not', async () => {
    const root = await tree({
      'a/compose.yaml': 'services:\n  web:\n    image: nginx\n',
      'docs/readme.txt': 'not a stack\n',
    });
    const result = await load(root);
    expect(result.stacks.map((s) => s.name)).toEqual(['a']);
    expect(relative(root, result.inputs)).toMatchObject({
      '/': 'dir',
      '/berth.yaml': 'missing',
      '/a': 'dir',
      '/a/compose.yaml': 'file',
      '/a/.env': 'missing',
      '/docs': 'dir',
    });
  });

  it('notes a missing workspace and unreadable sources', async () => {
    const root = await tree({ 'berth.yaml': 'stacks:\n  app:\n    path: app\n', 'app/compose.yaml': '' });
    const missing = await load(join(root, 'nope'));
    expect(relative(root, missing.inputs)).toEqual({ '/nope': 'missing' });
    const empty = await load(root);
    expect(empty.stacks).toEqual([]);
    expect(empty.inputs.get(join(root, 'app', 'compose.yaml'))).toBe('file');
  });
});
