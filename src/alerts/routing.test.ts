import { describe, expect, it } from 'vitest';
import type { AlertRule, AlertSettings } from '../config/alert-resolve.js';
import { routeFor } from './routing.js';

// Rules route an event to channels by kind, type, severity and stack; a channel named twice is
// sent to once, reminded at the shortest interval.

const ALL = ['critical', 'error', 'warning', 'info'] as const;
const channel = (name: string) =>
  ({ name, type: 'ntfy', timeoutMs: 1000, url: 'https://n', topic: name }) as const;
const settings = (rules: AlertRule[], names = ['a', 'b', 'c']): AlertSettings => ({
  channels: Object.fromEntries(names.map((n) => [n, channel(n)])),
  rules,
});
const down = { kind: 'health', type: 'probe-down', stack: 'shop' };

describe('routeFor', () => {
  it('matches each filter of a rule, and all of them', () => {
    const s = settings([
      { channels: ['a'], severities: ['critical'] },
      { channels: ['b'], kinds: ['backup'], severities: [...ALL] },
      { channels: ['c'], types: ['probe-down'], stacks: ['blog'], severities: [...ALL] },
    ]);
    expect(routeFor(down, 'critical', s)).toEqual([{ channel: 'a' }]);
    expect(routeFor(down, 'error', s)).toEqual([]);
    expect(routeFor({ kind: 'backup', type: 'failed', stack: 'shop' }, 'error', s)).toEqual([
      { channel: 'b' },
    ]);
    expect(routeFor({ ...down, stack: 'blog' }, 'warning', s)).toEqual([{ channel: 'c' }]);
    // A rule naming stacks never takes an event of no stack.
    expect(routeFor({ kind: 'health', type: 'probe-down' }, 'warning', s)).toEqual([]);
  });

  it('sends once to a channel several rules name, reminding at the shortest interval', () => {
    const s = settings([
      { channels: ['a', 'b'], severities: [...ALL], remindMs: 3_600_000 },
      { channels: ['b', 'a'], severities: ['critical'], remindMs: 600_000 },
      { channels: ['c'], severities: [...ALL] },
      { channels: ['c'], severities: [...ALL], remindMs: 900_000 },
    ]);
    expect(routeFor(down, 'critical', s)).toEqual([
      { channel: 'a', remindEveryMs: 600_000 },
      { channel: 'b', remindEveryMs: 600_000 },
      { channel: 'c', remindEveryMs: 900_000 },
    ]);
    expect(routeFor(down, 'warning', s)).toEqual([
      { channel: 'a', remindEveryMs: 3_600_000 },
      { channel: 'b', remindEveryMs: 3_600_000 },
      { channel: 'c', remindEveryMs: 900_000 },
    ]);
  });

  it('routes nowhere without settings, and skips channels that are not configured', () => {
    expect(routeFor(down, 'critical', undefined)).toEqual([]);
    expect(
      routeFor(down, 'critical', settings([{ channels: ['a', 'gone'], severities: [...ALL] }], ['a'])),
    ).toEqual([{ channel: 'a' }]);
  });
});
