import { describe, expect, it } from 'vitest';
import { toImageInfo, toImageSummary } from './images.js';
import { toNetworkCreateBody, toNetworkInfo } from './networks.js';
import { toEngineVersion } from './system.js';
import { toVolumeInfo, toVolumeList } from './volumes.js';

describe('images', () => {
  it('maps inspect and listing, dropping the <none>:<none> placeholder', () => {
    expect(
      toImageInfo({
        Id: 'sha256:1',
        RepoTags: ['a:1', 'b:2'],
        RepoDigests: ['a@sha256:abc', '<none>@<none>'],
        Created: '2026-01-01T00:00:00Z',
        Config: { Labels: { x: 'y' } },
      }),
    ).toStrictEqual({
      id: 'sha256:1',
      tags: ['a:1', 'b:2'],
      digests: ['a@sha256:abc'],
      labels: { x: 'y' },
      created: '2026-01-01T00:00:00Z',
    });
    expect(
      toImageSummary({ Id: 'sha256:2', RepoTags: ['<none>:<none>'], Created: 1_700_000_000, Labels: null }),
    ).toStrictEqual({
      id: 'sha256:2',
      tags: [],
      digests: [],
      labels: {},
      created: '2023-11-14T22:13:20.000Z',
    });
    expect(toImageInfo({ Id: 'sha256:3', RepoTags: null, Config: null })).toMatchObject({
      tags: [],
      labels: {},
    });
  });
  it('keeps the platform an inspection reports, and leaves out the parts it does not', () => {
    expect(toImageInfo({ Id: 'sha256:4', Os: 'linux', Architecture: 'arm64', Variant: 'v8' })).toMatchObject({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    });
    const amd = toImageInfo({ Id: 'sha256:5', Os: 'linux', Architecture: 'amd64', Variant: '' });
    expect(amd).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect('variant' in amd).toBe(false);
  });
});

describe('networks', () => {
  it('maps an inspect with attached containers and IPAM', () => {
    expect(
      toNetworkInfo({
        Name: 'shop_default',
        Id: 'n1',
        Created: '2026-01-01T00:00:00Z',
        Scope: 'local',
        Driver: 'bridge',
        EnableIPv6: false,
        Internal: true,
        Attachable: false,
        IPAM: { Config: [{ Subnet: '172.30.0.0/16', Gateway: '172.30.0.1' }] },
        Containers: { c1: { Name: 'web', IPv4Address: '172.30.0.2/16', IPv6Address: '' } },
        Options: {},
        Labels: { a: 'b' },
      }),
    ).toStrictEqual({
      id: 'n1',
      name: 'shop_default',
      driver: 'bridge',
      scope: 'local',
      internal: true,
      attachable: false,
      enableIPv6: false,
      labels: { a: 'b' },
      options: {},
      ipam: [{ subnet: '172.30.0.0/16', gateway: '172.30.0.1' }],
      containers: { c1: { name: 'web', ipv4Address: '172.30.0.2/16', ipv6Address: '' } },
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(toNetworkInfo({ Id: 'n', IPAM: { Config: null }, Containers: null, Labels: null })).toMatchObject({
      ipam: [],
      containers: {},
      labels: {},
    });
  });

  it('asks for a unique name and sends IPAM only when given', () => {
    expect(toNetworkCreateBody({ name: 'n', labels: { a: 'b' } })).toStrictEqual({
      Name: 'n',
      CheckDuplicate: true,
      Driver: 'bridge',
      Internal: false,
      Attachable: false,
      EnableIPv6: false,
      Labels: { a: 'b' },
      Options: {},
    });
    expect(
      toNetworkCreateBody({
        name: 'n',
        labels: {},
        driver: 'macvlan',
        ipam: [{ subnet: '10.0.0.0/24', ipRange: '10.0.0.128/25' }],
      }),
    ).toMatchObject({
      Driver: 'macvlan',
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.0.0.0/24', IPRange: '10.0.0.128/25' }] },
    });
  });
});

describe('volumes', () => {
  it('maps a volume and a listing whose Volumes may be null', () => {
    const raw = {
      Name: 'shop_data',
      Driver: 'local',
      Mountpoint: '/var/lib/docker/volumes/shop_data/_data',
      Scope: 'local',
      CreatedAt: '2026-01-01T00:00:00Z',
      Labels: null,
      Options: null,
    };
    expect(toVolumeInfo(raw)).toStrictEqual({
      name: 'shop_data',
      driver: 'local',
      mountpoint: '/var/lib/docker/volumes/shop_data/_data',
      scope: 'local',
      labels: {},
      options: {},
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(toVolumeList({ Volumes: null, Warnings: null })).toEqual([]);
    expect(toVolumeList({ Volumes: [raw] })).toHaveLength(1);
  });

  it('refuses an answer that is not a listing instead of returning nothing', () => {
    expect(() => toVolumeList('oops')).toThrow(expect.objectContaining({ code: 'ENGINE_FAILED' }));
    expect(() => toVolumeList(null)).toThrow(expect.objectContaining({ code: 'ENGINE_FAILED' }));
  });
});

describe('system', () => {
  it('maps /version', () => {
    expect(
      toEngineVersion({
        ApiVersion: '1.41',
        MinAPIVersion: '1.12',
        Version: '20.10.24',
        Os: 'linux',
        Arch: 'amd64',
      }),
    ).toEqual({
      apiVersion: '1.41',
      minApiVersion: '1.12',
      serverVersion: '20.10.24',
      os: 'linux',
      arch: 'amd64',
    });
  });
});
