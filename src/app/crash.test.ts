import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE, crashLine, handleCrashes } from './crash.js';

function harness(stop: () => Promise<void>, stopTimeoutMs = 1000) {
  const source = new EventEmitter();
  const fatal: Array<{ obj: object; msg: string | undefined }> = [];
  const stderr: string[] = [];
  const exits: number[] = [];
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const unhandle = handleCrashes({
    source,
    logger: { fatal: (obj, msg) => fatal.push({ obj, msg }) },
    stderr: (text) => stderr.push(text),
    stop,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
    stopTimeoutMs,
  });
  return { source, fatal, stderr, exits, exit, unhandle };
}

describe('handleCrashes', () => {
  it('logs an uncaught exception as fatal, stops the server with no grace, then exits 70', async () => {
    const order: string[] = [];
    const h = harness(async () => {
      order.push('stop');
    });
    const error = new Error('boom at the edge');
    h.source.emit('uncaughtException', error);
    expect(await h.exit).toBe(CRASH_EXIT_CODE);
    expect(order).toEqual(['stop']);
    expect(h.fatal[0]).toEqual({
      obj: { err: error, kind: 'uncaught exception' },
      msg: 'berth serve crashed: an uncaught exception',
    });
    expect(h.stderr.join('')).toContain(
      'stopped by an uncaught exception (a defect of Berth): Error: boom at the edge',
    );
    expect(h.stderr.join('')).toContain('running operations are recorded as interrupted');
  });

  it('handles an unhandled rejection the same way, whatever was rejected', async () => {
    const h = harness(async () => undefined);
    h.source.emit('unhandledRejection', 'a bare string');
    expect(await h.exit).toBe(CRASH_EXIT_CODE);
    expect(h.fatal[0]?.msg).toBe('berth serve crashed: an unhandled rejection');
    expect(h.stderr.join('')).toContain('unhandled rejection (a defect of Berth): a bare string');
  });

  it('exits anyway when the stop hangs past its timeout, and says so', async () => {
    const h = harness(() => new Promise<void>(() => undefined), 30);
    h.source.emit('uncaughtException', new Error('first'));
    expect(await h.exit).toBe(CRASH_EXIT_CODE);
    expect(h.fatal.map((f) => f.msg)).toContain('the stop after the crash did not finish in time');
  });

  it('exits when the stop itself fails, logging that failure', async () => {
    const h = harness(() => Promise.reject(new Error('store already closed')));
    h.source.emit('uncaughtException', new Error('first'));
    expect(await h.exit).toBe(CRASH_EXIT_CODE);
    expect(h.fatal.map((f) => f.msg)).toContain('the stop after the crash failed');
  });

  it('a second error while stopping exits at once, without a second stop', async () => {
    let stops = 0;
    const h = harness(() => {
      stops++;
      return new Promise<void>(() => undefined);
    }, 60_000);
    h.source.emit('uncaughtException', new Error('first'));
    h.source.emit('unhandledRejection', new Error('second'));
    expect(await h.exit).toBe(CRASH_EXIT_CODE);
    expect(stops).toBe(1);
    expect(h.fatal.map((f) => f.msg)).toEqual([
      'berth serve crashed: an uncaught exception',
      'a second error escaped while stopping',
    ]);
  });

  it('removes its listeners on a clean stop', () => {
    const h = harness(async () => undefined);
    expect(h.source.listenerCount('uncaughtException')).toBe(1);
    expect(h.source.listenerCount('unhandledRejection')).toBe(1);
    h.unhandle();
    expect(h.source.listenerCount('uncaughtException')).toBe(0);
    expect(h.source.listenerCount('unhandledRejection')).toBe(0);
  });
});

describe('crashLine', () => {
  it('keeps the first line of the message, cut to 300 characters', () => {
    const line = crashLine('uncaught exception', new Error(`${'x'.repeat(400)}\nsecond line`));
    expect(line).not.toContain('second line');
    expect(line).toContain(`Error: ${'x'.repeat(293)}\n`);
    expect(line).not.toContain('x'.repeat(294));
  });
});
