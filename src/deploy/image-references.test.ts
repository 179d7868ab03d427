import { describe, expect, it } from 'vitest';
import { listed, minute, normalTag, ordinal, plural, tagMatcher } from './image-references.js';

describe('normalTag', () => {
  it.each([
    ['redis', 'redis:latest'],
    ['redis:7', 'redis:7'],
    ['docker.io/library/redis:7', 'redis:7'],
    ['index.docker.io/library/redis:7', 'redis:7'],
    ['registry-1.docker.io/library/redis', 'redis:latest'],
    ['docker.io/grafana/grafana', 'grafana/grafana:latest'],
    ['127.0.0.1:5000/shop/api', '127.0.0.1:5000/shop/api:latest'],
    ['127.0.0.1:5000/shop/api:2', '127.0.0.1:5000/shop/api:2'],
    // A pull by digest tags nothing: no tag the engine lists equals these.
    ['redis:7@sha256:abc', 'redis@sha256:abc'],
    ['redis@sha256:abc', 'redis@sha256:abc'],
    ['127.0.0.1:5000/shop/api:2@sha256:abc', '127.0.0.1:5000/shop/api@sha256:abc'],
    ['127.0.0.1:5000/shop/api@sha256:abc', '127.0.0.1:5000/shop/api@sha256:abc'],
  ])('normalTag(%s) is %s', (reference, tag) => {
    expect(normalTag(reference)).toBe(tag);
  });
});

describe('tagMatcher', () => {
  const MASK = '********';
  it('matches engine tags against the recorded references, normalized', () => {
    const berths = tagMatcher(['shop-api', 'docker.io/library/redis:7'], MASK);
    expect(berths('shop-api:latest')).toBe('shop-api:latest');
    expect(berths('redis:7')).toBe('redis:7');
    expect(berths('redis:8')).toBeUndefined();
    expect(berths('keep/me:1')).toBeUndefined();
  });

  it('lets a masked secret in a recorded reference stand for any value (an old one too), shown masked', () => {
    const berths = tagMatcher(['shop-********:latest', 'reg.example/********/api:1'], MASK);
    expect(berths('shop-sekrit7xq:latest')).toBe('shop-********:latest');
    expect(berths('shop-newsekrit9:latest')).toBe('shop-********:latest');
    expect(berths('reg.example/team.x/api:1')).toBe('reg.example/********/api:1');
    expect(berths('shop-:latest')).toBeUndefined();
    expect(berths('other-sekrit:latest')).toBeUndefined();
    // The rest of the reference is matched as written: a dot is a dot.
    expect(tagMatcher(['a.b-********'], MASK)('aXb-x:latest')).toBeUndefined();
  });
});

describe('the words', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [23, '23rd'],
    [100, '100th'],
    [101, '101st'],
    [111, '111th'],
  ])('ordinal(%i) is %s', (n, word) => {
    expect(ordinal(n)).toBe(word);
  });

  it('lists at most three names, then how many more', () => {
    expect(listed(['a'])).toBe('a');
    expect(listed(['a', 'b', 'c'])).toBe('a, b, c');
    expect(listed(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
  });

  it('says the minute of a time, and counts', () => {
    expect(minute('2026-12-07T03:29:41.123Z')).toBe('2026-12-07 03:29');
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(2, 'image')).toBe('2 images');
  });
});
