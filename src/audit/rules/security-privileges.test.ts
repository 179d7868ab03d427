import { describe, expect, it } from 'vitest';
import { hitsOf, keys } from '../../../test/support/audit-standards.js';
import {
  dangerousCapability,
  noCapDropAll,
  noNewPrivilegesMissing,
  normalizeCapability,
  privileged,
  unconfinedOption,
  unconfinedProfile,
} from './security-privileges.js';

describe('privileged', () => {
  it('reports privileged: true (also written as a string) at the key', async () => {
    const hits = await hitsOf(
      privileged,
      `
services:
  a:
    image: alpine:3.20
    privileged: true
  b:
    image: alpine:3.20
    privileged: "true"
  c:
    image: alpine:3.20
    privileged: false
  d:
    image: alpine:3.20
`,
    );
    expect(keys(hits)).toEqual(['app/a: privileged=true', 'app/b: privileged=true']);
    expect(hits[0]?.path).toEqual(['services', 'a', 'privileged']);
    expect(hits[0]?.fix).toContain('privileged: true');
  });
});

describe('dangerous-capability', () => {
  it('normalizes capability names', () => {
    expect(normalizeCapability('sys_admin')).toBe('SYS_ADMIN');
    expect(normalizeCapability('CAP_NET_ADMIN')).toBe('NET_ADMIN');
    expect(normalizeCapability(' all ')).toBe('ALL');
  });

  it('reports one hit per dangerous capability, located at its entry', async () => {
    const hits = await hitsOf(
      dangerousCapability,
      `
services:
  vpn:
    image: qmcgaw/gluetun:v3.39.1
    cap_add: [NET_ADMIN, CHOWN, sys_module, CAP_SYS_ADMIN, SYS_ADMIN]
  debug:
    image: alpine:3.20
    cap_add:
      - ALL
      - SYS_PTRACE
      - DAC_READ_SEARCH
      - SYS_RAWIO
      - SYS_BOOT
  web:
    image: nginx:1.27.3
    cap_add: [NET_BIND_SERVICE, NET_RAW]
`,
    );
    expect(keys(hits)).toEqual([
      'app/vpn: cap_add=NET_ADMIN',
      'app/vpn: cap_add=SYS_MODULE',
      'app/vpn: cap_add=SYS_ADMIN',
      'app/debug: cap_add=ALL',
      'app/debug: cap_add=SYS_PTRACE',
      'app/debug: cap_add=DAC_READ_SEARCH',
      'app/debug: cap_add=SYS_RAWIO',
      'app/debug: cap_add=SYS_BOOT',
    ]);
    expect(hits.slice(0, 3).map((h) => h.path)).toEqual([
      ['services', 'vpn', 'cap_add', 0],
      ['services', 'vpn', 'cap_add', 2],
      ['services', 'vpn', 'cap_add', 3],
    ]);
    expect(hits[1]?.fix).toBe('remove `sys_module` from `cap_add` of `vpn`');
    expect(hits[3]?.message).toContain('every capability');
  });

  it('reports nothing without cap_add', async () => {
    expect(await hitsOf(dangerousCapability, 'services:\n  a:\n    image: alpine:3.20\n')).toEqual([]);
  });
});

describe('no-cap-drop-all', () => {
  it('reports services that do not drop ALL', async () => {
    const hits = await hitsOf(
      noCapDropAll,
      `
services:
  none:
    image: alpine:3.20
  some:
    image: alpine:3.20
    cap_drop: [NET_RAW, MKNOD]
  all:
    image: alpine:3.20
    cap_drop: [ALL]
  lower:
    image: alpine:3.20
    cap_drop: [all]
  prefixed:
    image: alpine:3.20
    cap_drop: [CAP_ALL]
`,
    );
    expect(keys(hits)).toEqual(['app/none: cap_drop-without-ALL', 'app/some: cap_drop-without-ALL']);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'none'],
      ['services', 'some', 'cap_drop'],
    ]);
    expect(hits[0]?.fix).toContain('cap_drop: [ALL]');
  });
});

describe('no-new-privileges-missing', () => {
  it('is marked for the no-new-privileges autofix', () => {
    expect(noNewPrivilegesMissing.autofix).toBe('no-new-privileges');
  });

  it('accepts every spelling of the option and reports the rest', async () => {
    const hits = await hitsOf(
      noNewPrivilegesMissing,
      `
services:
  colon:
    image: alpine:3.20
    security_opt: ["no-new-privileges:true"]
  equals:
    image: alpine:3.20
    security_opt: ["no-new-privileges=true"]
  bare:
    image: alpine:3.20
    security_opt: [no-new-privileges]
  missing:
    image: alpine:3.20
  other:
    image: alpine:3.20
    security_opt: ["apparmor=docker-default"]
  off:
    image: alpine:3.20
    security_opt: ["no-new-privileges:false"]
`,
    );
    expect(keys(hits)).toEqual([
      'app/missing: no-new-privileges',
      'app/other: no-new-privileges',
      'app/off: no-new-privileges',
    ]);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'missing'],
      ['services', 'other', 'security_opt'],
      ['services', 'off', 'security_opt'],
    ]);
    expect(hits[0]?.fix).toBe('add `no-new-privileges:true` to `security_opt` of `missing`');
  });
});

describe('unconfined-profile', () => {
  it('recognizes the options that switch confinement off', () => {
    expect(unconfinedOption('seccomp:unconfined')).toBe('seccomp:unconfined');
    expect(unconfinedOption('seccomp=unconfined')).toBe('seccomp:unconfined');
    expect(unconfinedOption('apparmor=unconfined')).toBe('apparmor:unconfined');
    expect(unconfinedOption('AppArmor:Unconfined')).toBe('apparmor:unconfined');
    expect(unconfinedOption('label:disable')).toBe('label:disable');
    expect(unconfinedOption('label=disable')).toBe('label:disable');
    expect(unconfinedOption('systempaths=unconfined')).toBe('systempaths:unconfined');
    expect(unconfinedOption('seccomp=./profile.json')).toBeUndefined();
    expect(unconfinedOption('apparmor=docker-default')).toBeUndefined();
    expect(unconfinedOption('seccomp=disable')).toBeUndefined();
    expect(unconfinedOption('label:unconfined')).toBeUndefined();
    expect(unconfinedOption('label=type:container_t')).toBeUndefined();
    expect(unconfinedOption('no-new-privileges:true')).toBeUndefined();
  });

  it('reports each unconfined entry at its index', async () => {
    const hits = await hitsOf(
      unconfinedProfile,
      `
services:
  a:
    image: alpine:3.20
    security_opt:
      - no-new-privileges:true
      - seccomp=unconfined
      - apparmor:unconfined
      - label:disable
  b:
    image: alpine:3.20
    security_opt: ["seccomp=./seccomp.json", "apparmor=docker-default"]
  c:
    image: alpine:3.20
`,
    );
    expect(keys(hits)).toEqual([
      'app/a: security_opt=seccomp:unconfined',
      'app/a: security_opt=apparmor:unconfined',
      'app/a: security_opt=label:disable',
    ]);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'a', 'security_opt', 1],
      ['services', 'a', 'security_opt', 2],
      ['services', 'a', 'security_opt', 3],
    ]);
    expect(hits[0]?.fix).toBe('remove `seccomp=unconfined` from `security_opt` of `a`');
  });
});
