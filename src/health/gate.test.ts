import { describe, expect, it } from 'vitest';
import { exited, gateVerdict, health, policyFor, startingHc } from '../../test/support/health-fixtures.js';
import type { ContainerInfo } from '../engine/types.js';
import type { GateKind, GateVerdict } from './gate.js';

const pass = (detail: string): GateVerdict => ({ state: 'passed', detail });
const pend = (detail: string): GateVerdict => ({ state: 'pending', detail });
const fail = (
  reason: 'unhealthy' | 'exited' | 'crash-loop' | 'timeout' | 'missing',
  detail: string,
  healthOutput?: string,
): GateVerdict => ({
  state: 'failed',
  reason,
  detail,
  ...(healthOutput ? { healthOutput } : {}),
});
const all = (verdict: GateVerdict) => [verdict, verdict, verdict] as const;

const SIGKILL = 'code 137 (SIGKILL: killed, often for running out of memory)';
const KEEP_RUNNING = fail('exited', 'exited with code 0, but it should keep running');
const RUNNING = pend('running, waiting for it to exit');
const GONE = fail('missing', 'shop-db-1 is gone: it was removed while Berth waited');

type Expected = readonly [healthcheck: GateVerdict, stable: GateVerdict, completes: GateVerdict];

/**
 * Every scenario starts with a first look at T0 (running, health: starting, no restarts), then
 * one more look `at` ms later showing `seen`; the gate policy is 60s timeout, 10s stable window.
 */
const scenarios: readonly [string, number, Partial<ContainerInfo> | 'missing', Expected][] = [
  [
    'becomes healthy',
    5000,
    { health: health('healthy', 'ok', 0) },
    [pass('healthy'), pend('running for 5s of 10s'), RUNNING],
  ],
  [
    'runs for the stable window',
    10_000,
    startingHc,
    [pend('health: starting'), pass('running for 10s without restarting'), RUNNING],
  ],
  [
    'turns unhealthy',
    5000,
    { health: health('unhealthy', 'curl: (7) refused\n', 7, 3) },
    [
      fail('unhealthy', 'unhealthy: last check exited 7', 'curl: (7) refused'),
      pend('running for 5s of 10s'),
      RUNNING,
    ],
  ],
  [
    'has no healthcheck',
    5000,
    {},
    [
      fail(
        'unhealthy',
        'the container has no healthcheck, so it can never become healthy (was it disabled in the image?)',
      ),
      pend('running for 5s of 10s'),
      RUNNING,
    ],
  ],
  ['exits 0', 5000, exited(0), [KEEP_RUNNING, KEEP_RUNNING, pass('exited with code 0')]],
  ['exits 1', 5000, exited(1), all(fail('exited', 'exited with code 1'))],
  ['exits 137', 5000, exited(137), all(fail('exited', `exited with ${SIGKILL}`))],
  ['dies', 5000, { state: 'dead', exitCode: 137 }, all(fail('exited', `dead after exit ${SIGKILL}`))],
  [
    'restarted and running again',
    5000,
    { ...startingHc, restartCount: 1 },
    [
      fail('crash-loop', 'restarted 1 time'),
      fail('crash-loop', 'restarted 1 time'),
      pend('running again after 1 restart'),
    ],
  ],
  [
    'restarting after exit 1',
    5000,
    { state: 'restarting', exitCode: 1, restartCount: 2 },
    all(fail('crash-loop', 'restarted 2 times, last exit code 1')),
  ],
  [
    'restarting after exit 0',
    5000,
    { state: 'restarting', exitCode: 0, restartCount: 1 },
    [
      fail('crash-loop', 'restarted 1 time, last exit code 0'),
      fail('crash-loop', 'restarted 1 time, last exit code 0'),
      pass('exited with code 0 (its restart policy is starting it again)'),
    ],
  ],
  [
    'restarting before the count went up',
    5000,
    { state: 'restarting', exitCode: 1 },
    all(fail('crash-loop', 'restarting after exit code 1')),
  ],
  [
    'exited 1 after restarts',
    5000,
    exited(1, { restartCount: 2 }),
    all(fail('crash-loop', 'restarted 2 times, last exit code 1')),
  ],
  [
    'exited 0 after restarts',
    5000,
    exited(0, { restartCount: 2 }),
    [
      fail('crash-loop', 'restarted 2 times, last exit code 0'),
      fail('crash-loop', 'restarted 2 times, last exit code 0'),
      pass('exited with code 0'),
    ],
  ],
  [
    'is still running after the timeout',
    60_001,
    startingHc,
    [
      fail('timeout', 'not healthy after 1m (health: starting)'),
      pass('running for 1m without restarting'),
      fail('timeout', 'did not complete within 1m (running, waiting for it to exit)'),
    ],
  ],
  [
    'is paused past the timeout',
    60_001,
    { state: 'paused' },
    [
      fail('timeout', 'not healthy after 1m (paused)'),
      fail('timeout', 'not stable after 1m (paused)'),
      fail('timeout', 'did not complete within 1m (paused)'),
    ],
  ],
  ['is paused', 5000, { state: 'paused', ...startingHc }, all(pend('paused'))],
  ['is created again', 5000, { state: 'created', startedAt: null }, all(pend('created, not started yet'))],
  [
    'failed to start',
    5000,
    { state: 'created', startedAt: null, exitCode: 128 },
    all(fail('exited', 'failed to start (exit code 128)')),
  ],
  ['disappears', 5000, 'missing', all(GONE)],
  ['is being removed', 5000, { state: 'removing' }, all(fail('missing', 'shop-db-1 is being removed'))],
  [
    'is replaced by another container',
    5000,
    { id: 'feedface0123456789' },
    all(fail('missing', 'shop-db-1 was replaced by another container (c0ffee012345 → feedface0123)')),
  ],
];

const KINDS: readonly GateKind[] = ['healthcheck', 'stable', 'completes'];

describe('gate: every kind × what the container does', () => {
  const table = scenarios.flatMap(([name, at, seen, expected]) =>
    KINDS.map((kind, i) => [kind, name, at, seen, expected[i]] as const),
  );

  it.each(table)('%s: %s', (kind, _name, at, seen, expected) => {
    expect(
      gateVerdict(policyFor(kind), [
        [0, startingHc],
        [at, seen],
      ]),
    ).toEqual(expected);
  });

  it.each(KINDS)('%s: the first look alone is pending', (kind) => {
    expect(gateVerdict(policyFor(kind), [[0, startingHc]]).state).toBe('pending');
  });
});
