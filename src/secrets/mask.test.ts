import { describe, expect, it } from 'vitest';
import { MASK } from './detect.js';
import { valueMasker } from './mask.js';

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
