import { describe, expect, it } from 'vitest';
import { driverOpts, envMap, labelMap } from './maps.js';

describe('environment-style maps (list_or_dict)', () => {
  it('turns KEY=VALUE lists into a map, KEY alone into null (inherit)', () => {
    expect(envMap.parse(['A=1', 'B=', 'C', 'D=x=y', 'A=2'])).toEqual({ A: '2', B: '', C: null, D: 'x=y' });
  });

  it('keeps null in the map form and turns numbers and booleans into text', () => {
    expect(envMap.parse({ A: 1, B: true, C: null, D: 'x', E: 1.5, F: false })).toEqual({
      A: '1',
      B: 'true',
      C: null,
      D: 'x',
      E: '1.5',
      F: 'false',
    });
  });

  it('gives labels an empty string where environment would inherit', () => {
    expect(labelMap.parse(['a=b', 'c'])).toEqual({ a: 'b', c: '' });
    expect(labelMap.parse({ a: null, b: 2 })).toEqual({ a: '', b: '2' });
  });

  it('rejects what upstream rejects: nested values, duplicate list items, empty keys', () => {
    expect(envMap.safeParse({ A: { nested: 1 } }).success).toBe(false);
    expect(envMap.safeParse({ A: [1] }).success).toBe(false);
    expect(envMap.safeParse(['A=1', 'A=1']).success).toBe(false);
    expect(envMap.safeParse({ '': 'x' }).success).toBe(false);
    expect(envMap.safeParse('A=1').success).toBe(false);
    expect(envMap.safeParse([1]).success).toBe(false);
  });
});

describe('driver_opts', () => {
  it('keeps strings and turns numbers into text', () => {
    expect(driverOpts.parse({ mtu: 1500, type: 'none' })).toEqual({ mtu: '1500', type: 'none' });
    expect(driverOpts.safeParse({ a: true }).success).toBe(false);
  });
});
