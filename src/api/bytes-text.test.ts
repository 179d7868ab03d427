import { describe, expect, it } from 'vitest';
import { formatBytes, shortImageId } from './bytes-text.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [1024 * 1024, '1.0 MB'],
    [150 * 1024 * 1024, '150.0 MB'],
    [3 * 1024 ** 3, '3.00 GB'],
  ])('%i bytes are %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('shortImageId', () => {
  it('shows 12 hex digits without the algorithm, and leaves a short id as it is', () => {
    expect(shortImageId(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
    expect(shortImageId('0123456789ab')).toBe('0123456789ab');
  });
});
