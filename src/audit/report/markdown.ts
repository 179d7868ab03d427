import { basename } from 'node:path';
import type { Diagnostic } from '../../compose/diagnostics.js';
import { atLeast } from '../run.js';
import { type Finding, SEVERITIES } from '../types.js';
import { type AuditReport, reportPath, unreadableStacks } from './context.js';
import { coverageSection, technicalStatus } from './markdown-status.js';
import { capitalize, cell, code, plural, table, where } from './markdown-util.js';

/** Rules whose findings are about the estate rather than one service. */
export const CROSS_SERVICE_RULES: readonly string[] = [
  'secret-reused',
  'duplicate-database',
  'stack-not-in-catalog',
  'catalog-entry-missing',
];

/** The command that applies a rule's automatic fix, when it has one. */
const AUTOFIX_COMMAND: Record<string, string> = {
  'pin-image': 'berth audit --live --fix',
  'chmod-env': 'berth audit --fix',
  'no-new-privileges': 'berth audit --fix',
};

const MAX_ACTION_LINES = 15;

function subject(f: Finding): string {
  return f.service ? `${f.stack}/${f.service}` : f.stack;
}

function executiveSummary(report: AuditReport): string[] {
  const { summary, suppressed, baselineHidden } = report.result;
  const unreadable = unreadableStacks(report.unreadable);
  const counts = SEVERITIES.map((s) => [capitalize(s), String(summary.counts[s])]);
  const total = report.result.findings.length;
  const failing = report.result.findings.filter((f) => atLeast(f.severity, report.failOn)).length;
  const verdict =
    failing > 0
      ? `**${plural(failing, 'finding')} at or above ${report.failOn}** ${failing === 1 ? 'needs' : 'need'} attention before this estate meets its standards.`
      : `No finding at or above ${report.failOn}${total > 0 ? `; ${plural(total, 'lower-severity finding')} to schedule` : ''}.`;
  const notRead =
    unreadable > 0
      ? ` **${plural(unreadable, 'stack')} could not be read and ${unreadable === 1 ? 'was' : 'were'} not audited**: the audit fails until ${unreadable === 1 ? 'it loads' : 'they load'} (\`berth validate\` says why).`
      : '';
  const lines = [
    `**Health score: ${summary.score}/100** — ${verdict}${notRead}`,
    '',
    `- Stacks audited: ${summary.stacks}${unreadable > 0 ? ` (${plural(unreadable, 'stack')} could not be read: see the end of this report)` : ''}`,
    `- Services audited: ${summary.services}`,
    summary.running !== undefined && summary.declared !== undefined
      ? `- Services running: ${summary.running} of ${summary.declared} declared`
      : '- Services running: not checked (run `berth audit --live` to compare with the engine)',
    `- Findings: ${total}${suppressed.length > 0 ? `, plus ${suppressed.length} suppressed with a reason` : ''}${baselineHidden > 0 ? `, plus ${baselineHidden} hidden by the baseline` : ''}`,
    '',
    ...table(['Severity', 'Findings'], counts),
    '',
    'The score starts at 100 and loses 15 per critical, 8 per high, 3 per medium and 1 per low finding (never below 0).',
    '',
  ];
  return lines;
}

function findingsBySeverity(report: AuditReport): string[] {
  const root = report.snapshot.root;
  const out: string[] = [];
  let n = 0;
  for (const severity of SEVERITIES) {
    const group = report.result.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`### ${capitalize(severity)} (${group.length})`, '');
    for (const f of group) {
      n++;
      out.push(
        `#### ${n}. ${f.title} — ${code(where(reportPath(root, f.file), f.line))}`,
        '',
        `- **Stack/service:** ${subject(f)} · rule ${code(f.rule)} · ${f.category}`,
        `- **Finding:** ${f.message}`,
        `- **Fix:** ${f.fix}`,
        '',
      );
    }
  }
  if (n === 0) out.push('No findings.', '');
  return out;
}

function crossService(report: AuditReport): string[] {
  const out: string[] = [];
  for (const rule of CROSS_SERVICE_RULES) {
    const group = report.result.findings.filter((f) => f.rule === rule);
    if (group.length === 0) continue;
    const byEvidence = new Map<string, Finding[]>();
    for (const f of group) byEvidence.set(f.evidence, [...(byEvidence.get(f.evidence) ?? []), f]);
    for (const [evidence, fs] of byEvidence) {
      const first = fs[0];
      if (!first) continue;
      out.push(
        `- **${first.title}** (${first.severity}, ${code(evidence)}): ${fs.map(subject).join(', ')} — ${first.message}`,
      );
    }
  }
  return out.length > 0 ? [...out, ''] : ['No concern spans several stacks.', ''];
}

function prioritizedActions(report: AuditReport): string[] {
  const groups = new Map<string, Finding[]>();
  for (const f of report.result.findings) groups.set(f.rule, [...(groups.get(f.rule) ?? []), f]);
  const ordered = [...groups.values()].sort((a, b) => {
    const [fa, fb] = [a[0], b[0]];
    if (!fa || !fb) return 0;
    return (
      SEVERITIES.indexOf(fa.severity) - SEVERITIES.indexOf(fb.severity) ||
      b.length - a.length ||
      fa.rule.localeCompare(fb.rule)
    );
  });
  const out: string[] = [];
  ordered.forEach((fs, i) => {
    const first = fs[0];
    if (!first) return;
    out.push(`${i + 1}. **${first.title}** — ${first.severity}, ${plural(fs.length, 'place')}`);
    const fixes = new Map<string, string[]>();
    for (const f of fs) fixes.set(f.fix, [...(fixes.get(f.fix) ?? []), subject(f)]);
    const entries = [...fixes];
    for (const [fix, subjects] of entries.slice(0, MAX_ACTION_LINES)) {
      out.push(`   - ${[...new Set(subjects)].join(', ')}: ${fix}`);
    }
    if (entries.length > MAX_ACTION_LINES)
      out.push(`   - … and ${entries.length - MAX_ACTION_LINES} more (see the findings above)`);
    const command = first.autofix ? AUTOFIX_COMMAND[first.autofix] : undefined;
    if (command) out.push(`   - Automatic: ${code(command)} (preview with ${code(`${command} --dry-run`)})`);
  });
  return out.length > 0 ? [...out, ''] : ['Nothing to do.', ''];
}

function suppressedSection(report: AuditReport): string[] {
  const root = report.snapshot.root;
  const rows = report.result.suppressed.map((f) => [
    code(f.rule),
    subject(f),
    code(where(reportPath(root, f.file), f.line)),
    f.reason,
  ]);
  return rows.length > 0
    ? [...table(['Rule', 'Stack/service', 'Where', 'Reason'], rows), '']
    : ['None (suppress with `x-berth.audit.ignore: [{ rule, reason }]`).', ''];
}

function notChecked(report: AuditReport): string[] {
  const root = report.snapshot.root;
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of report.unreadable) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const out: string[] = [];
  for (const [file, diagnostics] of byFile) {
    out.push(`- Stack not audited: ${code(reportPath(root, file))} could not be read`);
    for (const d of diagnostics)
      out.push(`  - ${d.line > 0 ? `line ${d.line}: ` : ''}${d.code}: ${d.message}`);
  }
  out.push(...report.result.skipped.map((s) => `- Rule ${code(s.rule)} not run: ${s.why}`));
  if (report.result.baselineHidden > 0) {
    out.push(
      `- ${plural(report.result.baselineHidden, 'finding')} hidden by the baseline (accepted earlier; not shown).`,
    );
  }
  return out.length > 0 ? [...out, ''] : ['Every rule ran on every stack.', ''];
}

/** The audit as a Markdown report in the shape of a hand-written infrastructure analysis. */
export function formatMarkdown(report: AuditReport): string {
  const date = report.date.toISOString();
  const name = report.snapshot.name ?? (basename(report.snapshot.root) || report.snapshot.root);
  const lines = [
    `# Infrastructure audit: ${cell(name)}`,
    '',
    `Date: ${date.slice(0, 10)} ${date.slice(11, 16)} UTC · Root: ${code(report.snapshot.root)} · Berth ${report.version} · fails on: ${report.failOn}`,
    '',
    '## Executive summary',
    '',
    ...executiveSummary(report),
    '## Technical status',
    '',
    ...technicalStatus(report),
    '## Findings by severity',
    '',
    ...findingsBySeverity(report),
    '## Cross-service concerns',
    '',
    ...crossService(report),
    '## Prioritized actions',
    '',
    ...prioritizedActions(report),
    '## Coverage',
    '',
    ...coverageSection(report.coverage),
    '## Suppressed findings',
    '',
    ...suppressedSection(report),
    '## Not checked',
    '',
    ...notChecked(report),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
