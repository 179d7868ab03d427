import { describe, expect, it } from 'vitest';
import { MASK } from './detect.js';
import { maskError, maskStrings, valueMasker } from './mask.js';

describe('valueMasker', () => {
  it('hides every occurrence of every value, longest first', () => {
    const mask = valueMasker(['s3cret', 's3cret-and-more', 'hunter22']);
    expect(mask('a s3cret-and-more b s3cret c hunter22 hunter22')).toBe(
      `a ${MASK} b ${MASK} c ${MASK} ${MASK}`,
    );
  });

  it('treats values as text, not as patterns', () => {
    expect(valueMasker(['a.b*c(d)'])('x a.b*c(d) axbbc(d)')).toBe(`x ${MASK} axbbc(d)`);
  });

  it('hides a multi-line value whole and each of its lines', () => {
    const pem = '-----BEGIN KEY-----\nMIIEabcdefgh\n-----END KEY-----';
    const mask = valueMasker([pem]);
    expect(mask(`key: ${pem}`)).toBe(`key: ${MASK}`);
    expect(mask('line 2 is MIIEabcdefgh')).toBe(`line 2 is ${MASK}`);
  });

  it('leaves values shorter than four characters, and text without values, alone', () => {
    expect(valueMasker(['1', 'yes', ''])('1 yes no')).toBe('1 yes no');
    expect(valueMasker([])('anything')).toBe('anything');
  });
});

describe('maskStrings', () => {
  const mask = valueMasker(['hunter2-secret', 'shop']);

  it('masks every string of a tree, keys aside, and leaves the tree it was given alone', () => {
    const tree = { a: ['x hunter2-secret', 3, null, true], b: { 'hunter2-secret': 'shop' } };
    expect(maskStrings(tree, mask)).toEqual({
      a: [`x ${MASK}`, 3, null, true],
      b: { 'hunter2-secret': MASK },
    });
    expect(tree.a[0]).toBe('x hunter2-secret');
  });

  it('keeps what is under a `keep` key, except inside free-form maps', () => {
    const tree = {
      stack: 'shop',
      spec: { name: 'shop-web-1', labels: { name: 'shop' }, env: { stack: 'shop' } },
    };
    expect(maskStrings(tree, mask, new Set(['stack', 'name']))).toEqual({
      stack: 'shop',
      spec: { name: 'shop-web-1', labels: { name: MASK }, env: { stack: MASK } },
    });
  });
});

describe('maskError', () => {
  it('masks the message, the hint and the stack in place', () => {
    const error = Object.assign(new Error('failed with hunter22'), { hint: 'retry hunter22' });
    expect(maskError(error, valueMasker(['hunter22']))).toBe(error);
    expect([error.message, error.hint]).toEqual([`failed with ${MASK}`, `retry ${MASK}`]);
    expect(error.stack).not.toContain('hunter22');
  });

  it('masks a thrown string and leaves anything else as it is', () => {
    const mask = valueMasker(['hunter22']);
    expect(maskError('no hunter22', mask)).toBe(`no ${MASK}`);
    expect(maskError(42, mask)).toBe(42);
  });
});
