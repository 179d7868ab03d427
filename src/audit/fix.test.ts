import { createHash } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { applyFixes, formatFixDiff, planFixes } from './fix.js';
import { noNewPrivilegesMissing } from './rules/security-privileges.js';
import { envFilePermissions } from './rules/standards-files.js';
import { healthcheckMissing } from './rules/standards-health.js';
import { imageNotPinned } from './rules/standards-images.js';
import { runAudit } from './run.js';
import { takeSnapshot } from './snapshot.js';
import type { LiveFacts } from './types.js';

const RULES = [imageNotPinned, envFilePermissions, noNewPrivilegesMissing, healthcheckMissing];

const COMPOSE = `# shop — hand-written, keep the comments
services:
  web:
    image: nginx:latest   # pinned by berth audit --fix
    ports:
    - "8080:80"

  # cache, see RUNBOOK
  cache:
    image: "redis"
    security_opt:
      - apparmor:docker-default
`;

function container(service: string, imageTags: string[], state = 'running') {
  return {
    stack: 'shop',
    service,
    name: `shop-${service}-1`,
    berth: false,
    state,
    restartCount: 0,
    image: 'x',
    imageId: `sha256:${service}`,
    imageTags,
    imageDigests: [],
  };
}

const LIVE: LiveFacts = {
  containers: [
    container('web', ['nginx:1.27.3', 'nginx:1.27', 'nginx:latest']),
    container('cache', ['redis:latest']),
  ],
};

async function estate() {
  const root = await writeTree({ 'shop/compose.yaml': COMPOSE, 'shop/.env': 'A=1\n' });
  await chmod(join(root, 'shop/.env'), 0o644);
  return root;
}

async function plan(root: string, live?: LiveFacts) {
  const { snapshot } = await takeSnapshot(root, { env: {}, registry: builtinXBerthRegistry() }, live);
  const result = runAudit(snapshot, RULES, { failOn: 'high' });
  return { snapshot, plan: await planFixes(snapshot, result.findings) };
}

const hash = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('audit --fix', () => {
  it('plans pins from the running image, no-new-privileges and chmod 600, as a diff', async () => {
    const root = await estate();
    const { plan: p } = await plan(root, LIVE);
    const diff = formatFixDiff(p, root);
    expect(diff).toContain('--- a/shop/.env\n+++ b/shop/.env\nmode 644 → 600\n');
    expect(diff).toContain(
      '-    image: nginx:latest   # pinned by berth audit --fix\n+    image: nginx:1.27.3   # pinned by berth audit --fix\n',
    );
    expect(diff).toContain('+    security_opt: [no-new-privileges:true]\n');
    expect(diff).toContain('       - apparmor:docker-default\n+      - no-new-privileges:true\n');
    // redis runs only under `latest`: no version to pin to, said so.
    expect(p.notes).toEqual([
      expect.stringMatching(/^image-not-pinned shop\/cache: the running image has no version tag of redis/),
    ]);
    expect(p.manual).toBe(2); // healthcheck-missing ×2
  });

  it('changes nothing when only planned (dry run): file hashes and modes stay', async () => {
    const root = await estate();
    const files = [join(root, 'shop/compose.yaml'), join(root, 'shop/.env')];
    const before = await Promise.all(files.map(hash));
    const { plan: p } = await plan(root, LIVE);
    formatFixDiff(p, root);
    expect(await Promise.all(files.map(hash))).toEqual(before);
    expect((await stat(join(root, 'shop/.env'))).mode & 0o777).toBe(0o644);
  });

  it('applies with comments intact, and a second run has nothing left to change', async () => {
    const root = await estate();
    const { plan: p } = await plan(root, LIVE);
    const done = await applyFixes(p, root);
    expect(done).toEqual([
      'shop/.env: mode 644 → 600',
      'shop/compose.yaml: shop/cache: security_opt no-new-privileges:true',
      'shop/compose.yaml: shop/web: image nginx:1.27.3',
      'shop/compose.yaml: shop/web: security_opt no-new-privileges:true',
    ]);
    const after = await readFile(join(root, 'shop/compose.yaml'), 'utf8');
    expect(after).toBe(
      COMPOSE.replace('nginx:latest', 'nginx:1.27.3')
        .replace('    - "8080:80"\n', '    - "8080:80"\n    security_opt: [no-new-privileges:true]\n')
        .replace(
          '      - apparmor:docker-default\n',
          '      - apparmor:docker-default\n      - no-new-privileges:true\n',
        ),
    );
    expect((await stat(join(root, 'shop/.env'))).mode & 0o777).toBe(0o600);

    const again = await plan(root, LIVE);
    expect(again.plan.changes).toEqual([]);
    expect(formatFixDiff(again.plan, root)).toBe('');
  });

  it('without live facts, says pinning needs --live and still makes the other fixes', async () => {
    const root = await estate();
    const { plan: p } = await plan(root);
    expect(p.notes).toEqual([
      expect.stringContaining('image-not-pinned shop/cache: needs the running engine'),
      expect.stringContaining('image-not-pinned shop/web: needs the running engine'),
    ]);
    expect(p.changes.map((c) => c.kind)).toEqual(['mode', 'edit']);
  });

  it('leaves a file alone that changed after the plan was made', async () => {
    const root = await estate();
    const { plan: p } = await plan(root, LIVE);
    const file = join(root, 'shop/compose.yaml');
    await writeFile(file, `${COMPOSE}# edited meanwhile\n`);
    const done = await applyFixes(p, root);
    expect(done).toContain(
      'shop/compose.yaml: not changed: the file was modified while the fixes were planned; run again',
    );
    expect(await readFile(file, 'utf8')).toBe(`${COMPOSE}# edited meanwhile\n`);
  });
});
