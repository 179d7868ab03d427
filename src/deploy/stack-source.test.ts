import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { StackSource } from './stack-source.js';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

const service = (name: string) => `services:\n  ${name}:\n    image: busybox:1\n`;

async function estate(files: Record<string, string>): Promise<string> {
  const root = await writeTree(files);
  roots.push(root);
  return root;
}

const options = () => ({ env: {}, registry: builtinXBerthRegistry() });

describe('a stack name two folders of the workspace share', () => {
  it('are refused by name for any operation, while the other stacks still load', async () => {
    const root = await estate({
      'rvo.dot/compose.yaml': service('a'),
      'rvodot/compose.yaml': service('b'),
      'other/compose.yaml': service('c'),
    });
    const source = new StackSource({ workspace: root, ...options(), allowPaths: true });
    const refused = await source.load('rvodot').catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'DEPLOY_INVALID_STACK',
      message: expect.stringContaining(`stack rvodot is ambiguous in ${root}`),
      hint: expect.stringContaining('rename one of the stack folders'),
    });
    expect((await source.load('other')).name).toBe('other');
    // A folder given by path is one stack, not ambiguous.
    expect((await source.load('./rvo.dot')).name).toBe('rvodot');
  });
});

describe('a workspace whose catalog is broken', () => {
  it('says the workspace cannot be read, at its file and line, instead of "no stack"', async () => {
    const root = await estate({ 'berth.yaml': 'name: [broken\n', 'shop/compose.yaml': service('a') });
    const source = new StackSource({ workspace: root, ...options(), allowPaths: false });
    const refused = await source.load('shop').catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'DEPLOY_INVALID_STACK',
      message: expect.stringContaining(`the workspace ${root} cannot be read`),
    });
    expect((refused as Error).message).toMatch(/berth\.yaml:\d+:\d+/);
  });
});
