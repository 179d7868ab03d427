import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlFixture } from '../../../test/support/control.js';

// A service name the stack does not have is refused before anything starts: 404
// DEPLOY_SERVICE_NOT_FOUND naming the stack, the name given and the services it has; no operation,
// no stream, no command, no audit of a change that never happened.

let f: ReturnType<typeof controlFixture>;
beforeEach(() => {
  f = controlFixture();
});
afterEach(() => f.close());

function expectRefused(res: { status: number; json: Record<string, unknown> }, services: string) {
  expect(res.status).toBe(404);
  expect(res.json).toMatchObject({
    code: 'DEPLOY_SERVICE_NOT_FOUND',
    detail: 'stack alpha has no service wbe; nothing was changed',
    hint: expect.stringContaining(`its services: ${services}`),
  });
}

describe('an unknown service', () => {
  it('is refused by restart before an operation exists', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/restart', 'operator', { service: 'wbe' });
    expectRefused(res, 'web, worker');
    await f.control.runner.idle();
    expect(f.store.operations.list('alpha', 10)).toEqual([]);
    expect(f.stacks.calls).toEqual([]);
  });

  it('is refused by logs before the stream starts (not an empty 200)', async () => {
    const res = await f.call('GET', '/api/v1/stacks/alpha/logs?service=wbe&tail=10', 'operator');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectRefused(res, 'web, worker');
  });

  it('is refused by exec before the command runs', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/exec', 'operator', {
      service: 'wbe',
      argv: ['id'],
    });
    expectRefused(res, 'web, worker');
    expect(f.stacks.calls).toEqual([]);
  });

  it('still lets a known service through, and logs a service that only runs (left the files)', async () => {
    f.stacks.containers.push({
      ...(f.stacks.containers[0] ?? never()),
      service: 'legacy',
      name: 'alpha-legacy-1',
    });
    expect(
      (await f.call('POST', '/api/v1/stacks/alpha/restart', 'operator', { service: 'worker' })).status,
    ).toBe(202);
    const logs = await f.call('GET', '/api/v1/stacks/alpha/logs?service=legacy', 'operator');
    expect(logs.status).toBe(200);
    expect(logs.text).toContain('hello from alpha-legacy-1');
    // restart works from the files: a service only on the engine is not one it can restart.
    const restart = await f.call('POST', '/api/v1/stacks/alpha/restart', 'operator', { service: 'legacy' });
    expect(restart.status).toBe(404);
    expect(restart.json.hint).toContain('its services: web, worker');
  });
});

function never(): never {
  throw new Error('the fixture has containers');
}
