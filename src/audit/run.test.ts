import { describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { fingerprint } from './fingerprint.js';
import { runAudit, SCORE_WEIGHTS } from './run.js';
import { takeSnapshot } from './snapshot.js';
import type { Hit, Rule, Severity, Snapshot } from './types.js';

function rule(
  id: string,
  severity: Severity,
  check: (s: Snapshot) => Hit[],
  extra: Partial<Rule> = {},
): Rule {
  return {
    id,
    title: `title of ${id}`,
    severity,
    category: 'standards',
    rationale: 'r',
    fix: `fix ${id}`,
    check,
    ...extra,
  };
}

/** One hit per service, located at its image. */
const perService = (id: string, severity: Severity, extra: Partial<Rule> = {}): Rule =>
  rule(
    id,
    severity,
    (s) =>
      s.stacks.flatMap((st) =>
        Object.keys(st.loaded.model.services ?? {}).map((svc) => ({
          stack: st.name,
          service: svc,
          path: ['services', svc, 'image'],
          evidence: `image=${st.loaded.model.services?.[svc]?.image ?? ''}`,
          message: `${svc} looks wrong`,
        })),
      ),
    extra,
  );

const COMPOSE = `# app stack
services:
  web:
    image: nginx:latest
    x-berth:
      audit:
        ignore:
          - rule: image-not-pinned
            reason: tracked upstream on purpose
  db:
    image: postgres
`;

async function snapshotOf(files: Record<string, string>, live?: Snapshot['live']): Promise<Snapshot> {
  const root = await writeTree(files);
  const { snapshot, diagnostics } = await takeSnapshot(
    root,
    { env: {}, registry: builtinXBerthRegistry() },
    live,
  );
  expect(diagnostics).toEqual([]);
  return snapshot;
}

describe('runAudit', () => {
  it('locates hits by path (the key), fingerprints them and sorts by severity, stack, service, rule', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE, 'app/README.md': 'x' });
    const result = runAudit(
      snapshot,
      [perService('stack-no-readme', 'low'), perService('privileged', 'critical')],
      {
        failOn: 'high',
      },
    );
    expect(result.findings.map((f) => [f.severity, f.service, f.rule])).toEqual([
      ['critical', 'db', 'privileged'],
      ['critical', 'web', 'privileged'],
      ['low', 'db', 'stack-no-readme'],
      ['low', 'web', 'stack-no-readme'],
    ]);
    const db = result.findings[0];
    expect(db).toMatchObject({
      stack: 'app',
      file: `${snapshot.root}/app/compose.yaml`,
      line: 11,
      column: 5,
      fix: 'fix privileged',
      title: 'title of privileged',
      fingerprint: fingerprint('privileged', 'app', 'db', 'image=postgres'),
    });
    expect(db?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(result.summary).toMatchObject({ stacks: 1, services: 2, exitCode: 1 });
    expect(result.summary.score).toBe(100 - 2 * SCORE_WEIGHTS.critical - 2 * SCORE_WEIGHTS.low);
  });

  it('keeps the fingerprint when the message and the line change', async () => {
    const a = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const b = await snapshotOf({ 'app/compose.yaml': `\n\n# moved down\n${COMPOSE}` });
    const r = (s: Snapshot, msg: string) =>
      runAudit(
        s,
        [
          rule('privileged', 'critical', () => [
            { stack: 'app', service: 'db', path: ['services', 'db'], evidence: 'e', message: msg },
          ]),
        ],
        {
          failOn: 'high',
        },
      ).findings[0];
    const fa = r(a, 'one');
    const fb = r(b, 'two');
    expect(fa?.line).not.toBe(fb?.line);
    expect(fa?.fingerprint).toBe(fb?.fingerprint);
  });

  it('suppresses by x-berth.audit.ignore with its reason, outside the score and the exit code', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const result = runAudit(snapshot, [perService('image-not-pinned', 'critical')], { failOn: 'critical' });
    expect(result.suppressed).toEqual([
      expect.objectContaining({
        rule: 'image-not-pinned',
        service: 'web',
        reason: 'tracked upstream on purpose',
      }),
    ]);
    expect(result.findings.map((f) => f.service)).toEqual(['db']);
    expect(result.summary.counts.critical).toBe(1);
    expect(result.summary.score).toBe(100 - SCORE_WEIGHTS.critical);
  });

  it('applies a stack-level ignore to every service, and the service reason over the stack one', async () => {
    const snapshot = await snapshotOf({
      'app/compose.yaml': `${COMPOSE}x-berth:\n  audit:\n    ignore:\n      - { rule: image-not-pinned, reason: whole stack }\n`,
    });
    const result = runAudit(snapshot, [perService('image-not-pinned', 'medium')], { failOn: 'high' });
    expect(result.findings).toEqual([]);
    expect(Object.fromEntries(result.suppressed.map((s) => [s.service, s.reason]))).toEqual({
      db: 'whole stack',
      web: 'tracked upstream on purpose',
    });
    expect(result.summary.score).toBe(100);
  });

  it('hides baselined findings and only counts them', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const rules = [perService('privileged', 'critical')];
    const first = runAudit(snapshot, rules, { failOn: 'high' });
    const baseline = new Set(first.findings.map((f) => f.fingerprint));
    const again = runAudit(snapshot, rules, { failOn: 'high', baseline });
    expect(again.findings).toEqual([]);
    expect(again.baselineHidden).toBe(2);
    expect(again.baselined.map((f) => f.fingerprint)).toEqual([...baseline]);
    expect(again.summary).toMatchObject({ score: 100, exitCode: 0 });
  });

  it('fails at or above failOn only', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const rules = [perService('healthcheck-missing', 'medium')];
    expect(runAudit(snapshot, rules, { failOn: 'high' }).summary.exitCode).toBe(0);
    expect(runAudit(snapshot, rules, { failOn: 'medium' }).summary.exitCode).toBe(1);
    expect(runAudit(snapshot, rules, { failOn: 'low' }).summary.exitCode).toBe(1);
  });

  it('floors the score at 0', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const many = rule('privileged', 'critical', () =>
      Array.from({ length: 10 }, (_, i) => ({ stack: 'app', evidence: `n=${i}`, message: 'm' })),
    );
    expect(runAudit(snapshot, [many], { failOn: 'high' }).summary.score).toBe(0);
  });

  it('skips live rules without live facts, and counts running/declared with them', async () => {
    const files = { 'app/compose.yaml': COMPOSE };
    const live = rule(
      'declared-not-running',
      'medium',
      () => [{ stack: 'app', service: 'db', path: ['services', 'db'], evidence: 'x', message: 'm' }],
      {
        live: true,
      },
    );
    const offline = runAudit(await snapshotOf(files), [live], { failOn: 'high' });
    expect(offline.skipped).toEqual([
      { rule: 'declared-not-running', why: expect.stringContaining('--live') },
    ]);
    expect(offline.findings).toEqual([]);
    expect(offline.summary.running).toBeUndefined();
    const container = {
      stack: 'app',
      service: 'web',
      name: 'app-web-1',
      berth: false,
      state: 'running',
      restartCount: 0,
      image: 'nginx:latest',
      imageId: 'sha256:1',
      imageTags: [],
      imageDigests: [],
    };
    const online = runAudit(await snapshotOf(files, { containers: [container] }), [live], { failOn: 'high' });
    expect(online.skipped).toEqual([]);
    expect(online.findings).toHaveLength(1);
    expect(online.summary).toMatchObject({ running: 1, declared: 2 });
  });

  it('uses a hit file as given, and the first compose file at line 0 without a location', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const r = rule('stale-files', 'low', () => [
      { stack: 'app', file: '/x/y.bak', evidence: 'f', message: 'm' },
      { stack: 'app', evidence: 'g', message: 'm', fix: 'specific fix' },
    ]);
    const found = runAudit(snapshot, [r], { failOn: 'high' }).findings;
    expect(found.map((f) => [f.file, f.line, f.column, f.fix])).toEqual([
      [`${snapshot.root}/app/compose.yaml`, 0, 0, 'specific fix'],
      ['/x/y.bak', 0, 0, 'fix stale-files'],
    ]);
  });

  it('reports a rule that throws as skipped and runs the others', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const broken = rule('privileged', 'critical', () => {
      throw new Error('boom');
    });
    const result = runAudit(snapshot, [broken, perService('no-resource-limits', 'low')], { failOn: 'high' });
    expect(result.skipped).toEqual([{ rule: 'privileged', why: 'the rule failed: boom' }]);
    expect(result.findings).toHaveLength(2);
  });

  it('drops a duplicate hit (same fingerprint)', async () => {
    const snapshot = await snapshotOf({ 'app/compose.yaml': COMPOSE });
    const twice = rule('privileged', 'critical', () => [
      { stack: 'app', evidence: 'same', message: 'a' },
      { stack: 'app', evidence: 'same', message: 'b' },
    ]);
    expect(runAudit(snapshot, [twice], { failOn: 'high' }).findings).toHaveLength(1);
  });
});
