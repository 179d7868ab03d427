import { describe, expect, it } from 'vitest';
import {
  healthFromStatus,
  type RawContainerInspect,
  toContainerInfo,
  toContainerState,
  toContainerSummary,
  toEndpoints,
  toHealthcheckSpec,
  toPorts,
  toTimestamp,
} from './container-map.js';

const id = '860004ec51bc972742eb4f003b211c18f5fc6bd0dbe73c33b2d0df16c1ad59da';

// Trimmed from a real API 1.41 inspect.
const inspect: RawContainerInspect = {
  Id: id,
  Name: '/shop-web-1',
  Created: '2026-11-25T02:17:19.843106105Z',
  Image: 'sha256:50aba0a4',
  RestartCount: 2,
  State: {
    Status: 'running',
    ExitCode: 0,
    StartedAt: '2026-11-25T02:17:20.158942267Z',
    FinishedAt: '0001-01-01T00:00:00Z',
    Health: {
      Status: 'unhealthy',
      FailingStreak: 3,
      Log: [{ Start: 's', End: 'e', ExitCode: 1, Output: 'boom\n' }],
    },
  },
  Config: { Image: 'local/busybox:1', Labels: { a: 'b' }, Env: ['A=1'], Tty: false },
  HostConfig: { NetworkMode: 'shop_default' },
  NetworkSettings: {
    Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }], '9000/udp': null },
    Networks: {
      shop_default: {
        NetworkID: 'n1',
        Aliases: ['web', '860004ec51bc'],
        IPAddress: '172.30.0.2',
        GlobalIPv6Address: '',
      },
    },
  },
  Mounts: [
    {
      Type: 'volume',
      Name: 'shop_data',
      Source: '/var/lib/docker/volumes/shop_data/_data',
      Destination: '/data',
      RW: true,
    },
    { Type: 'bind', Source: '/srv/conf', Destination: '/etc/app', RW: false },
  ],
};

describe('toContainerInfo', () => {
  it('maps an inspect into Berth’s shape', () => {
    expect(toContainerInfo(inspect)).toStrictEqual({
      id,
      name: 'shop-web-1',
      image: 'local/busybox:1',
      imageId: 'sha256:50aba0a4',
      labels: { a: 'b' },
      state: 'running',
      exitCode: 0,
      startedAt: '2026-11-25T02:17:20.158942267Z',
      finishedAt: null,
      restartCount: 2,
      health: {
        status: 'unhealthy',
        failingStreak: 3,
        log: [{ exitCode: 1, output: 'boom\n', start: 's', end: 'e' }],
      },
      ports: [
        { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32768 },
        { containerPort: 9000, protocol: 'udp', hostIp: null, hostPort: null },
      ],
      networks: {
        shop_default: { networkId: 'n1', aliases: ['web'], ipAddress: '172.30.0.2', ipv6Address: '' },
      },
      networkMode: 'shop_default',
      mounts: [
        {
          type: 'volume',
          name: 'shop_data',
          source: '/var/lib/docker/volumes/shop_data/_data',
          target: '/data',
          readOnly: false,
        },
        { type: 'bind', source: '/srv/conf', target: '/etc/app', readOnly: true },
      ],
      env: ['A=1'],
      tty: false,
      createdAt: '2026-11-25T02:17:19.843106105Z',
    });
  });

  it('copes with nulls and leaves health out when there is no healthcheck', () => {
    const info = toContainerInfo({
      Id: id,
      Name: '/x',
      State: { Status: 'created', Health: { Status: 'none' } },
      Config: { Labels: null, Env: null },
      NetworkSettings: { Ports: null, Networks: null },
      Mounts: null,
    });
    expect(info).not.toHaveProperty('health');
    expect(info).toMatchObject({ labels: {}, env: [], ports: [], networks: {}, mounts: [], startedAt: null });
  });
});

describe('pieces', () => {
  it('maps unknown states to dead, and Go zero times to null', () => {
    expect(toContainerState('exited')).toBe('exited');
    expect(toContainerState('hibernating')).toBe('dead');
    expect(toTimestamp('0001-01-01T00:00:00Z')).toBeNull();
    expect(toTimestamp('')).toBeNull();
    expect(toTimestamp('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
  });

  it('drops only the automatic short-id alias', () => {
    expect(toEndpoints({ n: { Aliases: ['860004ec51bc', 'db', '860004ec51'] } }, id).n?.aliases).toEqual([
      'db',
      '860004ec51',
    ]);
  });

  it('sorts ports and reads sctp', () => {
    expect(toPorts({ '443/tcp': [], '53/sctp': [{ HostIp: '0.0.0.0', HostPort: '53' }] })).toEqual([
      { containerPort: 53, protocol: 'sctp', hostIp: '0.0.0.0', hostPort: 53 },
      { containerPort: 443, protocol: 'tcp', hostIp: null, hostPort: null },
    ]);
  });

  it('reads health from a listing status', () => {
    expect(healthFromStatus('Up 3 minutes (healthy)')).toBe('healthy');
    expect(healthFromStatus('Up 1 second (health: starting)')).toBe('starting');
    expect(healthFromStatus('Up 9 minutes (unhealthy)')).toBe('unhealthy');
    expect(healthFromStatus('Exited (0) 2 hours ago')).toBeUndefined();
  });
});

describe('toContainerSummary', () => {
  it('picks the own name among link names and converts the creation time', () => {
    expect(
      toContainerSummary({
        Id: id,
        Names: ['/other/db-alias', '/shop-db-1'],
        Image: 'postgres:16',
        ImageID: 'sha256:1',
        Labels: null,
        State: 'running',
        Status: 'Up 2 seconds (health: starting)',
        Created: 1_700_000_000,
        NetworkSettings: { Networks: { b: {}, a: {} } },
      }),
    ).toStrictEqual({
      id,
      name: 'shop-db-1',
      image: 'postgres:16',
      imageId: 'sha256:1',
      labels: {},
      state: 'running',
      status: 'Up 2 seconds (health: starting)',
      health: 'starting',
      networks: ['a', 'b'],
      createdAt: '2023-11-14T22:13:20.000Z',
    });
  });
});

describe('toHealthcheckSpec', () => {
  it('maps the engine’s nanoseconds to milliseconds and keeps the test as it is', () => {
    expect(
      toHealthcheckSpec({
        Test: ['CMD-SHELL', 'wget -q http://127.0.0.1/'],
        Interval: 30e9,
        Timeout: 3e9,
        StartPeriod: 10e9,
        StartInterval: 5e8,
        Retries: 5,
      }),
    ).toEqual({
      test: ['CMD-SHELL', 'wget -q http://127.0.0.1/'],
      intervalMs: 30_000,
      timeoutMs: 3000,
      startPeriodMs: 10_000,
      startIntervalMs: 500,
      retries: 5,
    });
  });

  it('leaves out zero (the engine’s defaults) and reads no test as no healthcheck', () => {
    expect(toHealthcheckSpec({ Test: ['NONE'], Interval: 0, Retries: 0 })).toEqual({ test: ['NONE'] });
    expect(toHealthcheckSpec({ Test: [] })).toBeUndefined();
    expect(toHealthcheckSpec(null)).toBeUndefined();
    expect(toHealthcheckSpec(undefined)).toBeUndefined();
  });

  it('lands in ContainerInfo with the image shell', () => {
    const info = toContainerInfo({
      ...inspect,
      Config: { ...inspect.Config, Healthcheck: { Test: ['CMD', 'true'] }, Shell: ['/bin/bash', '-c'] },
    });
    expect(info.healthcheck).toEqual({ test: ['CMD', 'true'] });
    expect(info.shell).toEqual(['/bin/bash', '-c']);
    expect(toContainerInfo(inspect).healthcheck).toBeUndefined();
  });
});
