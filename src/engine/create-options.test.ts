import { describe, expect, it } from 'vitest';
import { toBind, toCreateOptions, toHealthcheck, toMount, toPortBindings } from './create-options.js';
import { SPEC_DEFAULTS } from './spec-defaults.js';
import type { ContainerSpec } from './types.js';

const minimal: ContainerSpec = {
  name: 'shop-web-1',
  image: 'nginx:1.27',
  ...SPEC_DEFAULTS,
  networks: [],
};

const spec = (overrides: Partial<ContainerSpec>): ContainerSpec => ({ ...minimal, ...overrides });

describe('toCreateOptions', () => {
  it('sends only what a minimal spec sets', () => {
    expect(toCreateOptions(minimal)).toStrictEqual({
      query: { name: 'shop-web-1' },
      body: { Image: 'nginx:1.27', Labels: {}, HostConfig: {} },
      laterNetworks: [],
    });
  });

  it('places every field where the Engine API expects it', () => {
    const full: ContainerSpec = {
      name: 'shop-web-1',
      image: 'nginx:1.27',
      command: ['nginx', '-g', 'daemon off;'],
      entrypoint: ['/docker-entrypoint.sh'],
      env: { A: '1', B: 'two words', EMPTY: '' },
      labels: { 'dev.berth.stack': 'shop' },
      hostname: 'web',
      domainname: 'example.test',
      user: '101:101',
      workingDir: '/srv',
      ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }],
      expose: [{ containerPort: 9000, protocol: 'udp' }],
      mounts: [{ type: 'volume', source: 'shop_data', target: '/data', readOnly: false }],
      tmpfs: { '/run': 'size=64m' },
      healthcheck: {
        test: ['CMD', 'true'],
        intervalMs: 1000,
        timeoutMs: 500,
        startPeriodMs: 2000,
        startIntervalMs: 100,
        retries: 3,
      },
      restartPolicy: { name: 'on-failure', maximumRetryCount: 5 },
      resources: {
        nanoCpus: 500_000_000,
        memoryBytes: 268_435_456,
        memoryReservationBytes: 134_217_728,
        memorySwapBytes: 536_870_912,
        pidsLimit: 100,
        shmSizeBytes: 67_108_864,
        cpuShares: 512,
      },
      capAdd: ['NET_ADMIN'],
      capDrop: ['ALL'],
      readOnly: true,
      privileged: true,
      init: true,
      securityOpt: ['no-new-privileges:true'],
      ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
      extraHosts: ['db:10.0.0.5'],
      dns: ['1.1.1.1'],
      dnsSearch: ['example.test'],
      sysctls: { 'net.core.somaxconn': '1024' },
      networks: [
        {
          name: 'shop_default',
          aliases: ['web', 'www'],
          ipv4Address: '172.30.0.10',
          ipv6Address: 'fd00::10',
        },
        { name: 'shop_back', aliases: ['web'] },
      ],
      stopSignal: 'SIGQUIT',
      stopTimeoutSeconds: 20,
      logging: { driver: 'json-file', options: { 'max-size': '10m' } },
      tty: true,
      stdinOpen: true,
      volumesFrom: ['other:ro'],
      devices: [{ pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse' }],
      groupAdd: ['audio'],
      ipc: 'shareable',
      pid: 'host',
      platform: 'linux/amd64',
    };
    const options = toCreateOptions(full);
    expect(options.query).toEqual({ name: 'shop-web-1', platform: 'linux/amd64' });
    expect(options.laterNetworks).toEqual([{ name: 'shop_back', aliases: ['web'] }]);
    expect(options.body).toEqual({
      Image: 'nginx:1.27',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Env: ['A=1', 'B=two words', 'EMPTY='],
      Labels: { 'dev.berth.stack': 'shop' },
      Hostname: 'web',
      Domainname: 'example.test',
      User: '101:101',
      WorkingDir: '/srv',
      ExposedPorts: { '80/tcp': {}, '9000/udp': {} },
      Healthcheck: {
        Test: ['CMD', 'true'],
        Interval: 1_000_000_000,
        Timeout: 500_000_000,
        StartPeriod: 2_000_000_000,
        StartInterval: 100_000_000,
        Retries: 3,
      },
      StopSignal: 'SIGQUIT',
      StopTimeout: 20,
      Tty: true,
      OpenStdin: true,
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
        Mounts: [{ Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: false }],
        Tmpfs: { '/run': 'size=64m' },
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
        NanoCpus: 500_000_000,
        Memory: 268_435_456,
        MemoryReservation: 134_217_728,
        MemorySwap: 536_870_912,
        PidsLimit: 100,
        ShmSize: 67_108_864,
        CpuShares: 512,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['ALL'],
        ReadonlyRootfs: true,
        Privileged: true,
        Init: true,
        SecurityOpt: ['no-new-privileges:true'],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
        ExtraHosts: ['db:10.0.0.5'],
        Dns: ['1.1.1.1'],
        DnsSearch: ['example.test'],
        Sysctls: { 'net.core.somaxconn': '1024' },
        NetworkMode: 'shop_default',
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
        VolumesFrom: ['other:ro'],
        Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
        GroupAdd: ['audio'],
        IpcMode: 'shareable',
        PidMode: 'host',
      },
      NetworkingConfig: {
        EndpointsConfig: {
          shop_default: {
            Aliases: ['web', 'www'],
            IPAMConfig: { IPv4Address: '172.30.0.10', IPv6Address: 'fd00::10' },
          },
        },
      },
    });
  });

  it('keeps the image command and entrypoint for null, clears them for []', () => {
    expect(toCreateOptions(spec({ command: null, entrypoint: null })).body).not.toHaveProperty('Cmd');
    expect(toCreateOptions(spec({ command: null, entrypoint: null })).body).not.toHaveProperty('Entrypoint');
    const cleared = toCreateOptions(spec({ command: [], entrypoint: [] })).body;
    expect(cleared.Cmd).toEqual([]);
    expect(cleared.Entrypoint).toEqual([]);
  });

  it('passes a disabling healthcheck through as NONE without timings', () => {
    expect(toCreateOptions(spec({ healthcheck: { test: ['NONE'] } })).body.Healthcheck).toEqual({
      Test: ['NONE'],
    });
  });

  it('uses an explicit network mode over the first network, and sends no endpoint without networks', () => {
    const host = toCreateOptions(spec({ networkMode: 'host' }));
    expect(host.body.HostConfig.NetworkMode).toBe('host');
    expect(host.body.NetworkingConfig).toBeUndefined();
    const shared = toCreateOptions(spec({ networkMode: 'container:abc123' }));
    expect(shared.body.HostConfig.NetworkMode).toBe('container:abc123');
  });

  it('sends an endpoint without aliases or addresses as an empty object', () => {
    const options = toCreateOptions(spec({ networks: [{ name: 'n1', aliases: [] }] }));
    expect(options.body.NetworkingConfig).toEqual({ EndpointsConfig: { n1: {} } });
    expect(options.body.HostConfig.NetworkMode).toBe('n1');
  });

  it('splits bind mounts that must create their host path into legacy Binds', () => {
    const options = toCreateOptions(
      spec({
        mounts: [
          { type: 'bind', source: '/srv/conf', target: '/etc/app', readOnly: true, createHostPath: true },
          { type: 'bind', source: '/srv/data', target: '/data', readOnly: false, bindPropagation: 'rshared' },
          { type: 'volume', target: '/anon', readOnly: false, volumeNoCopy: true },
          { type: 'tmpfs', target: '/tmp', readOnly: false, tmpfsSizeBytes: 1024, tmpfsMode: 0o1777 },
        ],
      }),
    );
    expect(options.body.HostConfig.Binds).toEqual(['/srv/conf:/etc/app:ro']);
    expect(options.body.HostConfig.Mounts).toEqual([
      {
        Type: 'bind',
        Source: '/srv/data',
        Target: '/data',
        ReadOnly: false,
        BindOptions: { Propagation: 'rshared' },
      },
      { Type: 'volume', Target: '/anon', ReadOnly: false, VolumeOptions: { NoCopy: true } },
      { Type: 'tmpfs', Target: '/tmp', ReadOnly: false, TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } },
    ]);
  });

  it('leaves false flags and empty lists out', () => {
    const body = toCreateOptions(spec({ readOnly: false, privileged: false, init: false })).body;
    expect(body.HostConfig).toEqual({ Init: false });
  });
});

describe('toPortBindings', () => {
  it('groups several bindings of one container port and lets the engine pick absent host ports', () => {
    expect(
      toPortBindings([
        { containerPort: 53, protocol: 'udp', hostPort: 5353 },
        { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1' },
        { containerPort: 80, protocol: 'tcp', hostIp: '::1', hostPort: '8000-8010' },
      ]),
    ).toEqual({
      '53/udp': [{ HostIp: '', HostPort: '5353' }],
      '80/tcp': [
        { HostIp: '127.0.0.1', HostPort: '' },
        { HostIp: '::1', HostPort: '8000-8010' },
      ],
    });
    expect(toPortBindings([])).toBeUndefined();
  });
});

describe('toHealthcheck', () => {
  it('converts milliseconds to nanoseconds and rounds fractions', () => {
    expect(toHealthcheck({ test: ['CMD-SHELL', 'curl -f localhost'], intervalMs: 1.5 })).toEqual({
      Test: ['CMD-SHELL', 'curl -f localhost'],
      Interval: 1_500_000,
    });
  });
});

describe('toMount / toBind', () => {
  it('writes a read-write bind without options and a propagation after ro', () => {
    expect(toBind({ type: 'bind', source: '/a', target: '/b', readOnly: false })).toBe('/a:/b');
    expect(
      toBind({ type: 'bind', source: '/a', target: '/b', readOnly: true, bindPropagation: 'slave' }),
    ).toBe('/a:/b:ro,slave');
  });

  it('ignores options that do not belong to the mount type', () => {
    expect(
      toMount({
        type: 'bind',
        source: '/a',
        target: '/b',
        readOnly: false,
        volumeNoCopy: true,
        tmpfsSizeBytes: 1,
      }),
    ).toEqual({
      Type: 'bind',
      Source: '/a',
      Target: '/b',
      ReadOnly: false,
    });
    expect(toMount({ type: 'tmpfs', target: '/t', readOnly: true })).toEqual({
      Type: 'tmpfs',
      Target: '/t',
      ReadOnly: true,
    });
  });
});
