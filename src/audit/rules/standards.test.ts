import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../test/support/audit-standards.js';
import type { MailFacts } from '../mail/facts.js';
import { type LiveFacts, RULE_IDS, type Severity } from '../types.js';
import { STANDARDS_RULES } from './standards.js';

/** The severities RULE_IDS documents for the standards. */
const SEVERITY: Readonly<Record<string, Severity>> = {
  'image-not-pinned': 'medium',
  'env-file-permissions': 'high',
  'healthcheck-missing': 'medium',
  'healthcheck-timing': 'low',
  'depends-on-not-healthy': 'medium',
  'traefik-router-incomplete': 'medium',
  'public-route-unprotected': 'high',
  'proxy-dashboard-insecure': 'critical',
  'default-credentials': 'critical',
  'hardcoded-secret': 'high',
  'secret-reused': 'high',
  'no-resource-limits': 'low',
  'stack-no-readme': 'low',
  'stack-not-in-catalog': 'medium',
  'catalog-entry-missing': 'high',
  'volume-no-backup': 'medium',
  'db-port-public': 'high',
  'bind-mount-data-dir': 'low',
  'stale-files': 'low',
  'declared-not-running': 'medium',
  'running-not-declared': 'medium',
  'duplicate-database': 'info',
  'mail-spf-missing': 'high',
  'mail-spf-permissive': 'high',
  'mail-dmarc-missing': 'high',
  'mail-dmarc-not-enforced': 'medium',
  'mail-dkim-missing': 'high',
  'mail-dkim-weak-key': 'medium',
  'mail-not-checked': 'medium',
};
/** The rules that need the running engine (`--live`), and those that need DNS lookups (`--dns`). */
const LIVE = ['declared-not-running', 'running-not-declared'];
const DNS = [
  'mail-spf-missing',
  'mail-spf-permissive',
  'mail-dmarc-missing',
  'mail-dmarc-not-enforced',
  'mail-dkim-missing',
  'mail-dkim-weak-key',
  'mail-not-checked',
];

const HEALTH =
  'healthcheck: { test: ["CMD", "true"], interval: 10s, timeout: 5s, retries: 3, start_period: 60s }';
const LIMITS = 'deploy: { resources: { limits: { memory: 512M, cpus: "1" } } }';

/** A stack that meets every standard. */
const CLEAN = `services:
  web:
    image: ghcr.io/acme/shop:2.4.1
    ${HEALTH}
    ${LIMITS}
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
    depends_on: { db: { condition: service_healthy } }
    labels:
      traefik.enable: "true"
      traefik.http.routers.shop.rule: Host(\`shop.example.com\`)
      traefik.http.routers.shop.entrypoints: websecure
      traefik.http.routers.shop.tls.certresolver: le
      traefik.http.routers.shop.middlewares: shop-headers,shop-limit
      traefik.http.middlewares.shop-headers.headers.stsSeconds: "31536000"
      traefik.http.middlewares.shop-limit.ratelimit.average: "100"
  db:
    image: postgres:16.4
    ${HEALTH}
    ${LIMITS}
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    ports: ["127.0.0.1:5432:5432"]
    volumes: [pg:/var/lib/postgresql/data]
  backup:
    image: offen/docker-volume-backup:v2.43.0
    ${HEALTH}
    ${LIMITS}
    volumes: [pg:/backup/pg:ro]
volumes: { pg: {} }
`;

/** A stack that breaks every standard at least once (with the catalog and live facts below). */
const MESSY = `services:
  traefik:
    image: traefik
    command: [--api.insecure=true]
    environment: { API_TOKEN: literal-token-value }
    labels:
      traefik.http.routers.dash.rule: Host(\`traefik.example.com\`)
      traefik.http.routers.dash.service: api@internal
      traefik.http.routers.open.entrypoints: websecure
      traefik.http.middlewares.spare-limit.ratelimit.average: "10"
  db:
    image: mysql:8
    environment: { MYSQL_ROOT_PASSWORD: "\${ROOT_PW:-changeme}", MYSQL_PASSWORD: shared-across-stacks }
    ports: ["3306:3306"]
    volumes: [./mysql:/var/lib/mysql, dbdata:/backup]
    healthcheck: { test: ["CMD", "true"], interval: 5s, timeout: 10s }
  web:
    image: app:1
    depends_on: [db]
volumes: { dbdata: {} }
`;

const files = {
  'berth.yaml': 'stacks:\n  shop:\n    path: shop\n  messy:\n    path: messy\n  gone:\n    path: gone\n',
  'shop/compose.yaml': CLEAN,
  'shop/README.md': '# shop\n',
  'shop/.env': 'DB_PASSWORD=Kq8-unique-shop-secret\n',
  'messy/compose.yaml': MESSY,
  'messy/.env': 'ROOT_PW=x\n',
  'messy/compose.yaml.bak': MESSY,
  'stray/compose.yaml': `services:\n  db:\n    image: mariadb:11.4\n    environment: { MARIADB_PASSWORD: shared-across-stacks }\n`,
};

const container = (stack: string, service: string): LiveFacts['containers'][number] => ({
  stack,
  service,
  name: `${stack}-${service}-1`,
  berth: false,
  state: 'running',
  restartCount: 0,
  image: 'x',
  imageId: 'sha256:1',
  imageTags: [],
  imageDigests: [],
});

/** A DKIM key record with an RSA key of `bits`. */
const dkimKey = (bits: number) =>
  `v=DKIM1; k=rsa; p=${generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

/** Two mail domains of the messy stack whose DNS trips every mail rule between them. */
const MESSY_MAIL: readonly MailFacts[] = [
  {
    stack: 'messy',
    domain: 'messy.test',
    selectors: ['s1'],
    resolver: '127.0.0.1:53',
    txt: {
      'messy.test': { status: 'none', rcode: 'NOERROR' },
      '_dmarc.messy.test': { status: 'none', rcode: 'NXDOMAIN' },
      's1._domainkey.messy.test': { status: 'none', rcode: 'NXDOMAIN' },
    },
  },
  {
    stack: 'messy',
    domain: 'open.test',
    selectors: ['s1', 's2'],
    resolver: '127.0.0.1:53',
    txt: {
      'open.test': { status: 'found', records: ['v=spf1 mx +all'] },
      '_dmarc.open.test': { status: 'found', records: ['v=DMARC1; p=none'] },
      's1._domainkey.open.test': { status: 'found', records: [dkimKey(1024)] },
      's2._domainkey.open.test': { status: 'failed', rcode: 'SERVFAIL', message: 'queryTxt ESERVFAIL' },
    },
  },
];

describe('STANDARDS_RULES', () => {
  it('lists the standards in RULE_IDS order with their documented severities', () => {
    const end = RULE_IDS.indexOf('mail-not-checked');
    expect(STANDARDS_RULES.map((r) => r.id)).toEqual(RULE_IDS.slice(0, end + 1));
    for (const rule of STANDARDS_RULES) {
      expect(rule.severity, rule.id).toBe(SEVERITY[rule.id]);
      expect(rule.category, rule.id).toBe('standards');
      expect(rule.rationale.length, rule.id).toBeGreaterThan(40);
      expect(rule.fix.length, rule.id).toBeGreaterThan(10);
      expect(rule.live === true, rule.id).toBe(LIVE.includes(rule.id));
      expect(rule.dns === true, rule.id).toBe(DNS.includes(rule.id));
    }
  });

  it('finds nothing on a stack that meets the standards', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'berth.yaml': 'stacks:\n  shop:\n    path: shop\n', ...pick(files, 'shop/') },
      live: { containers: [container('shop', 'web'), container('shop', 'db'), container('shop', 'backup')] },
    });
    for (const rule of STANDARDS_RULES) expect(rule.check(snapshot), rule.id).toEqual([]);
  });

  it('has every rule fire on a messy estate, with evidence free of secrets and whitespace', async () => {
    const { snapshot } = await snapshotOf({
      files,
      modes: { 'messy/.env': 0o644 },
      live: { containers: [container('messy', 'traefik'), container('messy', 'old')] },
      mail: MESSY_MAIL,
    });
    for (const rule of STANDARDS_RULES) {
      const hits = rule.check(snapshot);
      expect(hits.length, rule.id).toBeGreaterThan(0);
      for (const hit of hits) {
        expect(hit.evidence, rule.id).not.toMatch(/\s/);
        expect(hit.fix, rule.id).toBeTruthy();
        expect(hit.path !== undefined || hit.file !== undefined, rule.id).toBe(true);
        const text = `${hit.evidence} ${hit.message} ${hit.fix}`;
        for (const secret of ['shared-across-stacks', 'literal-token-value', 'changeme'])
          expect(text, rule.id).not.toContain(secret);
      }
      // Pure: the same snapshot gives the same hits.
      expect(rule.check(snapshot), rule.id).toEqual(hits);
    }
  });

  it('keeps every evidence when only unrelated lines change', async () => {
    const evidence = async (compose: string) => {
      const { snapshot } = await snapshotOf({ files: { ...files, 'messy/compose.yaml': compose } });
      return STANDARDS_RULES.flatMap((r) =>
        r.check(snapshot).map((h) => `${r.id} ${h.stack}/${h.service}: ${h.evidence}`),
      );
    };
    const edited = `# edited by hand\nx-owner: ops\n${MESSY.replace('  web:\n', '  # the app\n  web:\n    stop_grace_period: 20s\n')}`;
    const before = await evidence(MESSY);
    expect(before.length).toBeGreaterThan(20);
    expect(await evidence(edited)).toEqual(before);
  });

  it('locates service hits in the compose file', async () => {
    const { snapshot } = await snapshotOf({ files, live: { containers: [] } });
    for (const rule of STANDARDS_RULES) {
      for (const hit of rule.check(snapshot)) {
        if (!hit.path) continue;
        const stack = snapshot.stacks.find((s) => s.name === hit.stack);
        expect(hit.path.slice(0, 2), rule.id).toEqual(['services', hit.service]);
        const at = stack?.loaded.locate(hit.path, 'key');
        expect(at?.file, rule.id).toBe(stack?.loaded.files[0]);
        expect(at?.pos.line, rule.id).toBeGreaterThan(0);
      }
    }
  });
});

function pick(all: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)));
}
