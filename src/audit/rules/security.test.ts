import { describe, expect, it } from 'vitest';
import { snapshotOf, stackOf } from '../../../test/support/audit-standards.js';
import { RULE_IDS, type Severity } from '../types.js';
import { SECURITY_RULES } from './security.js';

/** The severities RULE_IDS documents for the security baseline. */
const SEVERITY: Readonly<Record<string, Severity>> = {
  'docker-socket-mounted': 'critical',
  privileged: 'critical',
  'dangerous-capability': 'high',
  'no-cap-drop-all': 'low',
  'host-namespace': 'high',
  'no-new-privileges-missing': 'medium',
  'unconfined-profile': 'high',
  'sensitive-host-path': 'high',
  'no-pids-limit': 'low',
  'logging-disabled': 'medium',
  'no-restart-policy': 'low',
  'default-bridge': 'low',
  'runs-as-root': 'info',
  'writable-root-fs': 'info',
};

/** A service that meets the whole baseline. */
const HARDENED = `
services:
  api:
    image: ghcr.io/acme/api:1.4.2
    user: "1000:1000"
    read_only: true
    tmpfs: [/tmp]
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: ["no-new-privileges:true"]
    pids_limit: 200
    restart: unless-stopped
    logging:
      driver: local
    volumes:
      - ./config:/config:ro
      - data:/data
volumes:
  data: {}
`;

/** A service that breaks every rule of the baseline at least once. */
const RECKLESS = `
services:
  box:
    image: alpine:3.20
    privileged: true
    cap_add: [SYS_ADMIN]
    network_mode: host
    security_opt: ["seccomp=unconfined"]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /etc:/host/etc
    logging:
      driver: none
  legacy:
    image: alpine:3.20
    network_mode: bridge
`;

describe('SECURITY_RULES', () => {
  it('lists the security baseline in RULE_IDS order', () => {
    const start = RULE_IDS.indexOf('docker-socket-mounted');
    expect(start).toBeGreaterThan(0);
    expect(SECURITY_RULES.map((r) => r.id)).toEqual(RULE_IDS.slice(start));
  });

  it('gives each rule its documented severity, the security category and its texts', () => {
    for (const rule of SECURITY_RULES) {
      expect(rule.severity, rule.id).toBe(SEVERITY[rule.id]);
      expect(rule.category, rule.id).toBe('security');
      expect(rule.title.length, rule.id).toBeGreaterThan(0);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(20);
      expect(rule.fix.length, rule.id).toBeGreaterThan(5);
      expect(rule.live, rule.id).toBeUndefined();
    }
  });

  it('finds nothing on a hardened service', async () => {
    const { snapshot } = await stackOf(HARDENED);
    for (const rule of SECURITY_RULES) expect(rule.check(snapshot), rule.id).toEqual([]);
  });

  it('has every rule fire on a reckless stack, with locatable paths', async () => {
    const { snapshot } = await stackOf(RECKLESS);
    const stack = snapshot.stacks[0];
    expect(stack).toBeDefined();
    for (const rule of SECURITY_RULES) {
      const hits = rule.check(snapshot);
      expect(hits.length, rule.id).toBeGreaterThan(0);
      for (const hit of hits) {
        expect(hit.stack).toBe('app');
        expect(hit.path?.slice(0, 2), rule.id).toEqual(['services', hit.service]);
        expect(hit.evidence, rule.id).not.toMatch(/\s/);
        expect(hit.fix, rule.id).toBeTruthy();
        const at = stack?.loaded.locate(hit.path ?? [], 'key');
        expect(at?.file, rule.id).toBe(stack?.loaded.files[0]);
        expect(at?.pos.line, rule.id).toBeGreaterThan(0);
      }
    }
  });

  it('is pure and deterministic: same snapshot, same hits, in stack then service order', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'zeta/compose.yaml': RECKLESS, 'alpha/compose.yaml': RECKLESS },
    });
    expect(snapshot.stacks.map((s) => s.name)).toEqual(['alpha', 'zeta']);
    for (const rule of SECURITY_RULES) {
      const first = rule.check(snapshot);
      expect(rule.check(snapshot), rule.id).toEqual(first);
      const stacks = first.map((h) => h.stack);
      expect(stacks, rule.id).toEqual([...stacks].sort());
      // The same problem in two stacks is two findings, told apart by stack, not evidence.
      const alpha = first.filter((h) => h.stack === 'alpha').map((h) => `${h.service}:${h.evidence}`);
      const zeta = first.filter((h) => h.stack === 'zeta').map((h) => `${h.service}:${h.evidence}`);
      expect(alpha, rule.id).toEqual(zeta);
      expect(new Set(alpha).size, rule.id).toBe(alpha.length);
    }
  });

  it('leaves services disabled by profiles out', async () => {
    const { snapshot } = await stackOf(`
services:
  api:
    image: alpine:3.20
  debug:
    image: alpine:3.20
    privileged: true
    profiles: [debug]
`);
    for (const rule of SECURITY_RULES)
      expect(rule.check(snapshot).filter((h) => h.service === 'debug')).toEqual([]);
  });
});
