import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ProbeCheck } from '../probe-types.js';
import { abortMessage, formatDuration } from './context.js';
import { ABORT_GRACE_MS, bounded, type CheckContext, runCheck } from './run.js';

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

describe('runCheck', () => {
  it('dispatches on the type and adds the latency', async () => {
    const out = await runCheck(
      { type: 'command', argv: ['true'] },
      ctx({ exec: async () => ({ exitCode: 0, output: '' }) }),
    );
    expect(out).toMatchObject({ ok: true, measured: { body: '' } });
    expect(out.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('turns anything thrown into an outcome', async () => {
    const bogus = { type: 'carrier-pigeon' } as unknown as ProbeCheck;
    expect(await runCheck(bogus, ctx())).toMatchObject({
      ok: false,
      measured: {},
      error: 'the carrier-pigeon probe failed: unknown probe type "carrier-pigeon"',
    });
  });

  it('does not run once the monitor has stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    let ran = false;
    const exec = async () => {
      ran = true;
      return { exitCode: 0, output: '' };
    };
    const out = await runCheck({ type: 'command', argv: ['true'] }, ctx({ signal: stop.signal, exec }));
    expect(out).toMatchObject({ ok: false, error: 'cancelled (the monitor stopped)' });
    expect(ran).toBe(false);
  });

  it('leaves no listener on the monitor signal behind', async () => {
    const stop = new AbortController();
    const exec = async () => ({ exitCode: 0, output: '' });
    for (let i = 0; i < 3; i++)
      await runCheck({ type: 'command', argv: ['true'] }, ctx({ signal: stop.signal, exec }));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});

describe('bounded', () => {
  it('tells the work why its signal aborted: the timeout', async () => {
    let seen: AbortSignal | undefined;
    const out = await bounded('x', ctx({ timeoutMs: 50 }), (signal) => {
      seen = signal;
      return new Promise((resolve) => {
        signal.addEventListener('abort', () =>
          resolve({ ok: false, error: abortMessage(signal), measured: { connected: true } }),
        );
      });
    });
    expect(out).toMatchObject({ ok: false, error: 'timed out after 50ms', measured: { connected: true } });
    expect(seen?.aborted).toBe(true);
  });

  it('ends the run shortly after the timeout even when the work ignores its signal', async () => {
    const started = performance.now();
    const out = await bounded('x', ctx({ timeoutMs: 100 }), () => new Promise(() => undefined));
    expect(out).toMatchObject({ ok: false, error: 'timed out after 100ms', measured: {} });
    expect(performance.now() - started).toBeLessThan(100 + ABORT_GRACE_MS + 500);
  });

  it('reports a throw with what was running', async () => {
    const out = await bounded('the http probe', ctx(), async () => {
      throw new TypeError('boom');
    });
    expect(out).toMatchObject({ ok: false, error: 'the http probe failed: boom' });
  });

  it('formats timeouts as an operator writes them', () => {
    expect(formatDuration(5000)).toBe('5s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(90_000)).toBe('90s');
  });
});
