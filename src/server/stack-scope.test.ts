import { describe, expect, it } from 'vitest';
import { CONTAINERS, TableStacks } from '../../test/support/control.js';
import { DeployError } from '../deploy/errors.js';
import { labelledContainers, requireKnownStack, requireStack, stackScope } from './stack-scope.js';

// A stack is in scope (the workspace, a deployment here) or known (also: anything recorded, a
// container labelled with it). The engine is asked only about a name nothing cheaper knows.

function scopeOf(traces: readonly string[], containers: readonly string[]) {
  const asked: string[] = [];
  const scope = stackScope({
    workspace: async () => [{ name: 'alpha' }],
    recorded: (stack) => stack === 'deployed',
    traces: (stack) => traces.includes(stack),
    containers: async (stack) => {
      asked.push(stack);
      return containers.includes(stack);
    },
  });
  return { scope, asked };
}

describe('stackScope', () => {
  it('knows the workspace, the deployed, the recorded and the labelled; has only the first two', async () => {
    const { scope, asked } = scopeOf(['kept'], ['stray']);
    for (const stack of ['alpha', 'deployed', 'kept', 'stray'])
      expect(await scope.known(stack), stack).toBe(true);
    expect(await scope.known('nope')).toBe(false);
    expect(asked).toEqual(['stray', 'nope']);
    expect([await scope.has('alpha'), await scope.has('deployed')]).toEqual([true, true]);
    expect([await scope.has('kept'), await scope.has('stray')]).toEqual([false, false]);
  });

  it('without the optional sources knows what it has', async () => {
    const scope = stackScope({ workspace: async () => [{ name: 'alpha' }], recorded: () => false });
    expect([await scope.known('alpha'), await scope.known('kept')]).toEqual([true, false]);
  });
});

describe('a stack outside the scope while the workspace cannot be read', () => {
  it('is refused with why the workspace cannot be read, not "no stack"', async () => {
    const unreadable = new DeployError('DEPLOY_INVALID_STACK', 'the workspace /w cannot be read', 'fix it');
    let broken = true;
    const scope = stackScope({
      workspace: async () => [],
      recorded: (stack) => stack === 'deployed',
      unreadable: async () => (broken ? unreadable : undefined),
    });
    await expect(requireStack(scope, 'alpha')).rejects.toBe(unreadable);
    await expect(requireKnownStack(scope, 'alpha')).rejects.toBe(unreadable);
    // A stack deployed here is still reachable (logs, down…) while the file is broken.
    await expect(requireStack(scope, 'deployed')).resolves.toBeUndefined();
    broken = false;
    await expect(requireStack(scope, 'alpha')).rejects.toMatchObject({ code: 'DEPLOY_STACK_NOT_FOUND' });
  });
});

describe('labelledContainers', () => {
  it('says whether a stack has a container, one-offs included', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const labelled = labelledContainers(stacks);
    expect([await labelled('alpha'), await labelled('beta'), await labelled('gamma')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(stacks.psFilter?.oneOff).toBe(true);
  });
});
