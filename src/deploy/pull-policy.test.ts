import { describe, expect, it } from 'vitest';
import { type PullInput, pullDecision, refreshInterval } from './pull-policy.js';

const H = 3_600_000;
const NOW = Date.parse('2026-12-07T12:00:00Z');
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * H).toISOString();
const input = (over: Partial<PullInput>): PullInput => ({
  service: 'web',
  image: 'nginx:1.27',
  hasBuild: false,
  present: true,
  ...over,
});
const decide = (over: Partial<PullInput>) => pullDecision(input(over), NOW);

describe('refreshInterval', () => {
  it('reads daily, weekly and every_<n><unit>… in ms', () => {
    expect(refreshInterval('daily')).toBe(24 * H);
    expect(refreshInterval('weekly')).toBe(7 * 24 * H);
    expect(refreshInterval('every_12h')).toBe(12 * H);
    expect(refreshInterval('every_1w2d')).toBe(9 * 24 * H);
    expect(refreshInterval('every_1h30m15s')).toBe(H + 30 * 60_000 + 15_000);
    expect(refreshInterval('every_0s')).toBe(0);
  });

  it('is undefined for the other policies and for malformed ones', () => {
    for (const p of [
      undefined,
      'always',
      'never',
      'missing',
      'if_not_present',
      'build',
      'refresh',
      'every_',
      'every_5',
      'every_5x',
      'every_h',
    ])
      expect(refreshInterval(p)).toBeUndefined();
  });
});

describe('pullDecision', () => {
  it('pulls a missing image under missing, if_not_present, no policy, always, refresh and the periodic ones', () => {
    for (const policy of [
      undefined,
      'missing',
      'if_not_present',
      'always',
      'refresh',
      'daily',
      'weekly',
      'every_1h',
    ]) {
      expect(decide({ present: false, ...(policy ? { policy } : {}) })).toEqual({
        kind: 'pull',
        reason: 'image nginx:1.27 is not on the engine',
        required: true,
      });
    }
  });

  it('leaves a present image alone under missing, if_not_present and no policy', () => {
    for (const policy of [undefined, 'missing', 'if_not_present'])
      expect(decide({ ...(policy ? { policy } : {}) })).toEqual({ kind: 'none' });
  });

  it('pulls a present image on every deploy under always and refresh', () => {
    expect(decide({ policy: 'always' })).toEqual({
      kind: 'pull',
      reason: 'pull_policy: always',
      required: true,
    });
    expect(decide({ policy: 'refresh' })).toEqual({
      kind: 'pull',
      reason: 'pull_policy: refresh',
      required: true,
    });
  });

  it('refreshes under a periodic policy once Berth pulled the image longer ago than the interval, or has no record (not required)', () => {
    expect(decide({ policy: 'daily', lastPulled: at(23) })).toEqual({ kind: 'none' });
    expect(decide({ policy: 'daily', lastPulled: at(24) })).toEqual({
      kind: 'pull',
      reason: 'pull_policy: daily: Berth last pulled nginx:1.27 24 h ago',
      required: false,
    });
    expect(decide({ policy: 'weekly', lastPulled: at(24 * 9) })).toEqual({
      kind: 'pull',
      reason: 'pull_policy: weekly: Berth last pulled nginx:1.27 9 days ago',
      required: false,
    });
    expect(decide({ policy: 'every_30m', lastPulled: at(0.75) })).toEqual({
      kind: 'pull',
      reason: 'pull_policy: every_30m: Berth last pulled nginx:1.27 45 min ago',
      required: false,
    });
    expect(decide({ policy: 'every_30m', lastPulled: at(0.25) })).toEqual({ kind: 'none' });
    expect(decide({ policy: 'every_0s', lastPulled: at(0) }).kind).toBe('pull');
    for (const lastPulled of [undefined, 'not a date']) {
      expect(decide({ policy: 'weekly', ...(lastPulled ? { lastPulled } : {}) })).toEqual({
        kind: 'pull',
        reason: 'pull_policy: weekly, and Berth has no record of pulling nginx:1.27',
        required: false,
      });
    }
  });

  it('never pulls under never: a missing image is a problem', () => {
    expect(decide({ policy: 'never' })).toEqual({ kind: 'none' });
    const missing = decide({ policy: 'never', present: false });
    expect(missing.kind === 'problem' && missing.problem.code).toBe('IMAGE_MISSING');
    expect(missing.kind === 'problem' && missing.problem.message).toBe(
      'service web: image nginx:1.27 is not on the engine, and its pull_policy is never',
    );
  });

  it('never pulls a built image, whatever the policy', () => {
    for (const policy of [undefined, 'always', 'never', 'build', 'daily'])
      for (const present of [true, false])
        expect(decide({ hasBuild: true, present, ...(policy ? { policy } : {}) })).toEqual({ kind: 'none' });
  });

  it('refuses pull_policy: build without a build section, present or not', () => {
    for (const present of [true, false]) {
      const d = decide({ policy: 'build', present });
      expect(d.kind === 'problem' && d.problem.code).toBe('BUILD_MISSING');
      expect(d.kind === 'problem' && d.problem.hint).toContain('add `build:`');
    }
  });
});
