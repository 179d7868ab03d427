import { describe, expect, it } from 'vitest';
import { hitsOf, keys, stackOf } from '../../../test/support/audit-standards.js';
import {
  dockerSocketMounted,
  isDockerSocket,
  normalizeHostPath,
  sensitiveHostPath,
  sensitiveHostPathRule,
} from './security-mounts.js';

describe('host path helpers', () => {
  it('normalizes repeated and trailing slashes', () => {
    expect(normalizeHostPath('//var//run/docker.sock/')).toBe('/var/run/docker.sock');
    expect(normalizeHostPath('/')).toBe('/');
    expect(normalizeHostPath('///')).toBe('/');
  });

  it('knows the docker socket in its usual places', () => {
    expect(isDockerSocket('/var/run/docker.sock')).toBe(true);
    expect(isDockerSocket('/run/docker.sock')).toBe(true);
    expect(isDockerSocket('/run/user/1000/docker.sock')).toBe(true);
    expect(isDockerSocket('/var/run')).toBe(false);
    expect(isDockerSocket('/srv/app/docker.sock.bak')).toBe(false);
    expect(isDockerSocket('/var/run/containerd/containerd.sock')).toBe(false);
  });

  it('classifies host paths', () => {
    expect(sensitiveHostPath('/')).toBe('/');
    expect(sensitiveHostPath('/etc')).toBe('/etc');
    expect(sensitiveHostPath('/etc/nginx/nginx.conf')).toBe('/etc');
    expect(sensitiveHostPath('/proc')).toBe('/proc');
    expect(sensitiveHostPath('/sys/fs/cgroup')).toBe('/sys');
    expect(sensitiveHostPath('/boot')).toBe('/boot');
    expect(sensitiveHostPath('/dev/dri')).toBe('/dev');
    expect(sensitiveHostPath('/var/run/dbus')).toBe('/var/run');
    expect(sensitiveHostPath('/run/systemd')).toBe('/run');
    expect(sensitiveHostPath('/var/lib/docker/volumes')).toBe('/var/lib/docker');
    // Ancestors of a sensitive tree expose it.
    expect(sensitiveHostPath('/var')).toBe('/var');
    expect(sensitiveHostPath('/var/lib')).toBe('/var/lib');
    expect(sensitiveHostPath('/root')).toBe('/root');
    expect(sensitiveHostPath('/home')).toBe('/home');
    expect(sensitiveHostPath('/home/ana/.ssh')).toBe('/home/ana/.ssh');
    expect(sensitiveHostPath('/root/.docker/config.json')).toBe('/root/.docker/config.json');
    // Data folders are not sensitive.
    expect(sensitiveHostPath('/home/ana/media')).toBeUndefined();
    expect(sensitiveHostPath('/root/stacks/app/data')).toBeUndefined();
    expect(sensitiveHostPath('/srv/data')).toBeUndefined();
    expect(sensitiveHostPath('/etcetera')).toBeUndefined();
    expect(sensitiveHostPath('/devices')).toBeUndefined();
    expect(sensitiveHostPath('/var/lib/dockerish')).toBeUndefined();
    expect(sensitiveHostPath('/var/log')).toBeUndefined();
  });
});

describe('docker-socket-mounted', () => {
  it('reports each socket bind, read-only or not, located at the mount', async () => {
    const hits = await hitsOf(
      dockerSocketMounted,
      `
services:
  traefik:
    image: traefik:v3.1
    volumes:
      - ./traefik.yml:/etc/traefik/traefik.yml:ro
      - /var/run/docker.sock:/var/run/docker.sock:ro
  agent:
    image: portainer/agent:2.21.0
    volumes:
      - type: bind
        source: /run/docker.sock
        target: /var/run/docker.sock
      - /run/user/1000/docker.sock:/rootless.sock
`,
    );
    expect(keys(hits)).toEqual([
      'app/traefik: bind=/var/run/docker.sock:/var/run/docker.sock',
      'app/agent: bind=/run/docker.sock:/var/run/docker.sock',
      'app/agent: bind=/run/user/1000/docker.sock:/rootless.sock',
    ]);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'traefik', 'volumes', 1],
      ['services', 'agent', 'volumes', 0],
      ['services', 'agent', 'volumes', 1],
    ]);
    expect(hits[0]?.message).toContain('read-only does not limit the API');
    expect(hits[1]?.message).not.toContain('read-only');
    expect(hits[0]?.fix).toContain('/var/run/docker.sock:/var/run/docker.sock');
  });

  it('ignores services without the socket, named volumes and anonymous volumes', async () => {
    const hits = await hitsOf(
      dockerSocketMounted,
      `
services:
  web:
    image: nginx:1.27.3
    volumes:
      - docker.sock:/var/run/docker.sock
      - /var/run
      - ./docker.sock:/x
volumes:
  docker.sock: {}
`,
    );
    expect(hits).toEqual([]);
  });
});

describe('sensitive-host-path', () => {
  it('reports sensitive binds and every device, one hit each', async () => {
    const hits = await hitsOf(
      sensitiveHostPathRule,
      `
services:
  exporter:
    image: prom/node-exporter:v1.8.2
    volumes:
      - /proc:/host/proc:ro
      - /sys:/host/sys:ro
      - /:/rootfs:ro
      - /etc/localtime:/etc/localtime:ro
      - /var/run/docker.sock:/var/run/docker.sock
  tool:
    image: alpine:3.20
    volumes:
      - /etc:/host/etc
      - /etc/localtime:/etc/localtime
      - /home/ana/.ssh:/root/.ssh:ro
      - /srv/data:/data
      - ./conf:/conf
    devices:
      - /dev/sda
      - /dev/ttyUSB0:/dev/zigbee:rwm
`,
    );
    expect(keys(hits)).toEqual([
      'app/exporter: bind=/proc:/host/proc',
      'app/exporter: bind=/sys:/host/sys',
      'app/exporter: bind=/:/rootfs',
      'app/tool: bind=/etc:/host/etc',
      'app/tool: bind=/etc/localtime:/etc/localtime',
      'app/tool: bind=/home/ana/.ssh:/root/.ssh',
      'app/tool: device=/dev/sda',
      'app/tool: device=/dev/ttyUSB0:/dev/zigbee',
    ]);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'exporter', 'volumes', 0],
      ['services', 'exporter', 'volumes', 1],
      ['services', 'exporter', 'volumes', 2],
      ['services', 'tool', 'volumes', 0],
      ['services', 'tool', 'volumes', 1],
      ['services', 'tool', 'volumes', 2],
      ['services', 'tool', 'devices', 0],
      ['services', 'tool', 'devices', 1],
    ]);
    expect(hits[0]?.message).toContain('read-only');
    expect(hits[3]?.message).toContain('read-write');
    expect(hits[3]?.fix).toContain('/etc:/host/etc:ro');
    expect(hits[4]?.message).toContain('(under /etc)');
  });

  it('leaves data folders, the stack folder (even its .ssh) and named volumes alone', async () => {
    const hits = await hitsOf(
      sensitiveHostPathRule,
      `
services:
  web:
    image: nginx:1.27.3
    volumes:
      - ./etc:/etc/nginx/conf.d:ro
      - .:/app
      - ./.ssh:/root/.ssh:ro
      - /srv/www:/usr/share/nginx/html:ro
      - /home/ana/media:/media
      - /etc/timezone:/etc/timezone:ro
      - /etc/ssl/certs:/etc/ssl/certs:ro
      - etc:/etc/app
volumes:
  etc: {}
`,
    );
    expect(hits).toEqual([]);
  });

  it('gives the same evidence whatever the snapshot folder', async () => {
    const compose = 'services:\n  a:\n    image: alpine:3.20\n    volumes: ["/etc/passwd:/etc/passwd:ro"]\n';
    const first = await hitsOf(sensitiveHostPathRule, compose);
    const second = await hitsOf(sensitiveHostPathRule, compose);
    expect(keys(first)).toEqual(['app/a: bind=/etc/passwd:/etc/passwd']);
    expect(keys(second)).toEqual(keys(first));
  });

  it('reports nothing for a stack without services that touch the host', async () => {
    const { snapshot } = await stackOf('services:\n  a:\n    image: alpine:3.20\n');
    expect(sensitiveHostPathRule.check(snapshot)).toEqual([]);
    expect(dockerSocketMounted.check(snapshot)).toEqual([]);
  });
});
