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

describe('berth health: a probe of a stack taken down', () => {
  const { type: _type, ...declared } = pending;
  const stopped = { ...declared, status: 'stopped' as const, watched: false };

  it('lists it as STOPPED by berth down, not pending and not failed', () => {
    const row = formatHealth({ items: [stopped], crashLooping: [] }).split('\n')[1] ?? '';
    expect(row).toMatch(
      /^shop\s+web\s+home\s+-\s+STOPPED \(not watched\)\s+-\s+-\s+-\s+-\s+stopped by berth down$/,
    );
  });

  it('says why it does not run and how to start it again', () => {
    expect(formatProbe({ probe: stopped, failures: [], hours: [] })).toContain(
      'shop/web probe home (not watched): STOPPED (not watched): its stack was taken down (`berth down`), so it does not run; `berth up shop` starts it again',
    );
  });
});
