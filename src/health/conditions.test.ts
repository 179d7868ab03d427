import { describe, expect, it } from 'vitest';
import { containerInfo, healthOf } from '../../test/support/health-fixtures.js';
import type { ContainerInfo, HealthStatus } from '../engine/types.js';
import { type ConditionResult, conditionHolds, type DependsCondition } from './conditions.js';

function replica(n: number, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return containerInfo({ id: `id${n}`, name: `shop-db-${n}`, ...over });
}

const withHealth = (status: HealthStatus, output = '') => ({
  health: healthOf(status, output === '' ? [] : [output]),
});

const HOLDS: ConditionResult = { holds: true };
const notYet = (why: string): ConditionResult => ({ holds: false, final: false, why });
const never = (why: string): ConditionResult => ({ holds: false, final: true, why });

const NO_HC = 'db has no healthcheck; use condition service_started or add a healthcheck';

// One replica in each state, and what each condition says about it.
const states: readonly [string, Partial<ContainerInfo>, ConditionResult, ConditionResult, ConditionResult][] =
  [
    //  name, replica,                      service_started, service_healthy, service_completed_successfully
    ['running, no healthcheck', {}, HOLDS, never(NO_HC), notYet('shop-db-1 is still running')],
    [
      'running, starting',
      withHealth('starting'),
      HOLDS,
      notYet('shop-db-1 is not healthy yet (health: starting)'),
      notYet('shop-db-1 is still running'),
    ],
    ['running, healthy', withHealth('healthy'), HOLDS, HOLDS, notYet('shop-db-1 is still running')],
    [
      'running, unhealthy',
      withHealth('unhealthy', 'FATAL:  role "app"\ndoes not exist\n'),
      HOLDS,
      never('shop-db-1 is unhealthy: its health check exited 1'),
      notYet('shop-db-1 is still running'),
    ],
    [
      'unhealthy without output',
      withHealth('unhealthy'),
      HOLDS,
      never('shop-db-1 is unhealthy'),
      notYet('shop-db-1 is still running'),
    ],
    ['exited 0', { state: 'exited', exitCode: 0 }, HOLDS, never('shop-db-1 exited with code 0'), HOLDS],
    [
      'exited 1',
      { state: 'exited', exitCode: 1 },
      never('shop-db-1 exited with code 1'),
      never('shop-db-1 exited with code 1'),
      never('shop-db-1 exited with code 1 (it must exit with 0)'),
    ],
    [
      'exited 137',
      { state: 'exited', exitCode: 137 },
      never('shop-db-1 exited with code 137 (SIGKILL: killed, often for running out of memory)'),
      never('shop-db-1 exited with code 137 (SIGKILL: killed, often for running out of memory)'),
      never(
        'shop-db-1 exited with code 137 (SIGKILL: killed, often for running out of memory) (it must exit with 0)',
      ),
    ],
    [
      'restarting after 1',
      { state: 'restarting', exitCode: 1, restartCount: 2 },
      notYet('shop-db-1 is restarting after exit code 1'),
      notYet('shop-db-1 is restarting after exit code 1'),
      notYet('shop-db-1 is restarting after exit code 1'),
    ],
    [
      'restarting after 0',
      { state: 'restarting', exitCode: 0, restartCount: 2 },
      notYet('shop-db-1 is restarting after exit code 0'),
      notYet('shop-db-1 is restarting after exit code 0'),
      HOLDS,
    ],
    [
      'paused, healthy',
      { state: 'paused', ...withHealth('healthy') },
      notYet('shop-db-1 is paused'),
      notYet('shop-db-1 is paused'),
      notYet('shop-db-1 is still paused'),
    ],
    [
      'created',
      { state: 'created', startedAt: null },
      notYet('shop-db-1 is not started yet'),
      notYet('shop-db-1 is not started yet'),
      notYet('shop-db-1 is not started yet'),
    ],
    [
      'created after a failed start',
      { state: 'created', startedAt: null, exitCode: 128 },
      never('shop-db-1 failed to start (exit code 128)'),
      never('shop-db-1 failed to start (exit code 128)'),
      never('shop-db-1 failed to start (exit code 128)'),
    ],
    [
      'removing',
      { state: 'removing' },
      notYet('shop-db-1 is being removed'),
      notYet('shop-db-1 is being removed'),
      notYet('shop-db-1 is being removed'),
    ],
    [
      'dead',
      { state: 'dead', exitCode: 0 },
      never('shop-db-1 is dead'),
      never('shop-db-1 is dead'),
      never('shop-db-1 is dead'),
    ],
  ];

const CONDITIONS: readonly DependsCondition[] = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
];

describe('conditionHolds: one replica', () => {
  const table = states.flatMap(([name, over, ...expected]) =>
    CONDITIONS.map((condition, i) => [condition, name, over, expected[i]] as const),
  );
  it.each(table)('%s, %s', (condition, _name, over, expected) => {
    expect(conditionHolds(condition, [replica(1, over)])).toEqual(expected);
  });
});

describe('conditionHolds: replicas', () => {
  it.each(CONDITIONS)('%s does not hold, and is not final, with no container yet', (condition) => {
    expect(conditionHolds(condition, [])).toEqual(notYet('no container yet'));
  });

  it('holds only when every replica satisfies it', () => {
    const healthy = withHealth('healthy');
    expect(conditionHolds('service_healthy', [replica(1, healthy), replica(2, healthy)])).toEqual(HOLDS);
    expect(
      conditionHolds('service_healthy', [replica(1, healthy), replica(2, withHealth('starting'))]),
    ).toEqual(notYet('shop-db-2 is not healthy yet (health: starting)'));
  });

  it('reports a final failure over a temporary one, whatever the order', () => {
    const waiting = replica(1, { state: 'running' });
    const failed = replica(2, { state: 'exited', exitCode: 2 });
    const expected = never('shop-db-2 exited with code 2 (it must exit with 0)');
    expect(conditionHolds('service_completed_successfully', [waiting, failed])).toEqual(expected);
    expect(conditionHolds('service_completed_successfully', [failed, waiting])).toEqual(expected);
  });

  it('reports the first pending replica', () => {
    const result = conditionHolds('service_started', [
      replica(1),
      replica(2, { state: 'created', startedAt: null }),
      replica(3, { state: 'restarting', exitCode: 1 }),
    ]);
    expect(result).toEqual(notYet('shop-db-2 is not started yet'));
  });

  it('names the service from the compose label, or the container, when there is no healthcheck', () => {
    const compose = replica(1, { labels: { 'com.docker.compose.service': 'cache' } });
    expect(conditionHolds('service_healthy', [compose])).toEqual(
      never('cache has no healthcheck; use condition service_started or add a healthcheck'),
    );
    expect(conditionHolds('service_healthy', [replica(1, { labels: {} })])).toEqual(
      never('shop-db-1 has no healthcheck; use condition service_started or add a healthcheck'),
    );
  });

  it('does not count an exited replica that never started as started', () => {
    expect(
      conditionHolds('service_started', [replica(1, { state: 'exited', exitCode: 0, startedAt: null })]),
    ).toEqual(never('shop-db-1 exited with code 0'));
  });

  it('never quotes what the check printed (it may hold secrets): its exit code only', () => {
    const result = conditionHolds('service_healthy', [
      replica(1, withHealth('unhealthy', 'password=hunter2-derived-secret')),
    ]);
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.final).toBe(true);
    expect(result.why).toBe('shop-db-1 is unhealthy: its health check exited 1');
  });
});
