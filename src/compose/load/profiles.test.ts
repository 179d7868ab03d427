import { describe, expect, it } from 'vitest';
import { isActive, parseProfiles, splitByProfiles } from './profiles.js';

describe('profiles', () => {
  it('parses COMPOSE_PROFILES', () => {
    expect(parseProfiles(' debug, ,tools ')).toEqual(['debug', 'tools']);
    expect(parseProfiles(undefined)).toEqual([]);
  });

  it.each([
    [undefined, [], true],
    [[], [], true],
    [['debug'], [], false],
    [['debug'], ['debug'], true],
    [['debug', 'tools'], ['tools'], true],
    [['debug'], ['other'], false],
    [['debug'], ['*'], true],
  ] as const)('service profiles %j with enabled %j → %s', (profiles, enabled, expected) => {
    expect(isActive(profiles, new Set(enabled))).toBe(expected);
  });

  it('splits services into active and disabled, sorted', () => {
    const split = splitByProfiles(
      { web: {}, debug: { profiles: ['debug'] }, db: { profiles: [] } },
      new Set(),
    );
    expect(split).toEqual({ active: ['db', 'web'], disabled: ['debug'] });
  });
});
