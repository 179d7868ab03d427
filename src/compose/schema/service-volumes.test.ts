import { describe, expect, it } from 'vitest';
import { schemaFindings } from './issues.js';
import { serviceVolumes, splitVolumeSpec } from './service-volumes.js';

function mounts(list: unknown[]) {
  const result = serviceVolumes.safeParse(list);
  if (!result.success) throw new Error(JSON.stringify(schemaFindings(result.error, list)));
  return result.data;
}

function findings(list: unknown[]) {
  const result = serviceVolumes.safeParse(list);
  expect(result.success).toBe(false);
  return result.success ? [] : schemaFindings(result.error, list);
}

describe('volumes short syntax', () => {
  it.each([
    [
      './data:/data',
      { type: 'bind', source: './data', target: '/data', read_only: false, bind: { create_host_path: true } },
    ],
    [
      '/srv/app:/app:ro',
      { type: 'bind', source: '/srv/app', target: '/app', read_only: true, bind: { create_host_path: true } },
    ],
    [
      '~/cfg:/cfg:rw',
      { type: 'bind', source: '~/cfg', target: '/cfg', read_only: false, bind: { create_host_path: true } },
    ],
    [
      'C:\\data:/data',
      {
        type: 'bind',
        source: 'C:\\data',
        target: '/data',
        read_only: false,
        bind: { create_host_path: true },
      },
    ],
    ['dbdata:/var/lib/db', { type: 'volume', source: 'dbdata', target: '/var/lib/db', read_only: false }],
    ['/cache', { type: 'volume', target: '/cache', read_only: false }],
    [
      'cache:/cache:nocopy',
      { type: 'volume', source: 'cache', target: '/cache', read_only: false, volume: { nocopy: true } },
    ],
    [
      './x:/x:ro,z',
      {
        type: 'bind',
        source: './x',
        target: '/x',
        read_only: true,
        bind: { create_host_path: true, selinux: 'z' },
      },
    ],
    [
      './x:/x:Z,rshared,cached',
      {
        type: 'bind',
        source: './x',
        target: '/x',
        read_only: false,
        consistency: 'cached',
        bind: { create_host_path: true, selinux: 'Z', propagation: 'rshared' },
      },
    ],
  ])('%s', (spec, expected) => {
    expect(mounts([spec])).toEqual([expected]);
  });

  it('splits like compose-go: a one-letter segment before `:` is a Windows drive', () => {
    expect(splitVolumeSpec('C:\\a:D:\\b:ro')).toEqual(['C:\\a', 'D:\\b', 'ro']);
    expect(splitVolumeSpec('ab:/b')).toEqual(['ab', '/b']);
    // compose-go's quirk, kept for parity: a one-letter volume name reads as a drive letter.
    expect(splitVolumeSpec('a:/b')).toEqual(['a:/b']);
  });

  it.each([
    ['', 'it is empty'],
    [':/media', 'empty section'],
    ['./a:/b:ro:z', 'too many'],
    ['./a:/b:rx', 'unknown volume mode "rx"'],
  ])('rejects %j', (spec, why) => {
    const [finding] = findings(['/ok', spec]);
    expect(finding).toMatchObject({ code: 'SPEC_INVALID_VALUE', path: [1] });
    expect(finding?.message).toContain(why);
  });
});

describe('volumes long syntax', () => {
  it('normalizes booleans, sizes, modes and labels', () => {
    expect(
      mounts([
        {
          type: 'bind',
          source: './b',
          target: '/b',
          read_only: 'true',
          bind: { create_host_path: 'false', propagation: 'rslave', selinux: 'z', recursive: 'readonly' },
        },
        {
          type: 'volume',
          source: 'v',
          target: '/v',
          volume: { nocopy: true, subpath: 'sub', labels: ['a=b', 'c'] },
        },
        { type: 'tmpfs', target: '/t', tmpfs: { size: '64m', mode: '1777' } },
        { type: 'tmpfs', target: '/u', tmpfs: { size: 1024, mode: 448 } },
        { type: 'image', source: 'alpine:3', target: '/img', image: { subpath: 'etc' } },
      ]),
    ).toEqual([
      {
        type: 'bind',
        source: './b',
        target: '/b',
        read_only: true,
        bind: { create_host_path: false, propagation: 'rslave', selinux: 'z', recursive: 'readonly' },
      },
      {
        type: 'volume',
        source: 'v',
        target: '/v',
        read_only: false,
        volume: { nocopy: true, subpath: 'sub', labels: { a: 'b', c: '' } },
      },
      { type: 'tmpfs', target: '/t', read_only: false, tmpfs: { size: 67_108_864, mode: 0o1777 } },
      { type: 'tmpfs', target: '/u', read_only: false, tmpfs: { size: 1024, mode: 448 } },
      { type: 'image', source: 'alpine:3', target: '/img', read_only: false, image: { subpath: 'etc' } },
    ]);
  });

  it('requires a type (as upstream) and a target and source where the mount needs them', () => {
    expect(findings([{ source: 'v', target: '/v' }])[0]).toMatchObject({
      code: 'SPEC_MISSING_KEY',
      path: [0, 'type'],
    });
    expect(findings([{ type: 'volume', source: 'v' }])[0]?.message).toContain('needs a `target`');
    expect(findings([{ type: 'bind', target: '/b' }])[0]?.message).toContain('needs a `source`');
  });

  it('reports bad values at their own path, in every item at once', () => {
    const found = findings([
      { type: 'volume', source: 'v', target: '/v', read_only: 'maybe' },
      { type: 'tmpfs', target: '/t', tmpfs: { size: 'huge' } },
      { type: 'bind', source: './b', target: '/b', bind: { selinux: 'x' } },
      { type: 'disk', target: '/d' },
    ]);
    // Items 2 and 3 fail as written; 0 and 1 when read: all four are reported together.
    expect(found.map((f) => f.path)).toEqual([
      [2, 'bind', 'selinux'],
      [3, 'type'],
      [0, 'read_only'],
      [1, 'tmpfs', 'size'],
    ]);
    expect(found[1]?.hint).toContain('bind, volume, tmpfs');
    const values = findings([
      { type: 'volume', source: 'v', target: '/v', read_only: 'maybe' },
      { type: 'tmpfs', target: '/t', tmpfs: { size: 'huge' } },
    ]);
    expect(values.map((f) => f.path)).toEqual([
      [0, 'read_only'],
      [1, 'tmpfs', 'size'],
    ]);
  });

  it('rejects keys upstream does not know, such as Coolify `content`', () => {
    expect(findings([{ type: 'bind', source: './a', target: '/a', content: 'x' }])[0]).toMatchObject({
      code: 'SPEC_UNKNOWN_KEY',
      path: [0, 'content'],
    });
  });
});
