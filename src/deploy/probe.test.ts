import { describe, expect, it } from 'vitest';
import {
  checkCommand,
  DOCKER_CHECK_TIMEOUT_MS,
  FAST_PROBE_MIN_GAP_MS,
  FAST_PROBE_PHASE_MS,
  nextProbeDelay,
  PROBE_DELAY_CAP_MS,
  probeTimes,
  timeoutOutput,
} from './probe.js';

describe('checkCommand', () => {
  it('runs CMD arguments as they are', () => {
    expect(checkCommand({ test: ['CMD', 'wget', '-q', 'http://x/'], timeoutMs: 2000 })).toEqual({
      argv: ['wget', '-q', 'http://x/'],
      timeoutMs: 2000,
    });
  });

  it('runs CMD-SHELL under /bin/sh -c, or the image SHELL', () => {
    expect(checkCommand({ test: ['CMD-SHELL', 'a && b'] })).toEqual({
      argv: ['/bin/sh', '-c', 'a && b'],
      timeoutMs: DOCKER_CHECK_TIMEOUT_MS,
    });
    expect(checkCommand({ test: ['CMD-SHELL', 'a && b'], timeoutMs: 1000 }, ['/bin/bash', '-ec'])).toEqual({
      argv: ['/bin/bash', '-ec', 'a && b'],
      timeoutMs: 1000,
    });
    expect(checkCommand({ test: ['CMD-SHELL', 'a'] }, [])?.argv).toEqual(['/bin/sh', '-c', 'a']);
  });

  it('has nothing to run for NONE, an empty test, an unknown kind or no check', () => {
    expect(checkCommand({ test: ['NONE'] })).toBeUndefined();
    expect(checkCommand({ test: [] })).toBeUndefined();
    expect(checkCommand({ test: ['CMD'] })).toBeUndefined();
    expect(checkCommand({ test: ['CMD', ''] })).toBeUndefined();
    expect(checkCommand({ test: ['CMD-SHELL', '  '] })).toBeUndefined();
    expect(checkCommand({ test: ['true'] })).toBeUndefined();
    expect(checkCommand(undefined)).toBeUndefined();
  });

  it('uses Docker’s 30s timeout when none (or zero) is set', () => {
    expect(checkCommand({ test: ['CMD', 'true'], timeoutMs: 0 })?.timeoutMs).toBe(30_000);
  });
});

describe('nextProbeDelay', () => {
  it('runs a fifth of the interval apart for the first second (50 ms at the default 250 ms)', () => {
    expect(nextProbeDelay(250, 0)).toBe(50);
    expect(nextProbeDelay(250, FAST_PROBE_PHASE_MS - 1)).toBe(50);
    expect(nextProbeDelay(1000, 0)).toBe(200);
    expect(nextProbeDelay(100, -5)).toBe(50);
  });

  it('never goes below 50 ms nor above the interval in that first second', () => {
    expect(nextProbeDelay(60, 0)).toBe(FAST_PROBE_MIN_GAP_MS);
    expect(nextProbeDelay(50, 0)).toBe(50);
    expect(nextProbeDelay(10_000, 0)).toBe(2000);
  });

  it('keeps the interval after the first second while a tenth of the wait is shorter', () => {
    expect(nextProbeDelay(250, FAST_PROBE_PHASE_MS)).toBe(250);
    expect(nextProbeDelay(250, 2500)).toBe(250);
  });

  it('grows with a tenth of the wait, capped at five seconds', () => {
    expect(nextProbeDelay(250, 4000)).toBe(400);
    expect(nextProbeDelay(250, 30_000)).toBe(3000);
    expect(nextProbeDelay(250, 600_000)).toBe(PROBE_DELAY_CAP_MS);
  });

  it('never goes below the interval past the first second, even past the cap', () => {
    expect(nextProbeDelay(10_000, 600_000)).toBe(10_000);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => nextProbeDelay(0, 0)).toThrow(RangeError);
    expect(() => nextProbeDelay(Number.NaN, 0)).toThrow(RangeError);
  });

  it('probes fast at first, then backs off: gaps never shrink, a pass is seen at most ~10% (or one interval) late', () => {
    const times = probeTimes(250, 200);
    expect(times.slice(0, 23)).toEqual([...Array.from({ length: 20 }, (_, i) => i * 50), 1000, 1250, 1500]);
    for (let i = 1; i < times.length - 1; i++) {
      const gap = (times[i + 1] ?? 0) - (times[i] ?? 0);
      const before = (times[i] ?? 0) - (times[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(before);
      expect(gap).toBeLessThanOrEqual(Math.max(250, (times[i] ?? 0) * 0.1 + 1));
    }
  });
});

describe('timeoutOutput', () => {
  it('reads like Docker’s', () => {
    expect(timeoutOutput(3000)).toBe('Health check exceeded timeout (3s)');
  });
});
