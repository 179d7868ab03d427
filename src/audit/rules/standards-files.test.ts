import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keys, snapshotOf } from '../../../test/support/audit-standards.js';
import {
  catalogEntryMissing,
  envFilePermissions,
  stackNoReadme,
  stackNotInCatalog,
  staleFiles,
} from './standards-files.js';

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';

describe('env-file-permissions', () => {
  it('flags group- and world-readable env files, including a service env_file', async () => {
    const { root, snapshot } = await snapshotOf({
      files: {
        'app/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    env_file: [conf/web.env]\n',
        'app/.env': 'A=1\n',
        'app/.env.prod': 'A=2\n',
        'app/conf/web.env': 'B=1\n',
        'app/.env.example': 'A=\n',
      },
      modes: {
        'app/.env': 0o644,
        'app/.env.prod': 0o640,
        'app/conf/web.env': 0o604,
        'app/.env.example': 0o644,
      },
      at: 'app',
    });
    const hits = envFilePermissions.check(snapshot);
    expect(keys(hits)).toEqual([
      'app/-: env-file=.env',
      'app/-: env-file=.env.prod',
      'app/-: env-file=conf/web.env',
    ]);
    expect(hits[0]).toMatchObject({
      file: join(root, 'app/.env'),
      line: 0,
      fix: `chmod 600 ${join(root, 'app/.env')}`,
    });
    expect(hits[0]?.message).toContain('mode 644');
    expect(hits[0]?.message).toContain('every user');
    expect(hits[1]?.message).toContain('owning group');
  });

  it('accepts 600 and 400', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'app/compose.yaml': COMPOSE, 'app/.env': 'A=1\n', 'app/.env.local': 'A=1\n' },
      modes: { 'app/.env': 0o600, 'app/.env.local': 0o400 },
      at: 'app',
    });
    expect(envFilePermissions.check(snapshot)).toEqual([]);
  });

  it('keeps its evidence when the mode or the compose file change', async () => {
    const a = await snapshotOf({
      files: { 'app/compose.yaml': COMPOSE, 'app/.env': 'A=1\n' },
      modes: { 'app/.env': 0o644 },
      at: 'app',
    });
    const b = await snapshotOf({
      files: { 'app/compose.yaml': `# x\n${COMPOSE}    restart: always\n`, 'app/.env': 'A=1\nB=2\n' },
      modes: { 'app/.env': 0o664 },
      at: 'app',
    });
    expect(keys(envFilePermissions.check(a.snapshot))).toEqual(keys(envFilePermissions.check(b.snapshot)));
  });
});

describe('stack-no-readme', () => {
  it('flags a stack without README, RUNBOOK or docs/', async () => {
    const { root, snapshot } = await snapshotOf({
      files: {
        'a/compose.yaml': COMPOSE,
        'b/compose.yaml': COMPOSE,
        'b/readme.md': 'x',
        'c/compose.yaml': COMPOSE,
        'c/RUNBOOK.md': 'x',
        'd/compose.yaml': COMPOSE,
        'd/docs/restore.md': 'x',
        'e/compose.yaml': COMPOSE,
        'e/notes.md': 'x',
      },
    });
    const hits = stackNoReadme.check(snapshot);
    expect(keys(hits)).toEqual(['a/-: no-readme', 'e/-: no-readme']);
    expect(hits[0]).toMatchObject({ file: join(root, 'a/compose.yaml'), line: 0 });
    expect(hits[0]?.fix).toContain(join(root, 'a/README.md'));
  });
});

describe('catalog rules', () => {
  const files = {
    'berth.yaml': 'stacks:\n  shop:\n    path: shop\n  gone:\n    path: old/gone\n',
    'shop/compose.yaml': COMPOSE,
    'blog/compose.yaml': COMPOSE,
  };

  it('stack-not-in-catalog: a stack folder the catalog does not list', async () => {
    const { root, snapshot } = await snapshotOf({ files });
    const hits = stackNotInCatalog.check(snapshot);
    expect(keys(hits)).toEqual(['blog/-: not-in-catalog']);
    expect(hits[0]?.fix).toBe(`add to ${join(root, 'berth.yaml')}:\nstacks:\n  blog:\n    path: blog`);
  });

  it('catalog-entry-missing: an entry without a stack, located at the entry', async () => {
    const { root, snapshot } = await snapshotOf({ files });
    const hits = catalogEntryMissing.check(snapshot);
    expect(keys(hits)).toEqual(['gone/-: entry=gone']);
    expect(hits[0]).toMatchObject({ file: join(root, 'berth.yaml'), line: 5 });
    expect(hits[0]?.fix).toContain('stacks.gone.path');
  });

  it('says nothing without a catalog, or when the catalog matches', async () => {
    const plain = await snapshotOf({ files: { 'shop/compose.yaml': COMPOSE, 'blog/compose.yaml': COMPOSE } });
    expect(stackNotInCatalog.check(plain.snapshot)).toEqual([]);
    expect(catalogEntryMissing.check(plain.snapshot)).toEqual([]);
    const clean = await snapshotOf({
      files: { 'berth.yaml': 'stacks:\n  shop:\n    path: shop\n', 'shop/compose.yaml': COMPOSE },
    });
    expect(stackNotInCatalog.check(clean.snapshot)).toEqual([]);
    expect(catalogEntryMissing.check(clean.snapshot)).toEqual([]);
  });
});

describe('stale-files', () => {
  it('flags backup and editor leftovers beside the compose file', async () => {
    const { root, snapshot } = await snapshotOf({
      files: {
        'app/compose.yaml': COMPOSE,
        'app/compose.yaml.bak': COMPOSE,
        'app/.env.orig': 'A=1\n',
        'app/compose.yaml~': COMPOSE,
        'app/notes.txt': 'x',
      },
      at: 'app',
    });
    const hits = staleFiles.check(snapshot);
    expect(keys(hits)).toEqual([
      'app/-: file=.env.orig',
      'app/-: file=compose.yaml.bak',
      'app/-: file=compose.yaml~',
    ]);
    expect(hits[1]).toMatchObject({ file: join(root, 'app/compose.yaml.bak'), line: 0 });
    expect(hits[1]?.fix).toContain(`rm ${join(root, 'app/compose.yaml.bak')}`);
  });

  it('says nothing for a tidy folder', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'app/compose.yaml': COMPOSE, 'app/nginx.conf': 'x' },
      at: 'app',
    });
    expect(staleFiles.check(snapshot)).toEqual([]);
  });
});
