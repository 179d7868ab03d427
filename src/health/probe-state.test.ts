import { describe, expect, it } from 'vitest';
import {
  INITIAL_PROBE_STATE,
  type ProbeEvent,
  type ProbeState,
  type ProbeThresholds,
  stepProbe,
} from './probe-state.js';

const T0 = Date.parse('2026-06-10T10:00:00Z');

/** Feeds results 10 s apart ('+' ok, '-' failed); returns the events with their index, and the state. */
function run(results: string, thresholds: ProbeThresholds, from: ProbeState = INITIAL_PROBE_STATE) {
  let state = from;
  const events: Array<[number, ProbeEvent['type']]> = [];
  [...results].forEach((r, i) => {
    const step = stepProbe(state, { ok: r === '+', at: new Date(T0 + i * 10_000) }, thresholds);
    state = step.state;
    if (step.event) events.push([i, step.event.type]);
  });
  return { events, state };
}

const T = { failureThreshold: 3, successThreshold: 2 };

describe('probe state', () => {
  it('goes DOWN after the failure threshold and UP after the success threshold, once each', () => {
    const { events, state } = run('++--+---+-++++', T);
    expect(events).toEqual([
      [7, 'down'],
      [11, 'up'],
    ]);
    expect(state).toMatchObject({
      status: 'up',
      successes: 4,
      failures: 0,
      since: new Date(T0 + 110_000).toISOString(),
    });
  });

  it('says nothing when the first verdict is UP, and DOWN when it is DOWN', () => {
    expect(run('++', T)).toMatchObject({ events: [], state: { status: 'up' } });
    expect(run('---', T).events).toEqual([[2, 'down']]);
    expect(run('-', T).state).toMatchObject({ status: 'unknown', failures: 1 });
  });

  it('thresholds of 1 react to every change', () => {
    expect(run('+-+-', { failureThreshold: 1, successThreshold: 1 }).events).toEqual([
      [1, 'down'],
      [2, 'up'],
      [3, 'down'],
    ]);
  });

  it('holds back flapping, then reports where it settled', () => {
    const t = { failureThreshold: 1, successThreshold: 1, flap: { changes: 3, windowMs: 60_000 } };
    // Changes at results 1, 2, 3 (within a minute): the third is flapping; no UP/DOWN after it.
    const flapping = run('+-+-+-', t);
    expect(flapping.events).toEqual([
      [1, 'down'],
      [2, 'up'],
      [3, 'flapping'],
    ]);
    expect(flapping.state.flapping).toBe(true);
    // No change for a whole window (DOWN throughout): settled, in DOWN; then normal events again.
    const settled = run(`+-+-+-${'-'.repeat(8)}+`, t);
    expect(settled.events).toEqual([
      [1, 'down'],
      [2, 'up'],
      [3, 'flapping'],
      [11, 'settled'],
      [14, 'up'],
    ]);
    const at11 = run(`+-+-+-${'-'.repeat(6)}`, t);
    expect(at11.state).toMatchObject({ status: 'down', flapping: false });
  });

  it('forgets changes older than the flapping window', () => {
    const t = { failureThreshold: 1, successThreshold: 1, flap: { changes: 3, windowMs: 25_000 } };
    // Changes at 10 s, 40 s and 60 s: never three within 25 s.
    expect(run('+---++---', t).events.map(([, e]) => e)).toEqual(['down', 'up', 'down']);
  });
});
