import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { coverage } from '../../src/audit/coverage.js';
import type { AuditReport } from '../../src/audit/report/context.js';
import { noNewPrivilegesMissing, privileged } from '../../src/audit/rules/security-privileges.js';
import { secretReused } from '../../src/audit/rules/standards-credentials.js';
import { envFilePermissions, stackNoReadme } from '../../src/audit/rules/standards-files.js';
import { healthcheckMissing } from '../../src/audit/rules/standards-health.js';
import { imageNotPinned } from '../../src/audit/rules/standards-images.js';
import { runAudit } from '../../src/audit/run.js';
import { takeSnapshot } from '../../src/audit/snapshot.js';
import type { LiveFacts, Rule } from '../../src/audit/types.js';
import { writeTree } from './tree.js';

/*
 * Test support for the report tests: a small estate in the spirit of the seed case (unpinned
 * images, a readable .env, a reused password, a suppression) audited with a handful of real rules.
 */

const SHOP = `# the shop
services:
  web:
    image: nginx:latest   # front
    privileged: true
    x-berth:
      audit:
        ignore:
          - rule: privileged
            reason: needs raw sockets for the legacy plugin
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    healthcheck:
      test: pg_isready
    volumes:
      - db:/var/lib/postgresql/data
volumes:
  db: {}
`;

const BLOG = `services:
  wp:
    image: wordpress
    environment:
      WORDPRESS_DB_PASSWORD: hunter2hunter2
`;

const liveRule: Rule = {
  id: 'declared-not-running',
  title: 'Service declared but not running',
  severity: 'medium',
  category: 'standards',
  rationale: 'r',
  fix: 'f',
  live: true,
  check: () => [],
};

export const FIXTURE_RULES: readonly Rule[] = [
  imageNotPinned,
  envFilePermissions,
  healthcheckMissing,
  secretReused,
  stackNoReadme,
  privileged,
  noNewPrivilegesMissing,
  liveRule,
];

export async function fixtureReport(
  options: { live?: LiveFacts; broken?: boolean; secretInImage?: boolean } = {},
): Promise<AuditReport> {
  const root = await writeTree({
    // A tag built from the .env password: what the report must show masked.
    'shop/compose.yaml': options.secretInImage
      ? SHOP.replace('postgres:16.4', `postgres:16.4-\${DB_PASSWORD}`)
      : SHOP,
    'shop/.env': 'DB_PASSWORD=hunter2hunter2\n',
    'shop/README.md': '# shop\n',
    'blog/compose.yaml': BLOG,
    ...(options.broken ? { 'broken/compose.yaml': 'services: [\n' } : {}),
  });
  await chmod(join(root, 'shop/.env'), 0o644);
  const { snapshot, diagnostics } = await takeSnapshot(
    root,
    { env: {}, registry: builtinXBerthRegistry() },
    options.live,
  );
  const result = runAudit(snapshot, FIXTURE_RULES, { failOn: 'high' });
  return {
    snapshot,
    result,
    rules: FIXTURE_RULES,
    unreadable: diagnostics,
    coverage: coverage(snapshot),
    failOn: 'high',
    date: new Date('2025-03-04T05:06:07Z'),
    version: '0.1.0',
  };
}
