import { describe, expect, it } from 'vitest';
import { ServiceSchema } from '../compose/schema/model.js';
import { containerSpec, type ResourceNames } from './container-spec.js';

const names: ResourceNames = {
  stack: 'shop',
  networks: { default: 'shop_default', front: 'shop_front', back: 'edge' },
  volumes: { data: 'shop_data', shared: 'ext-shared' },
  image: 'nginx:1.27',
};

/** A service as the loader hands it over: written as in compose, normalized by the real schema. */
const service = (raw: Record<string, unknown>) => ServiceSchema.parse({ image: 'nginx:1.27', ...raw });
const specOf = (raw: Record<string, unknown>, replica = 1, over: Partial<ResourceNames> = {}) =>
  containerSpec('web', service(raw), replica, { ...names, ...over });

describe('containerSpec: a minimal service', () => {
  it('gets the defaults Berth always sends', () => {
    expect(specOf({})).toEqual({
      name: 'shop-web-1',
      image: 'nginx:1.27',
      env: {},
      labels: {},
      ports: [],
      expose: [],
      mounts: [],
      tmpfs: {},
      capAdd: [],
      capDrop: [],
      readOnly: false,
      privileged: false,
      securityOpt: [],
      ulimits: [],
      extraHosts: [],
      dns: [],
      dnsSearch: [],
      sysctls: {},
      networks: [{ name: 'shop_default', aliases: ['web'] }],
    });
  });

  it('runs the image it is given (a built image is tagged by Berth), not the compose image', () => {
    expect(specOf({}, 1, { image: 'shop-web' }).image).toBe('shop-web');
  });

  it('names replicas <stack>-<service>-<n>, or container_name', () => {
    expect(specOf({}, 3).name).toBe('shop-web-3');
    expect(specOf({ container_name: 'web-main' }).name).toBe('web-main');
  });
});

describe('containerSpec: process', () => {
  it('passes command, entrypoint, user, working_dir, hostname and stop settings', () => {
    const spec = specOf({
      command: 'serve --port 80',
      entrypoint: ['/bin/sh', '-c'],
      user: '1000:1000',
      working_dir: '/app',
      hostname: 'web',
      domainname: 'example.org',
      stop_signal: 'SIGINT',
      stop_grace_period: '1m30s',
      tty: true,
      stdin_open: false,
      init: true,
    });
    expect(spec).toMatchObject({
      command: ['serve', '--port', '80'],
      entrypoint: ['/bin/sh', '-c'],
      user: '1000:1000',
      workingDir: '/app',
      hostname: 'web',
      domainname: 'example.org',
      stopSignal: 'SIGINT',
      stopTimeoutSeconds: 90,
      tty: true,
      stdinOpen: false,
      init: true,
    });
  });

  it('rounds stop_grace_period up to whole seconds', () => {
    expect(specOf({ stop_grace_period: '1500ms' }).stopTimeoutSeconds).toBe(2);
    expect(specOf({ stop_grace_period: '0s' }).stopTimeoutSeconds).toBe(0);
  });

  it('keeps `command: []` (clears the image default) apart from an absent command', () => {
    expect(specOf({ command: [] }).command).toEqual([]);
    expect('command' in specOf({})).toBe(false);
  });

  it('drops variables without a value and adds the install env over the file', () => {
    const spec = specOf({ environment: ['A=1', 'UNSET', 'FORCE=0'] }, 1, {
      installEnv: { FORCE: '1', EXTRA: 'yes' },
    });
    expect(spec.env).toEqual({ A: '1', FORCE: '1', EXTRA: 'yes' });
  });

  it('copies the service labels', () => {
    expect(specOf({ labels: ['team=a', 'tier=web'] }).labels).toEqual({ team: 'a', tier: 'web' });
  });
});

describe('containerSpec: ports', () => {
  it('maps published ports with host_ip, protocol, ranges and engine-chosen ports', () => {
    const spec = specOf({
      ports: [
        '127.0.0.1:8080:80',
        '9090-9091:8080',
        '443',
        { target: 53, published: '5353', protocol: 'udp', host_ip: '::1' },
      ],
      expose: ['3000', '4000/udp'],
    });
    expect(spec.ports).toEqual([
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 },
      { containerPort: 8080, protocol: 'tcp', hostPort: '9090-9091' },
      { containerPort: 443, protocol: 'tcp' },
      { containerPort: 53, protocol: 'udp', hostIp: '::1', hostPort: 5353 },
    ]);
    expect(spec.expose).toEqual([
      { containerPort: 3000, protocol: 'tcp' },
      { containerPort: 4000, protocol: 'udp' },
    ]);
  });

  it('expands a range on both sides port by port', () => {
    expect(specOf({ ports: ['9000-9001:9000-9001/udp'] }).ports).toEqual([
      { containerPort: 9000, protocol: 'udp', hostPort: 9000 },
      { containerPort: 9001, protocol: 'udp', hostPort: 9001 },
    ]);
  });
});

describe('containerSpec: storage', () => {
  it('maps bind, named, external, anonymous and tmpfs mounts with resolved volume names', () => {
    const spec = specOf({
      volumes: [
        '/srv/conf:/etc/conf:ro',
        'data:/var/lib/data',
        'shared:/shared',
        '/anon',
        { type: 'volume', source: 'data', target: '/nocopy', volume: { nocopy: true } },
        {
          type: 'bind',
          source: '/srv/x',
          target: '/x',
          bind: { propagation: 'rshared', create_host_path: false },
        },
        { type: 'tmpfs', target: '/scratch', tmpfs: { size: '64m', mode: 1777 } },
      ],
    });
    expect(spec.mounts).toEqual([
      { type: 'bind', source: '/srv/conf', target: '/etc/conf', readOnly: true, createHostPath: true },
      { type: 'volume', source: 'shop_data', target: '/var/lib/data', readOnly: false },
      { type: 'volume', source: 'ext-shared', target: '/shared', readOnly: false },
      { type: 'volume', target: '/anon', readOnly: false },
      { type: 'volume', source: 'shop_data', target: '/nocopy', readOnly: false, volumeNoCopy: true },
      {
        type: 'bind',
        source: '/srv/x',
        target: '/x',
        readOnly: false,
        createHostPath: false,
        bindPropagation: 'rshared',
      },
      {
        type: 'tmpfs',
        target: '/scratch',
        readOnly: false,
        tmpfsSizeBytes: 64 * 1024 * 1024,
        tmpfsMode: 1777,
      },
    ]);
  });

  it('maps the tmpfs key to path → options', () => {
    expect(specOf({ tmpfs: ['/run:size=64m,mode=1777', '/tmp'] }).tmpfs).toEqual({
      '/run': 'size=64m,mode=1777',
      '/tmp': '',
    });
    expect(specOf({ tmpfs: '/cache' }).tmpfs).toEqual({ '/cache': '' });
  });

  it('points volumes_from a service at its first replica, and keeps container: references', () => {
    expect(
      specOf({ volumes_from: ['db', 'db:ro', 'container:legacy', 'container:old:rw'] }).volumesFrom,
    ).toEqual(['shop-db-1', 'shop-db-1:ro', 'legacy', 'old:rw']);
  });
});

describe('containerSpec: health and restart', () => {
  it('maps the healthcheck with durations in milliseconds', () => {
    expect(
      specOf({
        healthcheck: {
          test: ['CMD', 'curl', '-f', 'http://localhost/'],
          interval: '10s',
          timeout: '2s',
          start_period: '1m',
          start_interval: '1s',
          retries: 3,
        },
      }).healthcheck,
    ).toEqual({
      test: ['CMD', 'curl', '-f', 'http://localhost/'],
      intervalMs: 10_000,
      timeoutMs: 2_000,
      startPeriodMs: 60_000,
      startIntervalMs: 1_000,
      retries: 3,
    });
  });

  it('turns a shell-string test into CMD-SHELL', () => {
    expect(specOf({ healthcheck: { test: 'pg_isready' } }).healthcheck?.test).toEqual([
      'CMD-SHELL',
      'pg_isready',
    ]);
  });

  it("disables the image's healthcheck with ['NONE']", () => {
    expect(specOf({ healthcheck: { disable: true } }).healthcheck).toEqual({ test: ['NONE'] });
    expect(specOf({ healthcheck: { disable: true, test: ['CMD', 'true'] } }).healthcheck?.test).toEqual([
      'NONE',
    ]);
  });

  it.each([
    ['no', { name: 'no' }],
    ['always', { name: 'always' }],
    ['unless-stopped', { name: 'unless-stopped' }],
    ['on-failure', { name: 'on-failure' }],
    ['on-failure:5', { name: 'on-failure', maximumRetryCount: 5 }],
  ])('maps restart: %s', (restart, expected) => {
    expect(specOf({ restart }).restartPolicy).toEqual(expected);
  });

  it.each([
    [{ condition: 'any' }, { name: 'always' }],
    [{ condition: 'none' }, { name: 'no' }],
    [
      { condition: 'on-failure', max_attempts: 3 },
      { name: 'on-failure', maximumRetryCount: 3 },
    ],
    [{ condition: 'on-failure' }, { name: 'on-failure' }],
  ])('falls back to deploy.restart_policy %j', (restart_policy, expected) => {
    expect(specOf({ deploy: { restart_policy } }).restartPolicy).toEqual(expected);
  });

  it('prefers restart over deploy.restart_policy, and sends none when neither is set', () => {
    expect(
      specOf({ restart: 'always', deploy: { restart_policy: { condition: 'none' } } }).restartPolicy,
    ).toEqual({ name: 'always' });
    expect('restartPolicy' in specOf({})).toBe(false);
  });
});

describe('containerSpec: resources and security', () => {
  it('reads limits from the service keys first, then from deploy.resources', () => {
    const fromDeploy = specOf({
      deploy: {
        resources: { limits: { cpus: '0.5', memory: '512m', pids: 100 }, reservations: { memory: '128m' } },
      },
    });
    expect(fromDeploy.resources).toEqual({
      nanoCpus: 500_000_000,
      memoryBytes: 512 * 1024 * 1024,
      memoryReservationBytes: 128 * 1024 * 1024,
      pidsLimit: 100,
    });
    const own = specOf({
      cpus: 1.5,
      mem_limit: '1g',
      mem_reservation: '256m',
      memswap_limit: '2g',
      pids_limit: 50,
      shm_size: '64m',
      cpu_shares: 512,
      deploy: { resources: { limits: { cpus: '0.5', memory: '512m', pids: 100 } } },
    });
    expect(own.resources).toEqual({
      nanoCpus: 1_500_000_000,
      memoryBytes: 1024 ** 3,
      memoryReservationBytes: 256 * 1024 * 1024,
      memorySwapBytes: 2 * 1024 ** 3,
      pidsLimit: 50,
      shmSizeBytes: 64 * 1024 * 1024,
      cpuShares: 512,
    });
    expect('resources' in specOf({})).toBe(false);
  });

  it('maps ulimits, capabilities, security options, read_only, privileged', () => {
    expect(
      specOf({
        ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 512 },
        cap_add: ['NET_ADMIN'],
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        read_only: true,
        privileged: true,
        group_add: ['audio', 44],
        ipc: 'host',
        pid: 'host',
        platform: 'linux/amd64',
      }),
    ).toMatchObject({
      ulimits: [
        { name: 'nofile', soft: 1024, hard: 2048 },
        { name: 'nproc', soft: 512, hard: 512 },
      ],
      capAdd: ['NET_ADMIN'],
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges:true'],
      readOnly: true,
      privileged: true,
      groupAdd: ['audio', '44'],
      ipc: 'host',
      pid: 'host',
      platform: 'linux/amd64',
    });
  });

  it('maps logging, dropping options without a value', () => {
    expect(
      specOf({ logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': null } } }).logging,
    ).toEqual({ driver: 'json-file', options: { 'max-size': '10m' } });
  });
});

describe('containerSpec: networking', () => {
  it('maps extra_hosts, dns, dns_search and sysctls', () => {
    expect(
      specOf({
        extra_hosts: ['somehost:1.2.3.4', 'v6host=::1'],
        dns: '8.8.8.8',
        dns_search: ['a.example', 'b.example'],
        sysctls: ['net.core.somaxconn=1024'],
      }),
    ).toMatchObject({
      extraHosts: ['somehost:1.2.3.4', 'v6host:::1'],
      dns: ['8.8.8.8'],
      dnsSearch: ['a.example', 'b.example'],
      sysctls: { 'net.core.somaxconn': '1024' },
    });
  });

  it('attaches networks by engine name, highest priority first, with the service name as alias', () => {
    const spec = specOf({
      networks: {
        front: { aliases: ['www', 'web'] },
        back: { priority: 10, ipv4_address: '10.0.0.5', ipv6_address: 'fd00::5' },
        default: null,
      },
    });
    expect(spec.networks).toEqual([
      { name: 'edge', aliases: ['web'], ipv4Address: '10.0.0.5', ipv6Address: 'fd00::5' },
      { name: 'shop_front', aliases: ['web', 'www'] },
      { name: 'shop_default', aliases: ['web'] },
    ]);
    expect('networkMode' in spec).toBe(false);
  });

  it('joins the first replica of another service for network_mode service:x, and no network', () => {
    const spec = specOf({ network_mode: 'service:vpn' });
    expect(spec.networkMode).toBe('container:shop-vpn-1');
    expect(spec.networks).toEqual([]);
  });

  it('passes other network modes through', () => {
    expect(specOf({ network_mode: 'host' })).toMatchObject({ networkMode: 'host', networks: [] });
    expect(specOf({ network_mode: 'container:abc' }).networkMode).toBe('container:abc');
  });
});

describe('containerSpec: healthcheck timings alone', () => {
  it('override the image healthcheck timings and inherit its test (empty test)', () => {
    expect(specOf({ healthcheck: { interval: '5s', retries: 4 } }).healthcheck).toEqual({
      test: [],
      intervalMs: 5000,
      retries: 4,
    });
  });
});
