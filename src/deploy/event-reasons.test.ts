import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../engine/model.js';
import { valueMasker } from '../secrets/mask.js';
import type { Plan } from './plan-types.js';
import { eventReason, withEventReasons } from './redact.js';

const mask = valueMasker(['tok-now-123']);

describe('eventReason: how a deploy event explains a recreate', () => {
  it('keeps fingerprints (a record of this Berth): the change shows, the value does not', () => {
    const reason =
      'env DB_URL changed: pg://u:[secret 7d44fe9f5f513acd]@db → pg://u:[secret 26267a525f28ea74]@db';
    expect(eventReason(reason, mask)).toBe(reason);
  });

  it('names only the field of a reason quoting a current secret in clear (an older record)', () => {
    // The old side may hold the previous secret, which no mask knows any more.
    expect(eventReason('env DB_URL changed: pg://u:tok-old-000@db → pg://u:tok-now-123@db', mask)).toBe(
      'env DB_URL changed (value hidden)',
    );
    expect(eventReason('labels changed: {"a":"tok-old-000"} → {"a":"tok-now-123"}', mask)).toBe(
      'labels changed (value hidden)',
    );
  });

  it('leaves reasons without secrets as they are', () => {
    expect(eventReason('image a:1 → a:2', mask)).toBe('image a:1 → a:2');
    expect(eventReason('secret db_pw content changed', mask)).toBe('secret db_pw content changed');
  });

  it('withEventReasons rewrites only the reasons: the specs to apply keep their values', () => {
    const spec = {
      name: 'c',
      env: { DB_URL: 'pg://u:tok-now-123@db' },
    } as unknown as ContainerSpec;
    const plan = {
      stack: 's',
      resources: [],
      pulls: [],
      builds: [],
      removals: [],
      problems: [],
      services: [
        {
          service: 'app',
          level: 0,
          steps: [
            {
              kind: 'create',
              service: 'app',
              replica: 1,
              spec,
              reasons: ['env DB_URL changed: x → pg://u:tok-now-123@db'],
            },
          ],
        },
      ],
    } as Plan;
    const shown = withEventReasons(plan, mask);
    const step = shown.services[0]?.steps[0];
    expect(step?.reasons).toEqual(['env DB_URL changed (value hidden)']);
    expect(step && 'spec' in step ? step.spec : undefined).toBe(spec);
  });
});
