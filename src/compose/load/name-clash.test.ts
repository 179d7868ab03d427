import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTree } from '../../../test/support/tree.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { loadWorkspace } from '../stack.js';
import { isValid, validatePaths } from '../validate.js';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

const service = (name: string, extra = '') => `${extra}services:\n  ${name}:\n    image: busybox:1\n`;

async function estate(files: Record<string, string>): Promise<string> {
  const root = await writeTree(files);
  roots.push(root);
  return root;
}

const options = () => ({ env: {}, registry: builtinXBerthRegistry() });

describe('stacks of one workspace that deploy under the same name', () => {
  it('are an error on each, naming both folders, and neither is loaded to act on', async () => {
    const root = await estate({
      'rvo.dot/compose.yaml': service('a'),
      'rvodot/compose.yaml': service('b'),
      'other/compose.yaml': service('c'),
    });
    const load = await loadWorkspace(root, options());
    expect(load.stacks.map((s) => s.name)).toEqual(['other']);
    const clashes = load.diagnostics.filter((d) => d.code === 'SPEC_STACK_NAME_CLASH');
    expect(clashes.map((d) => [d.severity, d.file])).toEqual([
      ['error', join(root, 'rvo.dot/compose.yaml')],
      ['error', join(root, 'rvodot/compose.yaml')],
    ]);
    expect(clashes[0]?.message).toBe(
      "stack name `rvodot` is ambiguous: the stack folders rvo.dot/ and rvodot/ deploy as the same project `rvodot`, so one would replace the other's containers",
    );
    expect(clashes[0]?.hint).toContain('rename one of the folders, or give one a distinct top-level `name:`');

    const report = await validatePaths([root], options());
    expect(isValid(report)).toBe(false);
    expect(report.files.find((f) => f.path.endsWith('rvodot/compose.yaml'))?.errors[0]?.code).toBe(
      'SPEC_STACK_NAME_CLASH',
    );
  });

  it('include two compose files that set the same `name:`', async () => {
    const root = await estate({
      'one/compose.yaml': service('a', 'name: shop\n'),
      'two/compose.yaml': service('b', 'name: shop\n'),
    });
    const load = await loadWorkspace(root, options());
    expect(load.stacks).toEqual([]);
    expect(load.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('the stack folders one/ and two/ deploy as the same project `shop`'),
      expect.stringContaining('the stack folders one/ and two/ deploy as the same project `shop`'),
    ]);
  });
});
