import type { Finding } from '../types.js';
import { type AuditReport, reportPath } from './context.js';

/** One finding in the JSON report; every key is always present (`service` null for stack-wide ones). */
export interface JsonFinding {
  readonly rule: string;
  readonly severity: string;
  readonly category: string;
  readonly title: string;
  readonly message: string;
  readonly stack: string;
  readonly service: string | null;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly fingerprint: string;
  readonly fix: string;
}

export interface JsonReport {
  readonly summary: AuditReport['result']['summary'] & {
    readonly date: string;
    readonly failOn: string;
    readonly suppressed: number;
    readonly baselineHidden: number;
  };
  readonly coverage: AuditReport['coverage'];
  readonly findings: JsonFinding[];
  readonly suppressed: (JsonFinding & { readonly reason: string })[];
  readonly skipped: { readonly rule: string; readonly why: string }[];
  readonly unreadable: {
    readonly file: string;
    readonly line: number;
    readonly code: string;
    readonly message: string;
  }[];
}

function jsonFinding(root: string, f: Finding): JsonFinding {
  return {
    rule: f.rule,
    severity: f.severity,
    category: f.category,
    title: f.title,
    message: f.message,
    stack: f.stack,
    service: f.service ?? null,
    file: reportPath(root, f.file),
    line: f.line,
    column: f.column,
    fingerprint: f.fingerprint,
    fix: f.fix,
  };
}

export function jsonReport(report: AuditReport): JsonReport {
  const { result, snapshot } = report;
  return {
    summary: {
      ...result.summary,
      date: report.date.toISOString(),
      failOn: report.failOn,
      suppressed: result.suppressed.length,
      baselineHidden: result.baselineHidden,
    },
    coverage: report.coverage,
    findings: result.findings.map((f) => jsonFinding(snapshot.root, f)),
    suppressed: result.suppressed.map((f) => ({ ...jsonFinding(snapshot.root, f), reason: f.reason })),
    skipped: result.skipped.map((s) => ({ rule: s.rule, why: s.why })),
    unreadable: report.unreadable.map((d) => ({
      file: reportPath(snapshot.root, d.file),
      line: d.line,
      code: d.code,
      message: d.message,
    })),
  };
}

export function formatJson(report: AuditReport): string {
  return `${JSON.stringify(jsonReport(report), null, 2)}\n`;
}
