import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import { loadWorkspace } from '../../../src/compose/stack.js';
import { type DeployHarness, SLEEPER, startHarness } from './support.js';

// Secrets and configs from files, devices, link aliases and the resource keys reach the container:
// checked inside it (docker exec) and with docker inspect, not in Berth's own model.

let h: DeployHarness;
let stack = '';

const COMPOSE = `x-berth:
  deploy: { health_timeout: 30s, stable_window: 1s }
services:
  db:
    image: local/busybox:1
    command: ${SLEEPER}
  app:
    image: local/busybox:1
    command: ${SLEEPER}
    environment:
      DB_PASSWORD_FILE: /run/secrets/db-password
    secrets:
      - db-password
      - source: api-key
        target: api.key
    configs:
      - source: app-conf
        target: /etc/app/app.conf
      - plain
    devices:
      - /dev/null:/dev/xnull
      - source: /dev/zero
        target: /dev/xzero
        permissions: r
    links:
      - db:database
    dns_search: example.internal
    mem_limit: 64m
    mem_reservation: 32m
    memswap_limit: 128m
    cpu_shares: 512
secrets:
  db-password:
    file: ./secrets/db-password.txt
  api-key:
    file: ./secrets/api.key
configs:
  app-conf:
    file: ./app.conf
  plain:
    file: ./plain.txt
`;

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const inApp = (...cmd: string[]): string => docker('exec', `${stack}-app-1`, ...cmd);

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
});

afterAll(async () => {
  await h?.cleanup();
});

describe.sequential('secrets, configs, devices and links from compose', () => {
  it('deploys with no SPEC_NOT_APPLIED warning', async () => {
    const dir = h.writeStack(COMPOSE);
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'db-password.txt'), 's3cret-pw\n');
    writeFileSync(join(dir, 'secrets', 'api.key'), 'key-123');
    writeFileSync(join(dir, 'app.conf'), 'listen=8080\n');
    writeFileSync(join(dir, 'plain.txt'), 'plain config');
    const workspace = await loadWorkspace(dir, {
      env: { COMPOSE_PROJECT_NAME: stack },
      registry: builtinXBerthRegistry(),
    });
    expect(workspace.diagnostics).toEqual([]);
    const result = await h.deploy(await h.load(dir, stack));
    expect(result.outcome).toBe('succeeded');
  });

  it('mounts file secrets read-only under /run/secrets', () => {
    expect(inApp('cat', '/run/secrets/db-password')).toBe('s3cret-pw');
    expect(inApp('cat', '/run/secrets/api.key')).toBe('key-123');
    expect(inApp('sh', '-c', 'echo x > /run/secrets/db-password 2>/dev/null || echo refused')).toBe(
      'refused',
    );
  });

  it('mounts file configs at their target, or /<name>', () => {
    expect(inApp('cat', '/etc/app/app.conf')).toBe('listen=8080');
    expect(inApp('cat', '/plain')).toBe('plain config');
  });

  it('passes devices in short and long syntax', () => {
    expect(inApp('sh', '-c', 'test -c /dev/xnull && test -c /dev/xzero && echo ok')).toBe('ok');
    const devices = JSON.parse(docker('inspect', '-f', '{{json .HostConfig.Devices}}', `${stack}-app-1`));
    expect(devices).toEqual([
      { PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/zero', PathInContainer: '/dev/xzero', CgroupPermissions: 'r' },
    ]);
  });

  it('resolves the link alias of the linked service', () => {
    const ip = docker(
      'inspect',
      '-f',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
      `${stack}-db-1`,
    );
    // busybox nslookup would append the dns_search domain; ping resolves like the application does.
    expect(inApp('ping', '-c1', '-W1', 'database')).toContain(`(${ip})`);
  });

  it('applies dns_search, mem_reservation, memswap_limit and cpu_shares', () => {
    const host = JSON.parse(docker('inspect', '-f', '{{json .HostConfig}}', `${stack}-app-1`));
    expect(host).toMatchObject({
      DnsSearch: ['example.internal'],
      Memory: 64 * 1024 * 1024,
      MemoryReservation: 32 * 1024 * 1024,
      MemorySwap: 128 * 1024 * 1024,
      CpuShares: 512,
    });
  });
});
