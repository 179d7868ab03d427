import { describe, expect, it } from 'vitest';
import { type Notice, noticeBoard } from './notices.js';

const PROBLEM: Notice = { kind: 'problem', status: 409, message: 'busy', hint: 'wait' };
const TOKEN: Notice = {
  kind: 'token',
  created: { id: 't1', token: 'berth_secret', name: 'ci', expiresAt: '2027-01-01T00:00:00.000Z' },
};

function board(options: { ttlMs?: number; max?: number } = {}) {
  let now = 1_000_000;
  const b = noticeBoard({ now: () => now, ...options });
  return { b, advance: (ms: number) => (now += ms) };
}

describe('the notice board', () => {
  it('gives a notice to the session that left it, and to no other', () => {
    const { b } = board();
    const id = b.put('session-a', PROBLEM);
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(b.take('session-b', id)).toBeUndefined();
    expect(b.take('', id)).toBeUndefined();
    expect(b.take('session-a', 'not-an-id')).toBeUndefined();
    expect(b.take('session-a', id)).toEqual(PROBLEM);
  });

  it('shows a refusal again on a reload, a token’s value only once', () => {
    const { b } = board();
    const problem = b.put('s', PROBLEM);
    const token = b.put('s', TOKEN);
    expect(b.take('s', problem)).toEqual(PROBLEM);
    expect(b.take('s', problem)).toEqual(PROBLEM);
    expect(b.take('s', token)).toEqual(TOKEN);
    expect(b.take('s', token)).toBeUndefined();
  });

  it('forgets a notice once it is older than its time to live', () => {
    const { b, advance } = board({ ttlMs: 1000 });
    const id = b.put('s', PROBLEM);
    advance(999);
    expect(b.take('s', id)).toEqual(PROBLEM);
    advance(1);
    expect(b.take('s', id)).toBeUndefined();
  });

  it('keeps at most `max` notices, dropping the oldest first', () => {
    const { b, advance } = board({ max: 3 });
    const ids = [1, 2, 3, 4].map(() => {
      advance(1);
      return b.put('s', PROBLEM);
    });
    expect(ids.map((id) => b.take('s', id) !== undefined)).toEqual([false, true, true, true]);
    expect(new Set(ids).size).toBe(4);
  });
});
