import { describe, expect, it } from 'vitest';
import { schemaFindings } from './issues.js';
import { ports } from './service-ports.js';

function parsePorts(list: unknown[]) {
  const result = ports.safeParse(list);
  if (!result.success) throw new Error(JSON.stringify(schemaFindings(result.error, list)));
  return result.data;
}

function findings(list: unknown[]) {
  const result = ports.safeParse(list);
  expect(result.success).toBe(false);
  return result.success ? [] : schemaFindings(result.error, list);
}

describe('ports short syntax', () => {
  it.each([
    ['80', [{ target: 80, protocol: 'tcp' }]],
    ['8080:80', [{ target: 80, published: '8080', protocol: 'tcp' }]],
    ['127.0.0.1:8080:80', [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp' }]],
    ['[::1]:8080:80', [{ target: 80, published: '8080', host_ip: '::1', protocol: 'tcp' }]],
    ['::1:8080:80', [{ target: 80, published: '8080', host_ip: '::1', protocol: 'tcp' }]],
    ['8080:80/udp', [{ target: 80, published: '8080', protocol: 'udp' }]],
    ['53:53/SCTP', [{ target: 53, published: '53', protocol: 'sctp' }]],
    ['127.0.0.1::80', [{ target: 80, host_ip: '127.0.0.1', protocol: 'tcp' }]],
    [':80', [{ target: 80, protocol: 'tcp' }]],
    ['8000-8010:80', [{ target: 80, published: '8000-8010', protocol: 'tcp' }]],
    [
      '8000-8002:9000-9002',
      [
        { target: 9000, published: '8000', protocol: 'tcp' },
        { target: 9001, published: '8001', protocol: 'tcp' },
        { target: 9002, published: '8002', protocol: 'tcp' },
      ],
    ],
    [
      '3000-3001',
      [
        { target: 3000, protocol: 'tcp' },
        { target: 3001, protocol: 'tcp' },
      ],
    ],
  ])('%s', (spec, expected) => {
    expect(parsePorts([spec])).toEqual(expected);
  });

  it('takes numbers as container ports', () => {
    expect(parsePorts([80, 443])).toEqual([
      { target: 80, protocol: 'tcp' },
      { target: 443, protocol: 'tcp' },
    ]);
  });

  it.each([
    ['abc', 'container port "abc"'],
    ['8080:abc', 'container port "abc"'],
    ['x:80', 'host port "x"'],
    ['70000', 'container port "70000"'],
    ['0', 'container port "0"'],
    ['8000-8002:9000-9001', 'the host range has 3 ports but the container range has 2'],
    ['8080:80/icmp', 'unknown protocol "icmp"'],
    ['bad.ip:8080:80', '"bad.ip" is not an IP address'],
    ['[::1:8080:80', 'unbalanced brackets'],
  ])('rejects %j at its index, saying why', (spec, why) => {
    const [finding, ...rest] = findings(['80', spec]);
    expect(rest).toEqual([]);
    expect(finding?.code).toBe('SPEC_INVALID_VALUE');
    expect(finding?.path).toEqual([1]);
    expect(finding?.message).toContain(why);
    expect(finding?.hint).toMatch(/HOST:CONTAINER/);
  });

  it.each([1.5, 0, 70000, -1])('rejects the number %d', (n) => {
    expect(findings([n])[0]?.path).toEqual([0]);
  });
});

describe('ports long syntax', () => {
  it('normalizes strings to numbers and keeps the optional fields', () => {
    expect(
      parsePorts([
        {
          target: '80',
          published: 8080,
          host_ip: '0.0.0.0',
          protocol: 'udp',
          mode: 'host',
          name: 'web',
          app_protocol: 'http',
        },
        { target: 443 },
        { target: 9000, published: '9000-9010' },
      ]),
    ).toEqual([
      {
        target: 80,
        published: '8080',
        host_ip: '0.0.0.0',
        protocol: 'udp',
        mode: 'host',
        name: 'web',
        app_protocol: 'http',
      },
      { target: 443, protocol: 'tcp' },
      { target: 9000, published: '9000-9010', protocol: 'tcp' },
    ]);
  });

  it('points at the bad field', () => {
    const list = [
      { target: 'http' },
      { target: 80, protocol: 'icmp' },
      { target: 80, mode: 'global' },
      { published: 80 },
    ];
    const found = findings(list).map((f) => [f.path, f.code]);
    expect(found).toEqual([
      [[0, 'target'], 'SPEC_INVALID_VALUE'],
      [[1, 'protocol'], 'SPEC_INVALID_VALUE'],
      [[2, 'mode'], 'SPEC_INVALID_VALUE'],
      [[3], 'SPEC_INVALID_VALUE'],
    ]);
  });

  it('reports unknown keys at the key, and duplicates as upstream does', () => {
    expect(findings([{ target: 80, publish: 8080 }])[0]).toMatchObject({
      code: 'SPEC_UNKNOWN_KEY',
      path: [0, 'publish'],
      hint: expect.stringContaining('`published`'),
    });
    expect(findings(['80:80', '80:80'])[0]).toMatchObject({ code: 'SPEC_INVALID_VALUE', path: [1] });
    // Different spellings of one port are not duplicates for the upstream schema either.
    expect(parsePorts(['80', 80])).toHaveLength(2);
  });
});
