import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash } from './hash.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1,2]},"b":1}');
  });

  it('drops undefined properties but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson({ a: undefined })).toBe(canonicalJson({}));
  });

  it('writes scalars as JSON, escaping strings and keys', () => {
    expect(canonicalJson('a"b\n')).toBe('"a\\"b\\n"');
    expect(canonicalJson({ 'k"': true })).toBe('{"k\\"":true}');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('orders keys by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3 })).toBe('{"B":2,"a":3,"b":1}');
  });
});

describe('configHash', () => {
  it('is 32 hex digits', () => {
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ignores key order and undefined properties', () => {
    expect(configHash({ a: 1, b: { c: 2, d: 3 } })).toBe(
      configHash({ b: { d: 3, c: 2 }, a: 1, e: undefined }),
    );
  });

  it('changes with any value, array order included', () => {
    const base = configHash({ env: { A: '1' }, ports: [1, 2] });
    expect(configHash({ env: { A: '2' }, ports: [1, 2] })).not.toBe(base);
    expect(configHash({ env: { A: '1' }, ports: [2, 1] })).not.toBe(base);
    expect(configHash({ env: { A: '1' }, ports: [1, 2], x: null })).not.toBe(base);
  });

  it('is stable across runs (a change here recreates every deployed container)', () => {
    expect(configHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad808');
  });
});
