import { describe, expect, it } from 'vitest';
import { advance, EMPTY_PROGRESS, progress, statusLine } from './progress.js';

const events = [
  { type: 'plan' as const, message: 'deploying s: db, web' },
  { type: 'container' as const, service: 'db', message: 'create replica 1: new service' },
  { type: 'gate' as const, service: 'db', message: 'health: starting' },
  { type: 'wait' as const, service: 'web', message: 'waiting for db (service_healthy)' },
  { type: 'gate' as const, service: 'db', message: 'passed: healthy' },
];

describe('deploy progress', () => {
  it('tracks each service’s latest message and whether it is ready', () => {
    const state = events.reduce(advance, EMPTY_PROGRESS);
    expect(state.services).toEqual([
      { service: 'db', message: 'passed: healthy', done: true },
      { service: 'web', message: 'waiting for db (service_healthy)', done: false },
    ]);
    expect(statusLine(state, 0, 12.7, 200)).toBe(
      '⠋ 1/2 services ready · 12s · web: waiting for db (service_healthy)',
    );
    expect(statusLine(state, 1, 0, 20)).toBe('⠙ 1/2 services read…');
    expect(statusLine(EMPTY_PROGRESS, 0, 0, 80)).toBe('⠋ 0/0 services ready · 0s · working');
  });

  it('a failure ends a service, even without passing', () => {
    const state = advance(EMPTY_PROGRESS, { type: 'failure', service: 'web', message: 'web exited 1' });
    expect(state.services[0]?.done).toBe(true);
  });

  it('writes plain lines when not on a terminal', () => {
    let text = '';
    const p = progress({ write: (t) => (text += t), tty: false });
    for (const e of events) p.onEvent(e);
    p.stop();
    expect(text.split('\n').slice(0, 3)).toEqual([
      'deploying s: db, web',
      '[db] create replica 1: new service',
      '[db] health: starting',
    ]);
    expect(text).not.toContain('\x1b');
  });

  it('redraws a status line under the events on a terminal, and clears it at the end', () => {
    let text = '';
    let t = 0;
    const p = progress({ write: (s) => (text += s), tty: true, columns: 100 }, () => (t += 1000));
    p.onEvent({ type: 'container', service: 'db', message: 'create replica 1: new service' });
    p.stop();
    expect(text).toContain('[db] create replica 1: new service\n');
    expect(text).toMatch(/⠋ 0\/1 services ready · \d+s · db: create replica 1: new service/);
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
