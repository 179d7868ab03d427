import { describe, expect, it } from 'vitest';
import { healthEvent } from '../../test/support/alerts/fixtures.js';
import type { AlertRecord } from '../store/index.js';
import { classify } from './classify.js';
import { type DecideInput, decide, dueReminders, nextReminderAt, testMessage } from './lifecycle.js';

// An alert's life on an injected clock: open (once), reminders every N minutes while open, resolve
// to the channels the open went to, notices once.

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const CONFIGURED = new Set(['pager', 'mail']);

function input(type: Parameters<typeof healthEvent>[0], overrides: Partial<DecideInput> = {}): DecideInput {
  const event = healthEvent(type);
  const signal = classify(event);
  if (!signal) throw new Error('not an alert');
  return {
    event,
    signal,
    routes: [{ channel: 'pager', remindEveryMs: 30 * 60_000 }, { channel: 'mail' }],
    open: undefined,
    configured: CONFIGURED,
    now: at(0),
    ...overrides,
  };
}

/** The record the store would hold after an `insert` decision. */
function stored(d: ReturnType<typeof decide>, id = 1): AlertRecord {
  if (d.action !== 'insert') throw new Error(`expected an insert, got ${d.action}`);
  return { ...d.alert, id };
}

describe('decide', () => {
  it('opens an alert with a message to each routed channel and the first reminder due', () => {
    const d = decide(input('probe-down'));
    expect(d).toMatchObject({
      action: 'insert',
      alert: {
        key: 'probe:shop/web/home',
        state: 'open',
        severity: 'critical',
        kind: 'health',
        type: 'probe-down',
        stack: 'shop',
        service: 'web',
        openedAt: at(0).toISOString(),
        routes: [
          { channel: 'pager', remindEveryMs: 1_800_000, nextRemindAt: at(30).getTime() },
          { channel: 'mail' },
        ],
      },
    });
    if (d.action !== 'insert') return;
    expect(d.deliveries.map((x) => [x.channel, x.kind, x.nextAt])).toEqual([
      ['pager', 'open', T0],
      ['mail', 'open', T0],
    ]);
    expect(d.deliveries[0]?.payload).toMatchObject({
      kind: 'open',
      summary: 'probe home: probe-down',
      at: at(0).toISOString(),
    });
  });

  it('does not send an open again while the alert is open', () => {
    const open = stored(decide(input('probe-down')));
    expect(decide(input('probe-down', { open, now: at(5) }))).toEqual({
      action: 'skip',
      reason: 'already-open',
    });
  });

  it('resolves to the channels the open went to that are still configured, however rules changed', () => {
    const open = stored(decide(input('probe-down')));
    const d = decide(input('probe-up', { open, routes: [], configured: new Set(['mail']), now: at(42) }));
    expect(d).toMatchObject({ action: 'resolve', id: 1, at: at(42).toISOString() });
    if (d.action !== 'resolve') return;
    expect(d.deliveries.map((x) => [x.channel, x.kind])).toEqual([['mail', 'resolve']]);
    expect(d.deliveries[0]?.payload).toMatchObject({
      kind: 'resolve',
      severity: 'critical',
      summary: 'probe home is up again',
      openSummary: 'probe home: probe-down',
      openedAt: at(0).toISOString(),
      resolvedAt: at(42).toISOString(),
    });
    // A resolve of nothing open (a first UP, or an open from before alerts existed) is not sent.
    expect(decide(input('probe-up'))).toEqual({ action: 'skip', reason: 'not-open' });
  });

  it('sends a notice once per event, with no reminders, and records alerts nobody routed', () => {
    const d = decide(input('oom-killed'));
    expect(d).toMatchObject({
      action: 'insert',
      alert: { state: 'notice', severity: 'error', routes: [{ channel: 'pager' }, { channel: 'mail' }] },
    });
    if (d.action === 'insert') expect(d.deliveries.map((x) => x.kind)).toEqual(['notice', 'notice']);
    const unrouted = decide(input('probe-down', { routes: [] }));
    expect(unrouted).toMatchObject({
      action: 'insert',
      alert: { state: 'open', routes: [] },
      deliveries: [],
    });
  });
});

describe('reminders', () => {
  const open = stored(decide(input('probe-down')));

  it('are due every N minutes while open, one at a time after a gap', () => {
    expect(dueReminders(open, at(29).getTime(), CONFIGURED)).toBeUndefined();
    const first = dueReminders(open, at(30).getTime(), CONFIGURED);
    expect(first?.deliveries.map((x) => [x.channel, x.kind])).toEqual([['pager', 'reminder']]);
    expect(first?.deliveries[0]?.payload).toMatchObject({
      kind: 'reminder',
      summary: 'probe home: probe-down',
      openedAt: at(0).toISOString(),
      at: at(30).toISOString(),
    });
    expect(first?.routes).toEqual([
      { channel: 'pager', remindEveryMs: 1_800_000, nextRemindAt: at(60).getTime() },
      { channel: 'mail' },
    ]);
    const moved = { ...open, routes: first?.routes ?? [] };
    expect(dueReminders(moved, at(59).getTime(), CONFIGURED)).toBeUndefined();
    // Berth was down for three hours: one reminder now, the next in 30 minutes, not six at once.
    const late = dueReminders(moved, at(240).getTime(), CONFIGURED);
    expect(late?.deliveries).toHaveLength(1);
    expect(late?.routes[0]?.nextRemindAt).toBe(at(270).getTime());
  });

  it('skip channels no longer configured, and say when the next is due', () => {
    expect(dueReminders(open, at(30).getTime(), new Set(['mail']))).toBeUndefined();
    expect(nextReminderAt([open], CONFIGURED)).toBe(at(30).getTime());
    expect(nextReminderAt([open], new Set(['mail']))).toBeUndefined();
    expect(nextReminderAt([], CONFIGURED)).toBeUndefined();
  });
});

describe('testMessage', () => {
  it('is an info message of kind test, keyed by channel', () => {
    expect(testMessage('pager', at(0))).toMatchObject({ kind: 'test', key: 'test:pager', severity: 'info' });
  });
});
