import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  converged,
  desiredFrom,
  imageId,
  loadFixture,
  planInput,
} from '../../test/support/deploy-fixtures.js';
import { openMemoryStore } from '../store/index.js';
import type { DesiredStack } from './desired.js';
import { type FileDigests, fileContentReasons } from './file-digests.js';
import { fileSourcesOf } from './file-mounts.js';
import { appliedRecords } from './observe.js';
import { recordApplied } from './outcome.js';
import { planStack } from './plan.js';
import { readFileDigests } from './read-file-digests.js';

const COMPOSE = `services:
  db:
    image: local/busybox:1
    secrets: [db_pw]
    configs: [app_conf]
  web:
    image: local/busybox:1
secrets:
  db_pw: { file: ./db_pw.txt }
configs:
  app_conf: { file: ./app.conf }
`;
const ids = new Map([['local/busybox:1', imageId('bb')]]);
const digests = (pw: string, conf = 'c0ffee'): FileDigests => ({
  secrets: { db_pw: pw },
  configs: { app_conf: conf },
});

/** Deployed with `before`, planned with `after`: the reasons for each service that changes. */
async function replan(before: FileDigests | undefined, after: FileDigests) {
  const legacy = before === undefined;
  const loaded = await loadFixture(COMPOSE, { files: { 'db_pw.txt': 'x', 'app.conf': 'y' } });
  const deployed = desiredFrom(loaded, { imageIds: ids, ...(before ? { fileDigests: before } : {}) });
  const state = converged(deployed, ids);
  // The applied-specs table as `berth up` writes and reads it (SQLite, in memory).
  const store = openMemoryStore({ now: () => new Date('2026-12-06T00:00:00Z') });
  const containerIds = new Map(state.observed.containers.map((c) => [c.name, c.id]));
  const deployment = store.deployments.create({ stack: 'shop', trigger: 'cli', plan: {} });
  recordApplied(store, deployed, ids, deployment.id, containerIds, new Map(), []);
  if (legacy) {
    // What a Berth that did not hash file content stored: no `files` beside the spec.
    for (const row of store.appliedSpecs.list('shop')) {
      const { files: _, ...rest } = row.spec as Record<string, unknown>;
      store.appliedSpecs.put('shop', row.service, row.replica, {
        ...row,
        spec: rest,
        deploymentId: deployment.id,
      });
    }
  }
  const wanted: DesiredStack = desiredFrom(loaded, { imageIds: ids, fileDigests: after });
  const plan = planStack({
    ...planInput(wanted, state, ids),
    applied: appliedRecords(store, 'shop', []),
  });
  store.close();
  return Object.fromEntries(
    plan.services
      .filter((s) => s.steps.length > 0)
      .map((s) => [s.service, s.steps.flatMap((t) => t.reasons)]),
  );
}

describe('config hash and file content', () => {
  it('changes the hash of a service whose mounted secret or config content changes, only that one', async () => {
    const loaded = await loadFixture(COMPOSE, { files: { 'db_pw.txt': 'x', 'app.conf': 'y' } });
    const a = desiredFrom(loaded, { imageIds: ids, fileDigests: digests('aa') });
    const b = desiredFrom(loaded, { imageIds: ids, fileDigests: digests('bb') });
    const c = desiredFrom(loaded, { imageIds: ids, fileDigests: digests('aa', 'dd') });
    expect(b.services.db?.configHash).not.toBe(a.services.db?.configHash);
    expect(c.services.db?.configHash).not.toBe(a.services.db?.configHash);
    expect(b.services.web?.configHash).toBe(a.services.web?.configHash);
  });

  it('leaves the hash of a service mounting no file secret or config as it was before content was hashed', async () => {
    const loaded = await loadFixture(COMPOSE, { files: { 'db_pw.txt': 'x', 'app.conf': 'y' } });
    const withDigests = desiredFrom(loaded, { imageIds: ids, fileDigests: digests('aa') });
    const without = desiredFrom(loaded, { imageIds: ids });
    expect(withDigests.services.web?.configHash).toBe(without.services.web?.configHash);
    // Pinned: the hash Berth gave this service before it read file content (no mass recreate).
    expect(without.services.web?.configHash).toBe('96f3f52a254d1b1eb1ca32295066ca4d');
  });
});

describe('plan reasons for changed file content', () => {
  it('names the secret or config whose content changed, never its content or digest', async () => {
    const reasons = await replan(digests('a'.repeat(64)), digests('b'.repeat(64)));
    expect(reasons).toEqual({ db: ['secret db_pw content changed'] });
    const both = await replan(digests('a'.repeat(64)), digests('b'.repeat(64), 'e'.repeat(64)));
    expect(both).toEqual({ db: ['config app_conf content changed', 'secret db_pw content changed'] });
  });

  it('plans nothing when the content is the same', async () => {
    expect(await replan(digests('a'.repeat(64)), digests('a'.repeat(64)))).toEqual({});
  });

  it('recreates, once, a service an older Berth deployed without digests, saying why', async () => {
    // The older Berth's hash had no digests and its record none: what the container got is unknown.
    // The service without file mounts keeps its hash and is left alone.
    expect(await replan(undefined, digests('a'.repeat(64)))).toEqual({
      db: [
        'config app_conf content not recorded by the deploy that created the container',
        'secret db_pw content not recorded by the deploy that created the container',
      ],
    });
  });

  it('fileContentReasons: an added mount is the mounts diff, not a content change', () => {
    expect(fileContentReasons({}, { 'secret x': 'f' })).toEqual([]);
    expect(fileContentReasons({ 'secret x': 'f' }, {})).toEqual([]);
  });
});

describe('readFileDigests (real files)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-digests-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('digests each file secret and config, follows content, and skips a missing file', async () => {
    const pw = join(dir, 'pw.txt');
    await writeFile(pw, 'first');
    const sources = fileSourcesOf({ pw: { file: pw }, gone: { file: join(dir, 'gone') } }, {});
    const first = await readFileDigests(sources);
    expect(first.secrets.pw).toMatch(/^[0-9a-f]{64}$/);
    expect(first.secrets).not.toHaveProperty('gone');
    await writeFile(pw, 'second');
    expect((await readFileDigests(sources)).secrets.pw).not.toBe(first.secrets.pw);
  });
});

describe('env_file content', () => {
  it('is resolved into the environment, so editing the file changes the hash (no digest needed)', async () => {
    const text = 'services:\n  app:\n    image: local/busybox:1\n    env_file: [./app.env]\n';
    const hash = async (env: string) =>
      desiredFrom(await loadFixture(text, { files: { 'app.env': env } }), { imageIds: ids }).services.app
        ?.configHash;
    expect(await hash('MODE=a\n')).not.toBe(await hash('MODE=b\n'));
    expect(await hash('MODE=a\n')).toBe(await hash('MODE=a\n'));
  });
});
