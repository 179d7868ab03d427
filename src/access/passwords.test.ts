import { describe, expect, it } from 'vitest';
import { argon2Hasher, phcParams } from './passwords.js';

describe('argon2Hasher', () => {
  const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

  it('hashes with argon2id and a fresh salt, and verifies', async () => {
    const a = await hasher.hash('tidal-ember-quartz-lantern');
    const b = await hasher.hash('tidal-ember-quartz-lantern');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify(a, 'tidal-ember-quartz-lantern')).toBe(true);
    expect(await hasher.verify(a, 'tidal-ember-quartz-lanterN')).toBe(false);
  });

  it('asks for a rehash when the parameters differ', async () => {
    const hash = await hasher.hash('tidal-ember-quartz-lantern');
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(argon2Hasher({ memoryCost: 2048, timeCost: 1, parallelism: 1 }).needsRehash(hash)).toBe(true);
    expect(argon2Hasher({ memoryCost: 1024, timeCost: 2, parallelism: 1 }).needsRehash(hash)).toBe(true);
    expect(argon2Hasher().needsRehash(hash)).toBe(true);
  });

  it('reads the parameters of a PHC string without loading the binding', () => {
    expect(phcParams('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toEqual({
      algorithm: 'argon2id',
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    expect(phcParams('$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA')?.algorithm).toBe('argon2i');
    expect(phcParams('$2b$12$notargon')).toBeUndefined();
    expect(argon2Hasher().needsRehash('$2b$12$notargon')).toBe(true);
    expect(argon2Hasher().needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toBe(true);
    expect(argon2Hasher().needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toBe(false);
  });
});
