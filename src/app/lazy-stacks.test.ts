import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../../test/support/http-app.js';
import { systemClock } from '../clock.js';
import { StackService, type StackServiceDeps } from '../deploy/service.js';
import { lazyStackService } from './lazy-stacks.js';
import { builtinXBerthRegistry } from './registry.js';

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

// Loading and rendering stacks needs neither the engine nor the state file: both refuse if asked.
const deps: StackServiceDeps = {
  engine: () => Promise.reject(new Error('no engine in this test')),
  store: () => {
    throw new Error('no state file in this test');
  },
  clock: systemClock(),
  owner: { pid: process.pid, host: 'test', token: 'lazy-stacks-test' },
  workspace: workspace.root,
  env: {},
  registry: builtinXBerthRegistry(),
  allowPaths: false,
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
  );

describe('lazyStackService', () => {
  const lazy = lazyStackService(deps);
  const direct = new StackService(deps);

  it('answers as the StackService it loads: loading and rendering a stack', async () => {
    const [a, b] = await Promise.all([lazy.load('alpha'), direct.load('alpha')]);
    expect(Object.keys(a.model.services ?? {}).sort()).toEqual(['web', 'worker']);
    expect(a.name).toBe(b.name);
    expect(Object.keys(a.model.services ?? {})).toEqual(Object.keys(b.model.services ?? {}));
    expect(await lazy.config('beta')).toEqual(await direct.config('beta'));
  });

  it('fails as it does: an unknown stack, the engine down, and a log stream of an unknown stack', async () => {
    expect(await failure(lazy.load('nope'))).toBe(await failure(direct.load('nope')));
    expect(await failure(lazy.ps('alpha'))).toBe(await failure(direct.ps('alpha')));
    const first = (s: AsyncIterable<unknown>) => s[Symbol.asyncIterator]().next();
    const lazyLogs = await failure(first(lazy.logs('nope', {})));
    expect(lazyLogs).not.toBe('resolved');
    expect(lazyLogs).toBe(await failure(first(direct.logs('nope', {}))));
  });
});
