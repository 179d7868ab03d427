import { describe, expect, it } from 'vitest';
import { holds } from './access.js';
import { countsText, lastOutcome, stackRows } from './overview.js';
import { combine, containerStatus, stackStatus } from './status.js';

const c = (service: string, state: string, health?: string) => ({
  stack: 's',
  service,
  state,
  ...(health ? { health } : {}),
  replica: 1,
  name: `s-${service}`,
  id: service,
  status: '',
  ports: [],
  image: 'i',
});

describe('status', () => {
  it('reads a container', () => {
    expect(containerStatus(c('a', 'running'))).toBe('healthy');
    expect(containerStatus(c('a', 'running', 'healthy'))).toBe('healthy');
    expect(containerStatus(c('a', 'running', 'unhealthy'))).toBe('unhealthy');
    expect(containerStatus(c('a', 'running', 'starting'))).toBe('partial');
    expect(containerStatus(c('a', 'restarting'))).toBe('unhealthy');
    expect(containerStatus(c('a', 'exited'))).toBe('stopped');
  });

  it('combines: one unhealthy wins, a mix is partial, nothing is stopped', () => {
    expect(combine([])).toBe('stopped');
    expect(combine(['healthy', 'unhealthy', 'stopped'])).toBe('unhealthy');
    expect(combine(['healthy', 'stopped'])).toBe('partial');
    expect(combine(['stopped', 'stopped'])).toBe('stopped');
  });

  it('counts a declared service without a container as stopped', () => {
    expect(stackStatus({ valid: true, services: 2 }, [c('a', 'running')])).toBe('partial');
    expect(stackStatus({ valid: true, services: 1 }, [c('a', 'running')])).toBe('healthy');
    expect(stackStatus({ valid: true, services: 2 }, [])).toBe('stopped');
    expect(stackStatus({ valid: false, services: 2 }, [c('a', 'running')])).toBe('unknown');
  });

  it('makes the stacks page rows with service counts and the last deployment', () => {
    const stack = { name: 's', group: 'g', owner: null, description: null, valid: true, services: 3 };
    const deployed = {
      ...stack,
      lastDeployment: {
        status: 'rolled-back',
        startedAt: '2025-01-01T00:00:00Z',
        finishedAt: '2025-01-01T00:01:00Z',
      },
    };
    const rows = stackRows(
      [deployed, { ...stack, name: 't', lastDeployment: null }, { ...stack, name: 'u' }],
      [c('a', 'running'), c('a', 'running'), c('b', 'running', 'unhealthy')],
    );
    expect(rows[0]).toMatchObject({
      status: 'unhealthy',
      counts: { healthy: 1, unhealthy: 1, stopped: 1 },
      last: { status: 'rolled-back', at: '2025-01-01T00:01:00Z' },
    });
    expect(rows[1]).toMatchObject({ status: 'stopped', counts: { stopped: 3 }, last: undefined });
    expect(rows[2]).toMatchObject({ name: 'u', last: undefined });
    expect(countsText(rows[0]?.counts ?? {})).toBe('1 healthy, 1 unhealthy, 1 stopped');
    expect(countsText({})).toBe('—');
    // The engine did not answer: every stack's status is unknown, the deployments still shown.
    const blind = stackRows([deployed], undefined);
    expect(blind[0]).toMatchObject({
      name: 's',
      status: 'unknown',
      counts: {},
      last: { status: 'rolled-back', at: '2025-01-01T00:01:00Z' },
    });
  });

  it('shows when the latest deployment ended, or when it started while it runs', () => {
    const startedAt = '2025-01-01T00:00:00Z';
    expect(lastOutcome({ status: 'running', startedAt })).toEqual({ status: 'running', at: startedAt });
    expect(lastOutcome({ status: 'failed', startedAt, finishedAt: '2025-01-01T00:02:00Z' })).toEqual({
      status: 'failed',
      at: '2025-01-01T00:02:00Z',
    });
    expect(lastOutcome(null)).toBeUndefined();
    expect(lastOutcome(undefined)).toBeUndefined();
  });
});

describe('holds', () => {
  it('ranks roles, scopes grants to stacks and caps tokens by their scope', () => {
    const alphaOperator = { grants: [{ role: 'operator' as const, stack: 'alpha' }] };
    expect(holds(alphaOperator, 'viewer', 'alpha')).toBe(true);
    expect(holds(alphaOperator, 'operator', 'alpha')).toBe(true);
    expect(holds(alphaOperator, 'admin', 'alpha')).toBe(false);
    expect(holds(alphaOperator, 'operator', 'beta')).toBe(false);
    expect(holds(alphaOperator, 'viewer')).toBe(false);
    const admin = { grants: [{ role: 'admin' as const }] };
    expect(holds(admin, 'admin')).toBe(true);
    expect(holds({ ...admin, tokenScope: { role: 'viewer' as const } }, 'operator', 'alpha')).toBe(false);
    expect(
      holds({ ...admin, tokenScope: { role: 'admin' as const, stacks: ['beta'] } }, 'admin', 'alpha'),
    ).toBe(false);
  });
});
