import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';

/**
 * Released migrations are append-only: databases in the field recorded them as applied and will
 * never run them again, so an edit reaches nobody who already has the version (a column added to
 * migration 4 after the fact broke such a database: "no such column"). Change the schema with a new
 * migration; add its hash here when it is released.
 */
const RELEASED: Record<number, string> = {
  1: '3ab83a748a620ef2',
  2: 'cc49798e54de9706',
  3: '6b0401d4fe70ee36',
  4: '381a4a783f0f9490',
  5: '68d94a91a6da5998',
  6: '311fb06b1a712021',
  7: '0d26f2b56e21ea05',
  8: '473a3a6b18da73fb',
  9: '2815c1445e2b1021',
  10: '41dc0218a49feed6',
  11: '3ca5f7ea59166346',
  12: '776b19886c846b89',
  13: '935b853806d4caf6',
  14: 'b2673666bcba6814',
  15: 'bf41eb00df05aa00',
};

describe('migrations', () => {
  it('keeps every released migration as it was released', () => {
    for (const m of MIGRATIONS) {
      const hash = createHash('sha256').update(m.up).digest('hex').slice(0, 16);
      if (RELEASED[m.version] !== undefined) {
        expect(hash, `migration ${m.version} (${m.name}) changed after release`).toBe(RELEASED[m.version]);
      }
    }
  });

  it('numbers migrations 1, 2, 3… without gaps, and pins all but at most the newest', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const unpinned = MIGRATIONS.filter((m) => RELEASED[m.version] === undefined);
    expect(unpinned.length).toBeLessThanOrEqual(1);
  });
});
