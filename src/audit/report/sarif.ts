import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Rule, Severity } from '../types.js';
import { type AuditReport, reportPath } from './context.js';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of Berth's fingerprint in `partialFingerprints`; bump the version if its recipe changes. */
export const FINGERPRINT_KEY = 'berth/v1';
const ROOT = 'ROOT';

export function sarifLevel(severity: Severity): SarifLevel {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}

/** GitHub code scanning ranks security alerts by this CVSS-like number (as a string). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

function sarifRule(rule: Rule) {
  return {
    id: rule.id,
    // SARIF wants an identifier here (the title is the short description): ImageNotPinned.
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.fix },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags: [rule.category],
      severity: rule.severity,
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

function location(root: string, f: { file: string; line: number; column: number }) {
  const path = reportPath(root, f.file);
  const inside = path !== f.file || !isAbsolute(f.file);
  const artifactLocation = inside
    ? { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: ROOT }
    : { uri: pathToFileURL(f.file).href };
  return {
    physicalLocation: {
      artifactLocation,
      // Line 0 means "the file as a whole": SARIF has no region for that.
      ...(f.line > 0
        ? { region: { startLine: f.line, ...(f.column > 0 ? { startColumn: f.column } : {}) } }
        : {}),
    },
  };
}

function sarifResult(root: string, ruleIndex: Map<string, number>, f: Finding, reason?: string) {
  const index = ruleIndex.get(f.rule);
  return {
    ruleId: f.rule,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [location(root, f)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    ...(reason === undefined ? {} : { suppressions: [{ kind: 'inSource', justification: reason }] }),
    properties: {
      severity: f.severity,
      stack: f.stack,
      ...(f.service ? { service: f.service } : {}),
      fix: f.fix,
    },
  };
}

/** The audit as a SARIF 2.1.0 log: one run, every rule described, suppressed findings marked. */
export function sarifLog(report: AuditReport) {
  const { snapshot, result } = report;
  const root = snapshot.root;
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const notifications = [
    ...report.unreadable.map((d) => ({
      level: 'error' as SarifLevel,
      message: { text: `stack not audited: ${d.message}` },
      locations: [location(root, d)],
      descriptor: { id: d.code },
    })),
    ...result.skipped.map((s) => ({
      level: 'note' as SarifLevel,
      message: { text: `rule ${s.rule} not run: ${s.why}` },
      associatedRule: { id: s.rule, ...(ruleIndex.has(s.rule) ? { index: ruleIndex.get(s.rule) } : {}) },
    })),
  ];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'berth',
            version: report.version,
            semanticVersion: report.version,
            rules: report.rules.map(sarifRule),
          },
        },
        originalUriBaseIds: { [ROOT]: { uri: `${pathToFileURL(root).href.replace(/\/?$/, '/')}` } },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.date.toISOString(),
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results: [
          ...result.findings.map((f) => sarifResult(root, ruleIndex, f)),
          ...result.suppressed.map((f) => sarifResult(root, ruleIndex, f, f.reason)),
        ],
        properties: { score: result.summary.score, baselineHidden: result.baselineHidden },
      },
    ],
  };
}

export function formatSarif(report: AuditReport): string {
  return `${JSON.stringify(sarifLog(report), null, 2)}\n`;
}
