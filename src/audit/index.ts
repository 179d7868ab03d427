// `berth audit`: standards and security rules over a snapshot of the estate, with reports and fixes.

import type { Diagnostic } from '../compose/diagnostics.js';
import type { LoadOptions } from '../compose/stack.js';
import { coverage } from './coverage.js';
import { collectMail } from './mail/collect.js';
import type { DnsLookup } from './mail/facts.js';
import type { AuditReport } from './report/context.js';
import { SECURITY_RULES } from './rules/security.js';
import { STANDARDS_RULES } from './rules/standards.js';
import { type AuditResult, runAudit } from './run.js';
import { takeSnapshot } from './snapshot.js';
import type { LiveFacts, Rule, Severity, Snapshot } from './types.js';

export {
  BaselineError,
  type BaselineFile,
  formatBaseline,
  parseBaseline,
  readBaseline,
  writeBaseline,
} from './baseline.js';
export { type Coverage, coverage } from './coverage.js';
export { fingerprint } from './fingerprint.js';
export { applyFixes, type FixChange, type FixPlan, formatFixDiff, planFixes } from './fix.js';
export { collectLive } from './live.js';
export type { DnsAnswer, DnsLookup, MailFacts } from './mail/facts.js';
export { dnsLookup } from './mail/resolver.js';
export { type AuditReport, reportPath, unreadableStacks } from './report/context.js';
export { formatJson, type JsonReport, jsonReport } from './report/json.js';
export { formatMarkdown } from './report/markdown.js';
export { formatSarif, sarifLevel, sarifLog } from './report/sarif.js';
export {
  type AuditOptions,
  type AuditResult,
  type AuditSummary,
  atLeast,
  runAudit,
  SCORE_WEIGHTS,
  type Skipped,
} from './run.js';
export { takeSnapshot } from './snapshot.js';
export { suppressionFor } from './suppress.js';
export type { Finding, LiveFacts, Rule, Severity, Snapshot, Suppressed } from './types.js';
export { RULE_IDS, SEVERITIES } from './types.js';
export { AUDIT_XBERTH_SECTIONS, auditIgnores } from './xberth.js';

/** Every rule, standards first, then the security baseline. */
export const AUDIT_RULES: readonly Rule[] = [...STANDARDS_RULES, ...SECURITY_RULES];

export interface AuditInput {
  readonly path: string;
  readonly load: Omit<LoadOptions, 'lenient'>;
  readonly live?: LiveFacts;
  /**
   * DNS lookups for the mail rules (TXT, and A, AAAA and MX for SPF's terms): the mail domains of the
   * stacks with `x-berth.mail` are looked up through it. Absent: the mail rules are skipped.
   */
  readonly lookupDns?: DnsLookup;
  readonly rules?: readonly Rule[];
  readonly baseline?: ReadonlySet<string>;
  readonly failOn: Severity;
  readonly date: Date;
  readonly version: string;
}

export interface AuditRun {
  readonly snapshot: Snapshot;
  readonly result: AuditResult;
  readonly report: AuditReport;
  /** Stacks that could not be read at all. */
  readonly unreadable: readonly Diagnostic[];
}

/** Reads the estate at `path`, runs the rules and assembles what the reports need. */
export async function auditPath(input: AuditInput): Promise<AuditRun> {
  const rules = input.rules ?? AUDIT_RULES;
  const taken = await takeSnapshot(input.path, input.load, input.live);
  const { diagnostics } = taken;
  let { snapshot } = taken;
  if (input.lookupDns) snapshot = { ...snapshot, mail: await collectMail(snapshot.stacks, input.lookupDns) };
  const ran = runAudit(snapshot, rules, {
    failOn: input.failOn,
    ...(input.baseline ? { baseline: input.baseline } : {}),
  });
  // A stack that could not be read was not audited: the audit fails, whatever --fail-on says.
  const result: AuditResult =
    diagnostics.length === 0 ? ran : { ...ran, summary: { ...ran.summary, exitCode: 1 } };
  const report: AuditReport = {
    snapshot,
    result,
    rules,
    unreadable: diagnostics,
    coverage: coverage(snapshot),
    failOn: input.failOn,
    date: input.date,
    version: input.version,
  };
  return { snapshot, result, report, unreadable: diagnostics };
}
