import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../../test/support/audit-report.js';
import { formatJson, jsonReport } from './json.js';

describe('JSON report', () => {
  it('has a stable shape: every finding key present, paths relative to the root', async () => {
    const report = await fixtureReport();
    const json = JSON.parse(formatJson(report)) as ReturnType<typeof jsonReport>;
    expect(Object.keys(json)).toEqual([
      'summary',
      'coverage',
      'findings',
      'suppressed',
      'skipped',
      'unreadable',
    ]);
    const keys = [
      'rule',
      'severity',
      'category',
      'title',
      'message',
      'stack',
      'service',
      'file',
      'line',
      'column',
      'fingerprint',
      'fix',
    ];
    for (const f of json.findings) expect(Object.keys(f)).toEqual(keys);
    for (const f of json.suppressed) expect(Object.keys(f)).toEqual([...keys, 'reason']);
    expect(json.findings.find((f) => f.rule === 'env-file-permissions')).toMatchObject({
      service: null,
      file: 'shop/.env',
      line: 0,
    });
    expect(json.suppressed).toEqual([
      expect.objectContaining({ rule: 'privileged', reason: 'needs raw sockets for the legacy plugin' }),
    ]);
    expect(json.summary).toMatchObject({
      score: report.result.summary.score,
      stacks: 2,
      services: 3,
      exitCode: 1,
      failOn: 'high',
      suppressed: 1,
      baselineHidden: 0,
      date: '2025-03-04T05:06:07.000Z',
    });
    expect(json.skipped).toEqual([{ rule: 'declared-not-running', why: expect.any(String) }]);
  });

  it('is the same for the same estate (no absolute paths, no run-dependent values)', async () => {
    const a = jsonReport(await fixtureReport());
    const b = jsonReport(await fixtureReport());
    const strip = (r: typeof a) => r.findings.map(({ fix: _fix, message: _m, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
  });
});
