import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprinter, newFingerprintSalt } from './fingerprint.js';

describe('fingerprint', () => {
  it('is 16 hex digits of the salted hash, the same for the same value and salt', () => {
    expect(fingerprint('hunter22', 'a')).toMatch(/^\[secret [0-9a-f]{16}\]$/);
    expect(fingerprint('hunter22', 'a')).toBe(fingerprint('hunter22', 'a'));
    expect(fingerprint('hunter22', 'b')).not.toBe(fingerprint('hunter22', 'a'));
    expect(fingerprint('hunter23', 'a')).not.toBe(fingerprint('hunter22', 'a'));
  });

  it('keeps salt and value apart: ("ab", "c") and ("a", "bc") differ', () => {
    expect(fingerprint('c', 'ab')).not.toBe(fingerprint('bc', 'a'));
  });

  it('gets a new salt each time', () => {
    expect(newFingerprintSalt()).not.toBe(newFingerprintSalt());
    expect(newFingerprintSalt()).toMatch(/^[\w-]{22}$/);
  });
});

describe('fingerprinter', () => {
  const spec = {
    name: 'shop-db-1',
    env: { POSTGRES_PASSWORD: 'hunter22', DB_URL: 'postgres://app:hunter22@db/app', MODE: 'prod' },
    labels: { 'example.auth': 'admin:hunter22' },
    command: ['serve', '--token=tok-0123456789'],
  };

  it('replaces every occurrence of the values in any string, keys and other text left alone', () => {
    const out = fingerprinter(['hunter22', 'tok-0123456789'], 's')(spec);
    const fp = fingerprint('hunter22', 's');
    expect(out).toEqual({
      name: 'shop-db-1',
      env: { POSTGRES_PASSWORD: fp, DB_URL: `postgres://app:${fp}@db/app`, MODE: 'prod' },
      labels: { 'example.auth': `admin:${fp}` },
      command: ['serve', `--token=${fingerprint('tok-0123456789', 's')}`],
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter22|tok-0123456789/);
    expect(spec.env.POSTGRES_PASSWORD).toBe('hunter22');
  });

  it('leaves values shorter than the masking minimum, as the masker does', () => {
    expect(fingerprinter(['pro'], 's')(spec)).toEqual(spec);
  });

  it('changes nothing without values', () => {
    expect(fingerprinter([], 's')(spec)).toEqual(spec);
  });
});
