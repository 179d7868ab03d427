import { describe, expect, it } from 'vitest';
import { hitsOf, keys } from '../../../test/support/audit-standards.js';
import {
  defaultBridge,
  hostNamespace,
  isRootUser,
  runsAsRoot,
  writableRootFs,
} from './security-isolation.js';

describe('host-namespace', () => {
  it('reports one hit per host namespace, at its key', async () => {
    const hits = await hitsOf(
      hostNamespace,
      `
services:
  all:
    image: alpine:3.20
    network_mode: host
    pid: host
    ipc: host
    userns_mode: host
  net:
    image: alpine:3.20
    network_mode: host
  fine:
    image: alpine:3.20
    network_mode: "service:all"
    pid: "service:all"
    ipc: shareable
`,
    );
    expect(keys(hits)).toEqual([
      'app/all: network_mode=host',
      'app/all: pid=host',
      'app/all: ipc=host',
      'app/all: userns_mode=host',
      'app/net: network_mode=host',
    ]);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'all', 'network_mode'],
      ['services', 'all', 'pid'],
      ['services', 'all', 'ipc'],
      ['services', 'all', 'userns_mode'],
      ['services', 'net', 'network_mode'],
    ]);
    expect(hits[1]?.fix).toBe('remove `pid: host` in `all`');
  });

  it('reports nothing for isolated services', async () => {
    expect(await hitsOf(hostNamespace, 'services:\n  a:\n    image: alpine:3.20\n')).toEqual([]);
  });
});

describe('default-bridge', () => {
  it('reports network_mode: bridge only', async () => {
    const hits = await hitsOf(
      defaultBridge,
      `
services:
  old:
    image: alpine:3.20
    network_mode: bridge
  host:
    image: alpine:3.20
    network_mode: host
  plain:
    image: alpine:3.20
`,
    );
    expect(keys(hits)).toEqual(['app/old: network_mode=bridge']);
    expect(hits[0]?.path).toEqual(['services', 'old', 'network_mode']);
  });
});

describe('runs-as-root', () => {
  it('recognizes uid 0 however it is written', () => {
    for (const user of ['root', 'ROOT', '0', '0:0', 'root:root', '0:1000', '00'])
      expect(isRootUser(user)).toBe(true);
    for (const user of ['1000', '1000:0', 'node', 'app:root', 'rooted', '10'])
      expect(isRootUser(user)).toBe(false);
  });

  it('reports services with no user or a root user', async () => {
    const hits = await hitsOf(
      runsAsRoot,
      `
services:
  unset:
    image: alpine:3.20
  root:
    image: alpine:3.20
    user: root
  zero:
    image: alpine:3.20
    user: "0:0"
  app:
    image: alpine:3.20
    user: "1000:1000"
  named:
    image: node:20.18.0
    user: node
`,
    );
    expect(keys(hits)).toEqual(['app/unset: user=unset', 'app/root: user=root', 'app/zero: user=root']);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'unset'],
      ['services', 'root', 'user'],
      ['services', 'zero', 'user'],
    ]);
    expect(hits[0]?.message).toContain("image's default user");
    expect(hits[2]?.message).toContain('user: 0:0');
  });
});

describe('writable-root-fs', () => {
  it('reports services without read_only: true', async () => {
    const hits = await hitsOf(
      writableRootFs,
      `
services:
  unset:
    image: alpine:3.20
  off:
    image: alpine:3.20
    read_only: false
  on:
    image: alpine:3.20
    read_only: true
  text:
    image: alpine:3.20
    read_only: "true"
`,
    );
    expect(keys(hits)).toEqual(['app/unset: read_only=false', 'app/off: read_only=false']);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'unset'],
      ['services', 'off', 'read_only'],
    ]);
    expect(hits[0]?.fix).toContain('read_only: true');
  });
});
