import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../store/index.js';
import type { BackupEntry } from './catalog.js';
import { planPrune } from './prune-plan.js';

const entry = (service: string, last: number) =>
  ({ stack: 's', service, policy: { retain: { last } } }) as unknown as BackupEntry;
const NOW = new Date('2026-06-10T00:00:00Z');

const backup = (
  service: string,
  id: string,
  day: number,
  store = 'local',
  trigger: BackupRecord['trigger'] = 'manual',
): BackupRecord => ({
  id,
  stack: 's',
  service,
  kind: 'sqlite',
  store,
  trigger,
  status: 'completed',
  startedAt: `2026-06-${String(day).padStart(2, '0')}T03:00:00.000Z`,
  drill: { status: 'passed' },
});

describe('planPrune', () => {
  it('applies each service’s own retention and names the store of each backup', () => {
    const decisions = planPrune(
      [entry('db', 1), entry('api', 2)],
      [
        backup('db', 'd1', 1),
        backup('db', 'd2', 2, 'offsite'),
        backup('api', 'a1', 1),
        backup('api', 'a2', 2),
      ],
      NOW,
    );
    expect(decisions.map((d) => [d.service, d.id, d.keep, d.store])).toEqual(
      expect.arrayContaining([
        ['db', 'd2', true, 'offsite'],
        ['db', 'd1', false, 'local'],
        ['api', 'a1', true, 'local'],
        ['api', 'a2', true, 'local'],
      ]),
    );
    expect(decisions).toHaveLength(4);
  });

  it('keeps every backup of a service whose policy is gone, and says why', () => {
    const decisions = planPrune([entry('db', 1)], [backup('old', 'o1', 1), backup('old', 'o2', 2)], NOW);
    expect(decisions.map((d) => [d.id, d.keep, d.reasons])).toEqual([
      ['o1', true, ['the service has no backup policy now: kept']],
      ['o2', true, ['the service has no backup policy now: kept']],
    ]);
  });

  it('decides nothing without backups', () => {
    expect(planPrune([entry('db', 1)], [], NOW)).toEqual([]);
  });

  it('keeps safety and pre-deploy backups by their trigger and days, saying why', () => {
    const completed = [
      backup('db', 'pre', 4, 'local', 'pre-deploy'),
      backup('db', 'safe', 5, 'local', 'safety'),
      backup('db', 'old', 6),
      backup('db', 'new', 7),
    ].map((b) => ({ ...b, drill: { status: 'none' as const } }));
    const decisions = planPrune([entry('db', 1)], completed, NOW);
    expect(decisions.map((d) => [d.id, d.keep, d.reasons])).toEqual([
      ['new', true, ['one of the last 1 (#1)', 'the newest backup']],
      ['old', false, ['outside every retention rule']],
      [
        'safe',
        true,
        [
          'the newest safety backup (taken before a restore)',
          'a safety backup (taken before a restore), kept 7 days: until 2026-06-12T03:00:00Z',
        ],
      ],
      [
        'pre',
        true,
        [
          'the newest pre-deploy backup (taken before a deploy)',
          'a pre-deploy backup (taken before a deploy), kept 7 days: until 2026-06-11T03:00:00Z',
        ],
      ],
    ]);
  });
});
