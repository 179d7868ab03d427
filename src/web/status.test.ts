import { describe, expect, it } from 'vitest';
import { holds } from './access.js';
import { countsText, lastOutcome, stackRows } from './overview.js';
import { combine, containerStatus, STATUS_LABEL, STATUSES, type Status, stackStatus } from './status.js';

const c = (
  service: string,
  state: string,
  health?: string,
  extra: { readonly exitCode?: number; readonly oneShot?: boolean } = {},
) => ({
  ...extra,
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
  it('reads a container: healthy only with a passing health check, running without one', () => {
    expect(containerStatus(c('a', 'running'))).toBe('running');
    expect(containerStatus(c('a', 'running', 'healthy'))).toBe('healthy');
    expect(containerStatus(c('a', 'running', 'unhealthy'))).toBe('unhealthy');
    expect(containerStatus(c('a', 'running', 'starting'))).toBe('partial');
    expect(containerStatus(c('a', 'restarting'))).toBe('unhealthy');
    expect(containerStatus(c('a', 'dead'))).toBe('unhealthy');
    expect(containerStatus(c('a', 'exited'))).toBe('stopped');
    expect(containerStatus(c('a', 'created'))).toBe('stopped');
    expect(containerStatus(c('a', 'paused'))).toBe('stopped');
  });

  // Every state × health × one-shot × exit code that matters, against the rule written out.
  const states = ['running', 'exited', 'restarting', 'dead', 'created', 'paused'] as const;
  const healths = [undefined, 'healthy', 'unhealthy', 'starting'] as const;
  const shots = [undefined, false, true] as const;
  const exits = [undefined, 0, 1, 137] as const;
  const expected = (
    state: string,
    health: string | undefined,
    oneShot: boolean | undefined,
    exitCode: number | undefined,
  ): Status => {
    if (state === 'restarting' || state === 'dead') return 'unhealthy';
    if (state === 'exited')
      return oneShot === true ? (exitCode === 0 ? 'completed' : 'unhealthy') : 'stopped';
    if (state !== 'running') return 'stopped';
    return health === undefined
      ? 'running'
      : ({ healthy: 'healthy', unhealthy: 'unhealthy', starting: 'partial' } as const)[health as 'healthy'];
  };
  for (const state of states)
    for (const health of healths)
      for (const oneShot of shots)
        for (const exitCode of exits)
          it(`reads ${state}, health ${health ?? 'none'}, one-shot ${oneShot ?? '?'}, exit ${exitCode ?? '-'}`, () => {
            const extra = {
              ...(oneShot === undefined ? {} : { oneShot }),
              ...(exitCode === undefined ? {} : { exitCode }),
            };
            expect(containerStatus(c('a', state, health, extra))).toBe(
              expected(state, health, oneShot, exitCode),
            );
          });

  it('shows a one-shot that exited 0 as completed, one that failed as unhealthy, a service that exited 0 as stopped', () => {
    expect(containerStatus(c('migrate', 'exited', undefined, { exitCode: 0, oneShot: true }))).toBe(
      'completed',
    );
    expect(containerStatus(c('migrate', 'exited', undefined, { exitCode: 1, oneShot: true }))).toBe(
      'unhealthy',
    );
    expect(containerStatus(c('web', 'exited', undefined, { exitCode: 0, oneShot: false }))).toBe('stopped');
    // Not known to be a one-shot (the files did not load): stopped, as before.
    expect(containerStatus(c('migrate', 'exited', undefined, { exitCode: 0 }))).toBe('stopped');
    // A one-shot still at work is running.
    expect(containerStatus(c('migrate', 'running', undefined, { oneShot: true }))).toBe('running');
  });

  it('labels every status with an icon and words, never colour alone', () => {
    for (const s of STATUSES) {
      expect(STATUS_LABEL[s].icon).not.toBe('');
      expect(STATUS_LABEL[s].text).not.toBe('');
    }
    expect(new Set(STATUSES.map((s) => STATUS_LABEL[s].icon)).size).toBe(STATUSES.length);
    expect(STATUS_LABEL.running).toEqual({ icon: '▶', text: 'running' });
    expect(STATUS_LABEL.completed).toEqual({ icon: '☑', text: 'completed' });
  });

  it('combines: one unhealthy wins, a mix is partial, nothing is stopped', () => {
    expect(combine([])).toBe('stopped');
    expect(combine(['healthy', 'unhealthy', 'stopped'])).toBe('unhealthy');
    expect(combine(['healthy', 'stopped'])).toBe('partial');
    expect(combine(['stopped', 'stopped'])).toBe('stopped');
    expect(combine(['unknown', 'unknown'])).toBe('unknown');
    expect(combine(['healthy', 'partial'])).toBe('partial');
  });

  it('combines: a completed one-shot is done and counts for nothing beside the others', () => {
    expect(combine(['healthy', 'completed'])).toBe('healthy');
    expect(combine(['completed'])).toBe('completed');
    expect(combine(['completed', 'completed'])).toBe('completed');
    expect(combine(['running', 'completed'])).toBe('running');
    expect(combine(['stopped', 'completed'])).toBe('stopped');
    expect(combine(['healthy', 'stopped', 'completed'])).toBe('partial');
    expect(combine(['unhealthy', 'completed'])).toBe('unhealthy');
  });

  it('combines: up without a health check is running, beside healthy too (not partly running)', () => {
    expect(combine(['running'])).toBe('running');
    expect(combine(['healthy', 'running'])).toBe('running');
    expect(combine(['healthy', 'running', 'completed'])).toBe('running');
    expect(combine(['running', 'stopped'])).toBe('partial');
    expect(combine(['running', 'partial'])).toBe('partial');
    expect(combine(['running', 'unhealthy'])).toBe('unhealthy');
  });

  it('counts a declared service without a container as stopped', () => {
    expect(stackStatus({ valid: true, services: 2 }, [c('a', 'running', 'healthy')])).toBe('partial');
    expect(stackStatus({ valid: true, services: 1 }, [c('a', 'running', 'healthy')])).toBe('healthy');
    expect(stackStatus({ valid: true, services: 1 }, [c('a', 'running')])).toBe('running');
    expect(stackStatus({ valid: true, services: 2 }, [])).toBe('stopped');
    expect(stackStatus({ valid: false, services: 2 }, [c('a', 'running')])).toBe('unknown');
  });

  it('reads the operator’s stack as up: 19 healthy, a completed migrate, 5 without a health check', () => {
    const healthy = Array.from({ length: 19 }, (_, i) => c(`svc${i}`, 'running', 'healthy'));
    const migrate = c('migrate', 'exited', undefined, { exitCode: 0, oneShot: true });
    const plain = ['exporter', 'mailer', 'queue', 'worker1', 'worker2'].map((s) => c(s, 'running'));
    expect(stackStatus({ valid: true, services: 20 }, [...healthy, migrate])).toBe('healthy');
    expect(stackStatus({ valid: true, services: 25 }, [...healthy, migrate, ...plain])).toBe('running');
    const stack = { name: 's', group: null, owner: null, description: null, valid: true, services: 25 };
    const [row] = stackRows([stack], [...healthy, migrate, ...plain]);
    expect(row).toMatchObject({ status: 'running', counts: { healthy: 19, completed: 1, running: 5 } });
    expect(countsText(row?.counts ?? {})).toBe('19 healthy, 5 running (no health check), 1 completed');
    // The migration failed: the stack is not up.
    const failed = c('migrate', 'exited', undefined, { exitCode: 1, oneShot: true });
    expect(stackStatus({ valid: true, services: 20 }, [...healthy, failed])).toBe('unhealthy');
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
      [c('a', 'running', 'healthy'), c('a', 'running', 'healthy'), c('b', 'running', 'unhealthy')],
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
