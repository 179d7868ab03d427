import { describe, expect, it } from 'vitest';
import { errorMasker, MAX_ERROR_LENGTH } from './mask.js';

// What is written of a failure holds no credential and no URL path.

describe('errorMasker', () => {
  it('replaces credential values and cuts URLs to their origin', () => {
    const mask = errorMasker(['https://hooks.slack.com/services/T0/B0/tok3n', 'hunter22']);
    expect(mask('HTTP 404 from https://hooks.slack.com/services/T0/B0/tok3n: no_service')).toBe(
      'HTTP 404 from ********: no_service',
    );
    expect(mask('auth failed for hunter22 at https://user:pw@smtp.example.com:465/x?token=abc')).toBe(
      'auth failed for ******** at https://smtp.example.com:465/…',
    );
    expect(mask('see http://example.com and https://example.com/')).toBe(
      'see http://example.com and https://example.com',
    );
  });

  it('masks the path and the token-like segments of a secret URL, which a receiver may echo alone', () => {
    const mask = errorMasker(['https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUv']);
    expect(mask('404: /api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUv not found')).toBe(
      '404: ******** not found',
    );
    expect(mask('unknown webhook 123456789012345678 (token AbCdEfGhIjKlMnOpQrStUv)')).toBe(
      'unknown webhook ******** (token ********)',
    );
    // Words of the path that identify nothing stay readable.
    expect(mask('webhooks are disabled')).toBe('webhooks are disabled');
  });

  it('keeps one line, clipped', () => {
    const mask = errorMasker([]);
    expect(mask('first\nsecond\r\n third')).toBe('first second third');
    const long = mask('x'.repeat(1000));
    expect(long).toHaveLength(MAX_ERROR_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
