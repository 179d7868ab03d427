import { describe, expect, it } from 'vitest';
import type { ServiceFailure } from '../api/deploy.js';
import { serviceResults } from './service-results.js';

const waitsFor = (...services: string[]) => ({
  startAfter: services.map((service) => ({ service, until: 'ready' as const, because: 'service_healthy' })),
});

// docs, static, core and auth changed; auth waits for core, which failed its gate.
const desired = {
  services: {
    db: waitsFor(),
    docs: waitsFor(),
    static: waitsFor(),
    core: waitsFor('db'),
    auth: waitsFor('core', 'db'),
  },
};
const planned = ['docs', 'static', 'core', 'auth'];
const failure: ServiceFailure = {
  service: 'core',
  reason: 'unhealthy',
  detail: 'last check exited 1',
  exitCode: 1,
  logTail: ['boom'],
};

describe('serviceResults', () => {
  it('records a planned change that never ran as skipped, with what it waited for', () => {
    const results = serviceResults(desired, planned, {
      outcome: 'rolled-back',
      failure,
      changedServices: ['docs', 'static', 'core'],
    });
    expect(Object.fromEntries(results)).toEqual({
      db: { outcome: 'unchanged' },
      docs: { outcome: 'rolled-back' },
      static: { outcome: 'rolled-back' },
      core: {
        outcome: 'rolled-back',
        reason: 'unhealthy: last check exited 1',
        logTail: ['boom'],
        exitCode: 1,
      },
      auth: { outcome: 'skipped', reason: 'waited for core, never started' },
    });
  });

  it('says where the deploy stopped when the skipped service waited for none of the changes', () => {
    const results = serviceResults({ services: { a: waitsFor(), b: waitsFor() } }, ['a', 'b'], {
      outcome: 'failed',
      failure: { ...failure, service: 'a' },
      changedServices: ['a'],
    });
    expect(results.get('a')?.outcome).toBe('failed');
    expect(results.get('b')).toEqual({
      outcome: 'skipped',
      reason: 'never started: the deploy stopped at a',
    });
  });

  it('keeps unplanned services unchanged and changed ones succeeded after a success', () => {
    const results = serviceResults(desired, ['core'], { outcome: 'succeeded', changedServices: ['core'] });
    expect([...results.values()].map((r) => r.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'succeeded',
      'unchanged',
    ]);
  });
});
