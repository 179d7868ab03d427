import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIPv4Text, isIPv6Text } from './ip-text.js';

const V4 = ['0.0.0.0', '192.0.2.1', '255.255.255.255', '10.0.0.1'];
const NOT_V4 = [
  '',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3.-4',
  'a.b.c.d',
  '1..2.3',
  ' 1.2.3.4',
];
const V6 = [
  '::',
  '::1',
  '2001:db8::1',
  '2001:DB8:0:0:0:0:0:1',
  '1:2:3:4:5:6:7:8',
  '::ffff:192.0.2.1',
  '1::',
  'fe80::1:2',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7::',
];
const NOT_V6 = [
  '',
  ':',
  '1::2::3',
  '12345::1',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  'fe80::1%eth0',
  '2001:gb8::1',
  '::ffff:256.0.0.1',
  '1:2:3:4:5:6:7:1.2.3.4',
  ':1:2:3:4:5:6:7',
  '192.0.2.1',
];

describe('ip text', () => {
  it('agrees with node:net on IPv4', () => {
    for (const a of V4) expect([a, isIPv4Text(a)]).toEqual([a, true]);
    for (const a of NOT_V4) expect([a, isIPv4Text(a)]).toEqual([a, false]);
    for (const a of [...V4, ...NOT_V4]) expect([a, isIPv4Text(a)]).toEqual([a, isIP(a) === 4]);
  });

  it('agrees with node:net on IPv6, zones left out', () => {
    for (const a of V6) expect([a, isIPv6Text(a)]).toEqual([a, true]);
    for (const a of NOT_V6) expect([a, isIPv6Text(a)]).toEqual([a, false]);
    for (const a of [...V6, ...NOT_V6].filter((x) => !x.includes('%')))
      expect([a, isIPv6Text(a)]).toEqual([a, isIP(a) === 6]);
  });
});
