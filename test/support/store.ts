import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock.js';

/** A clock that only moves when told to, so stored timestamps are exact and tests never sleep. */
export interface FakeClock extends Pick<Clock, 'now'> {
  advance(ms: number): void;
}

export function fakeClock(start = '2025-01-01T00:00:00.000Z'): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

/** A fresh temp folder plus a cleanup that removes it (call it from afterEach). */
export function makeTempDir(prefix = 'berth-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The StoreError code `fn` throws, a description of any other throw, or undefined if it returns. */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.name === 'StoreError') return String(error.code);
    return `not a StoreError: ${String(error)}`;
  }
  return undefined;
}
