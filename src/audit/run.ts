import { fingerprint } from './fingerprint.js';
import { suppressionFor } from './suppress.js';
import {
  type Finding,
  type Hit,
  type Rule,
  SEVERITIES,
  type Severity,
  type Snapshot,
  type Suppressed,
} from './types.js';

export interface AuditOptions {
  /** Fingerprints accepted earlier (`--baseline`): such findings are hidden, only counted. */
  readonly baseline?: ReadonlySet<string>;
  /** The least severe finding that fails the audit (exit code 1). */
  readonly failOn: Severity;
}

export interface AuditSummary {
  /** 100 minus a weight per reported finding (see SCORE_WEIGHTS), never below 0. */
  readonly score: number;
  /** Reported findings by severity (suppressed and baseline-hidden ones are not counted). */
  readonly counts: Readonly<Record<Severity, number>>;
  readonly stacks: number;
  readonly services: number;
  /** With live facts: declared services that have a running container, and all declared services. */
  readonly running?: number;
  readonly declared?: number;
  /** 1 when a finding is at or above failOn; auditPath makes it 1 too when a stack could not be read. */
  readonly exitCode: 0 | 1;
}

export interface Skipped {
  readonly rule: string;
  readonly why: string;
}

export interface AuditResult {
  /** Reported findings, most severe first, then by stack, service and rule. */
  readonly findings: Finding[];
  readonly suppressed: Suppressed[];
  /** Rules that did not run (live rules without live facts, or a rule that failed). */
  readonly skipped: Skipped[];
  readonly baselineHidden: number;
  /** The findings hidden by the baseline, kept so a rewritten baseline still holds them. */
  readonly baselined: Finding[];
  readonly summary: AuditSummary;
}

/**
 * What each finding costs the health score. Weighted so one critical finding (15) outweighs a
 * handful of low ones, and informational findings cost nothing. The score is floored at 0: past
 * that point, the counts by severity say more than a number.
 */
export const SCORE_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 15,
  high: 8,
  medium: 3,
  low: 1,
  info: 0,
};

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** At or above `threshold` (critical is above high). */
export const atLeast = (s: Severity, threshold: Severity): boolean =>
  severityRank(s) <= severityRank(threshold);

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.stack.localeCompare(b.stack) ||
    (a.service ?? '').localeCompare(b.service ?? '') ||
    a.rule.localeCompare(b.rule) ||
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.evidence.localeCompare(b.evidence)
  );
}

function locate(snapshot: Snapshot, hit: Hit): { file: string; line: number; column: number } {
  const stack = snapshot.stacks.find((s) => s.name === hit.stack);
  if (hit.path && stack) {
    const { file, pos } = stack.loaded.locate(hit.path, 'key');
    return { file, line: pos.line, column: pos.column };
  }
  if (hit.file !== undefined) return { file: hit.file, line: hit.line ?? 0, column: hit.column ?? 0 };
  // Neither: the stack as a whole, at its first compose file.
  return { file: stack?.loaded.files[0] ?? snapshot.catalogFile ?? snapshot.root, line: 0, column: 0 };
}

export function toFinding(snapshot: Snapshot, rule: Rule, hit: Hit): Finding {
  return {
    rule: rule.id,
    severity: rule.severity,
    category: rule.category,
    title: rule.title,
    message: hit.message,
    stack: hit.stack,
    ...(hit.service !== undefined ? { service: hit.service } : {}),
    ...locate(snapshot, hit),
    fingerprint: fingerprint(rule.id, hit.stack, hit.service, hit.evidence),
    fix: hit.fix ?? rule.fix,
    evidence: hit.evidence,
    ...(rule.autofix ? { autofix: rule.autofix } : {}),
  };
}

function liveCounts(snapshot: Snapshot): { running: number; declared: number } | undefined {
  const live = snapshot.live;
  if (!live) return undefined;
  let declared = 0;
  let running = 0;
  for (const stack of snapshot.stacks) {
    for (const service of Object.keys(stack.loaded.model.services ?? {})) {
      declared++;
      const up = live.containers.some(
        (c) => c.stack === stack.name && c.service === service && c.state === 'running',
      );
      if (up) running++;
    }
  }
  return { running, declared };
}

/**
 * Runs the rules on a snapshot and turns their hits into located, fingerprinted findings, split
 * into reported, suppressed (`x-berth.audit.ignore`) and baseline-hidden ones. Pure: the same
 * snapshot and rules give the same result.
 */
export function runAudit(snapshot: Snapshot, rules: readonly Rule[], options: AuditOptions): AuditResult {
  const findings: Finding[] = [];
  const suppressed: Suppressed[] = [];
  const baselined: Finding[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (rule.live && !snapshot.live) {
      skipped.push({ rule: rule.id, why: 'needs the running engine: run `berth audit --live`' });
      continue;
    }
    if (rule.dns && !snapshot.mail) {
      skipped.push({
        rule: rule.id,
        why: 'needs DNS lookups of the x-berth.mail domains: run `berth audit --dns` (or --live)',
      });
      continue;
    }
    let hits: Hit[];
    try {
      hits = rule.check(snapshot);
    } catch (error: unknown) {
      // One broken rule must not hide every other finding; the report names it.
      skipped.push({
        rule: rule.id,
        why: `the rule failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    for (const hit of hits) {
      const finding = toFinding(snapshot, rule, hit);
      if (seen.has(finding.fingerprint)) continue;
      seen.add(finding.fingerprint);
      const suppression = suppressionFor(snapshot, rule.id, hit.stack, hit.service);
      if (suppression) suppressed.push({ ...finding, reason: suppression.reason });
      else if (options.baseline?.has(finding.fingerprint)) baselined.push(finding);
      else findings.push(finding);
    }
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  baselined.sort(compareFindings);

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  const penalty = findings.reduce((sum, f) => sum + SCORE_WEIGHTS[f.severity], 0);
  const live = liveCounts(snapshot);
  return {
    findings,
    suppressed,
    skipped,
    baselineHidden: baselined.length,
    baselined,
    summary: {
      score: Math.max(0, 100 - penalty),
      counts,
      stacks: snapshot.stacks.length,
      services: snapshot.stacks.reduce((n, s) => n + Object.keys(s.loaded.model.services ?? {}).length, 0),
      ...(live ?? {}),
      exitCode: findings.some((f) => atLeast(f.severity, options.failOn)) ? 1 : 0,
    },
  };
}
