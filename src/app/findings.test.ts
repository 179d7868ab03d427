import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorkspace } from '../../test/support/http-app.js';
import { workspaceFindings } from './findings.js';
import { builtinXBerthRegistry } from './registry.js';

const workspace = makeWorkspace();

describe('workspaceFindings', () => {
  it('gives each stack its own findings, reuses one audit for a while, and knows no other stack', async () => {
    let now = Date.UTC(2025, 0, 1);
    const load = { env: {}, registry: builtinXBerthRegistry() };
    const findings = workspaceFindings({
      workspace: workspace.root,
      load,
      clock: { now: () => new Date(now) },
      version: 'test',
      listStacks: async () => [{ name: 'alpha' }, { name: 'beta' }],
      reuseMs: 1000,
    });
    const beta = await findings('beta');
    expect(beta?.length).toBeGreaterThan(0);
    expect(beta?.every((f) => f.file === 'beta/compose.yaml')).toBe(true);
    expect(await findings('nope')).toBeUndefined();
    // beta gains a healthcheck: the reused audit does not see it yet, a new one does.
    writeFileSync(
      join(workspace.root, 'beta', 'compose.yaml'),
      'services:\n  api:\n    image: nginx:1.27\n    healthcheck:\n      test: ["CMD", "true"]\n',
    );
    const rules = async () => (await findings('beta'))?.map((f) => f.rule) ?? [];
    expect(await rules()).toContain('healthcheck-missing');
    now += 2000;
    expect(await rules()).not.toContain('healthcheck-missing');
    workspace.cleanup();
  });

  it('says why when the workspace file cannot be read, instead of "no such stack"', async () => {
    const unreadable = new Error('berth.yaml:3:7: the workspace cannot be read');
    const findings = workspaceFindings({
      workspace: '/nonexistent',
      load: { env: {}, registry: builtinXBerthRegistry() },
      clock: { now: () => new Date() },
      version: 'test',
      listStacks: async () => [],
      workspaceError: async () => unreadable,
    });
    await expect(findings('alpha')).rejects.toBe(unreadable);
  });
});
