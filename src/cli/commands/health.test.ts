import { describe, expect, it } from 'vitest';
import { PENDING_PROBE } from '../../../test/support/health-fixtures.js';
import { formatHealth, formatProbe } from './health.js';

const pending = PENDING_PROBE;

describe('berth health: a probe that has not run yet', () => {
  it('lists it as PENDING, not run yet, with no uptime', () => {
    const text = formatHealth({ items: [pending], crashLooping: [] });
    const row = text.split('\n')[1] ?? '';
    expect(row).toMatch(/^shop\s+web\s+home\s+http\s+PENDING\s+-\s+-\s+-\s+-\s+not run yet$/);
  });

  it('shows it as pending, declared and not run, with no result', () => {
    expect(formatProbe({ probe: pending, failures: [], hours: [] })).toBe(
      [
        'shop/web probe home (http): PENDING: declared, not run yet (its first run is due within its interval)',
        'uptime: 24h -, 7d -, 30d -',
        'last result: not run yet',
        '',
      ].join('\n'),
    );
  });

  it('says when it waits for a container', () => {
    const { type: _type, ...unwatched } = pending;
    expect(formatProbe({ probe: { ...unwatched, watched: false }, failures: [], hours: [] })).toContain(
      'shop/web probe home (not watched): PENDING (not watched): declared, not run yet (it runs once its service has a container)',
    );
  });
});

describe('berth health: a probe of a stack that runs nothing', () => {
  const { type: _type, ...declared } = pending;
  const stopped = {
    ...declared,
    status: 'stopped' as const,
    watched: false,
    notRunning: {
      cause: 'down' as const,
      at: '2026-06-10T10:00:00.000Z',
      hint: '`berth up shop` starts it again',
    },
  };
  const notRunning = {
    ...declared,
    status: 'not-running' as const,
    watched: false,
    notRunning: {
      cause: 'deployment' as const,
      deploymentId: 5,
      outcome: 'rolled-back' as const,
      after: 'nothing' as const,
      hint: '`berth deployments shop` says why deployment 5 did not stay; fix that, then `berth up shop`',
    },
  };

  it('lists it as STOPPED by berth down, not pending and not failed, and says once what to do', () => {
    const lines = formatHealth({ items: [stopped, { ...stopped, probe: 'ping' }], crashLooping: [] }).split(
      '\n',
    );
    expect(lines[1]).toMatch(
      /^shop\s+web\s+home\s+-\s+STOPPED \(not watched\)\s+-\s+-\s+-\s+-\s+stopped by berth down$/,
    );
    expect(lines.slice(3)).toEqual([
      'shop: its stack was taken down (`berth down` at 2026-06-10T10:00:00.000Z); `berth up shop` starts it again',
      '',
    ]);
  });

  it('lists it as NOT-RUNNING after a deployment that left nothing running, with the deployment and what to do', () => {
    const lines = formatHealth({ items: [notRunning], crashLooping: [] }).split('\n');
    expect(lines[1]).toMatch(/\sNOT-RUNNING \(not watched\)\s.*\snot running: deployment 5 rolled-back$/);
    expect(lines[2]).toBe(
      'shop: nothing runs: deployment 5 was rolled back (nothing of the stack ran before it); `berth deployments shop` says why deployment 5 did not stay; fix that, then `berth up shop`',
    );
  });

  it('says why it does not run and how to start it again', () => {
    expect(formatProbe({ probe: stopped, failures: [], hours: [] })).toContain(
      'shop/web probe home (not watched): STOPPED (not watched): its stack was taken down (`berth down` at 2026-06-10T10:00:00.000Z); `berth up shop` starts it again',
    );
    expect(formatProbe({ probe: notRunning, failures: [], hours: [] })).toContain(
      'NOT-RUNNING (not watched): nothing runs: deployment 5 was rolled back',
    );
  });
});
