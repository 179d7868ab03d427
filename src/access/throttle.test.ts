import { describe, expect, it } from 'vitest';
import { afterFailure, DEFAULT_THROTTLE, ipKey, lockRemainingMs, withoutFailure } from './throttle.js';

const policy = DEFAULT_THROTTLE.account;
const MINUTE = 60_000;

describe('afterFailure', () => {
  it('counts without locking below the threshold, then locks with doubling up to the maximum', () => {
    let state = afterFailure(undefined, 0, policy);
    for (let i = 2; i < 5; i++) state = afterFailure(state, i, policy);
    expect(state).toEqual({ failures: 4, lastFailureAt: 4 });
    const locks: number[] = [];
    let now = 5;
    for (let i = 0; i < 9; i++) {
      state = afterFailure(state, now, policy);
      locks.push(lockRemainingMs(state, now) / MINUTE);
      now = state.lockedUntil ?? now;
    }
    expect(locks).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('starts over after a quiet window, measured from the end of the lock', () => {
    let state = afterFailure(undefined, 0, policy);
    for (let i = 0; i < 4; i++) state = afterFailure(state, 0, policy);
    expect(state.lockedUntil).toBe(MINUTE);
    // 15 minutes after the last failure, but less after the lock ended: still counted.
    expect(afterFailure(state, 15 * MINUTE, policy).failures).toBe(6);
    expect(afterFailure(state, 16 * MINUTE, policy)).toEqual({ failures: 1, lastFailureAt: 16 * MINUTE });
  });

  it('stops counting at a bound, the lock staying at its maximum', () => {
    let state = afterFailure(undefined, 0, policy);
    for (let i = 0; i < 200; i++) state = afterFailure(state, 0, policy);
    expect(state.failures).toBe(64);
    expect(lockRemainingMs(state, 0)).toBe(60 * MINUTE);
  });
});

describe('withoutFailure', () => {
  it('takes back one failure and the lock it set', () => {
    const before = { failures: 4, lastFailureAt: 0 };
    const counted = afterFailure(before, 10, policy);
    expect(counted.lockedUntil).toBe(10 + MINUTE);
    expect(withoutFailure(counted, counted)).toEqual({ failures: 4, lastFailureAt: 10 });
  });

  it('keeps a lock that a later failure set', () => {
    const counted = afterFailure({ failures: 4, lastFailureAt: 0 }, 10, policy);
    const later = afterFailure(counted, 20, policy);
    expect(withoutFailure(later, counted)).toEqual({
      failures: 5,
      lastFailureAt: 20,
      lockedUntil: 20 + 2 * MINUTE,
    });
  });
});

describe('lockRemainingMs', () => {
  it('is zero without a lock or after it', () => {
    expect(lockRemainingMs(undefined, 0)).toBe(0);
    expect(lockRemainingMs({ failures: 1, lastFailureAt: 0 }, 0)).toBe(0);
    expect(lockRemainingMs({ failures: 5, lastFailureAt: 0, lockedUntil: 100 }, 100)).toBe(0);
    expect(lockRemainingMs({ failures: 5, lastFailureAt: 0, lockedUntil: 100 }, 40)).toBe(60);
  });
});

describe('ipKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['', 'unknown'],
    ['not an address', 'unknown'],
    ['2001:db8::1::2', 'unknown'],
  ])('%j → %j', (ip, key) => {
    expect(ipKey(ip)).toBe(key);
  });
});
