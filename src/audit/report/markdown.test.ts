import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../../test/support/audit-report.js';
import { formatMarkdown } from './markdown.js';

function section(md: string, title: string): string {
  const start = md.indexOf(`## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n## ', start + 1);
  return md.slice(start, next === -1 ? undefined : next);
}

describe('Markdown report', () => {
  it('has the sections of an infrastructure analysis report, in order', async () => {
    const md = formatMarkdown(await fixtureReport());
    const titles = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      'Executive summary',
      'Technical status',
      'Findings by severity',
      'Cross-service concerns',
      'Prioritized actions',
      'Coverage',
      'Suppressed findings',
      'Not checked',
    ]);
    expect(md).toMatch(/^# Infrastructure audit: .+\n\nDate: 2025-03-04 05:06 UTC/);
  });

  it('summarizes score, counts and scope', async () => {
    const report = await fixtureReport();
    const summary = section(formatMarkdown(report), 'Executive summary');
    expect(summary).toContain(`**Health score: ${report.result.summary.score}/100**`);
    expect(summary).toContain('| High | 3 |');
    expect(summary).toContain('- Stacks audited: 2');
    expect(summary).toContain('- Services audited: 3');
    expect(summary).toContain('not checked (run `berth audit --live`');
  });

  it('masks a .env value that an image reference carries', async () => {
    const md = formatMarkdown(await fixtureReport({ secretInImage: true }));
    expect(section(md, 'Technical status')).toContain('`postgres:16.4-********`');
    expect(md).not.toContain('hunter2hunter2');
  });

  it('shows per-stack status, findings with file:line and fix, and actions by rule', async () => {
    const md = formatMarkdown(await fixtureReport());
    expect(section(md, 'Technical status')).toContain('| web | `nginx:latest` | **no** | **no** | ? | — |');
    const findings = section(md, 'Findings by severity');
    expect(findings).toMatch(/#### \d+\. Image not pinned to a version — `shop\/compose\.yaml:4`/);
    expect(findings).toContain('- **Stack/service:** shop/web · rule `image-not-pinned`');
    const actions = section(md, 'Prioritized actions');
    expect(actions.indexOf('Secret reused across stacks')).toBeLessThan(
      actions.indexOf('Privilege escalation not blocked'),
    );
    expect(actions).toContain('Automatic: `berth audit --fix`');
    expect(actions).toMatch(/shop: chmod 600 \S+shop\/\.env/);
    expect(section(md, 'Cross-service concerns')).toContain('blog/wp, shop/db');
  });

  it('lists suppressed findings with their reasons, skipped rules and unreadable stacks', async () => {
    const md = formatMarkdown(await fixtureReport({ broken: true }));
    expect(section(md, 'Suppressed findings')).toContain(
      '| `privileged` | shop/web | `shop/compose.yaml:5` | needs raw sockets for the legacy plugin |',
    );
    const notChecked = section(md, 'Not checked');
    expect(notChecked).toContain('Rule `declared-not-running` not run');
    expect(notChecked).toContain(
      '- Stack not audited: `broken/compose.yaml` could not be read\n  - line 2: SPEC_YAML_SYNTAX: ',
    );
    expect(section(md, 'Executive summary')).toContain('1 stack could not be read');
  });

  it('with live facts: running/declared and a Running column', async () => {
    const container = {
      stack: 'shop',
      service: 'db',
      name: 'shop-db-1',
      berth: false,
      state: 'running',
      restartCount: 0,
      image: 'postgres:16.4',
      imageId: 'sha256:1',
      imageTags: [],
      imageDigests: [],
    };
    const md = formatMarkdown(await fixtureReport({ live: { containers: [container] } }));
    expect(section(md, 'Executive summary')).toContain('- Services running: 1 of 3 declared');
    const status = section(md, 'Technical status');
    expect(status).toContain('| Service | Image | Pinned | Healthcheck | Limits | Backup | Running |');
    expect(status).toMatch(/\| db \| .* \| yes \|\n/);
    expect(status).toMatch(/\| web \| .* \| \*\*no\*\* \|\n/);
  });

  it('shows the coverage tables', async () => {
    const coverage = section(formatMarkdown(await fixtureReport()), 'Coverage');
    expect(coverage).toContain('| **All stacks** | 3 | 1/3 (33%) |');
  });
});
