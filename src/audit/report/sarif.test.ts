import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../../test/support/audit-report.js';
import { sarifLevel, sarifLog } from './sarif.js';

describe('SARIF report', () => {
  it('maps severities to levels', () => {
    expect(['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as never))).toEqual([
      'error',
      'error',
      'warning',
      'note',
      'note',
    ]);
  });

  it('describes every rule and reports each finding with a relative location and the fingerprint', async () => {
    const report = await fixtureReport();
    const run = sarifLog(report).runs[0];
    expect(run?.tool.driver.name).toBe('berth');
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(report.rules.map((r) => r.id));
    expect(rules[0]).toMatchObject({
      id: 'image-not-pinned',
      name: 'ImageNotPinned',
      shortDescription: { text: report.rules[0]?.title },
      fullDescription: { text: report.rules[0]?.rationale },
      help: { text: report.rules[0]?.fix },
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['standards'] },
    });
    const results = run?.results ?? [];
    expect(results).toHaveLength(report.result.findings.length + report.result.suppressed.length);
    const pin = results.find((r) => r.ruleId === 'image-not-pinned' && r.properties.stack === 'shop');
    expect(pin).toMatchObject({
      level: 'warning',
      ruleIndex: 0,
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'shop/compose.yaml', uriBaseId: 'ROOT' },
            region: { startLine: 4, startColumn: 5 },
          },
        },
      ],
    });
    const finding = report.result.findings.find((f) => f.rule === 'image-not-pinned' && f.stack === 'shop');
    expect(pin?.partialFingerprints).toEqual({ 'berth/v1': finding?.fingerprint });
    expect(run?.originalUriBaseIds.ROOT.uri).toBe(`file://${report.snapshot.root}/`);
  });

  it('omits the region of whole-file findings and marks suppressed ones with their reason', async () => {
    const run = sarifLog(await fixtureReport()).runs[0];
    const env = run?.results.find((r) => r.ruleId === 'env-file-permissions');
    expect(env?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'shop/.env', uriBaseId: 'ROOT' },
    });
    const suppressed = run?.results.filter((r) => 'suppressions' in r);
    expect(suppressed).toEqual([
      expect.objectContaining({
        ruleId: 'privileged',
        suppressions: [{ kind: 'inSource', justification: 'needs raw sockets for the legacy plugin' }],
      }),
    ]);
  });

  it('reports unreadable stacks and skipped rules as notifications', async () => {
    const run = sarifLog(await fixtureReport({ broken: true })).runs[0];
    const notes = run?.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.level)).toEqual(['error', 'note']);
    expect(notes[1]?.message.text).toContain('declared-not-running');
  });
});
