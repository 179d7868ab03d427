import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic } from '../../compose/diagnostics.js';
import type { Coverage } from '../coverage.js';
import type { AuditResult } from '../run.js';
import type { Rule, Severity, Snapshot } from '../types.js';

/** Everything a report shows: the result plus what it was computed from. */
export interface AuditReport {
  readonly snapshot: Snapshot;
  readonly result: AuditResult;
  /** The rules that ran (or were skipped), for rule metadata. */
  readonly rules: readonly Rule[];
  /** Stacks that could not be read at all (takeSnapshot's diagnostics). */
  readonly unreadable: readonly Diagnostic[];
  /** How much of the estate meets each standard (coverage()). */
  readonly coverage: Coverage;
  readonly failOn: Severity;
  /** When the audit ran (the report's date). */
  readonly date: Date;
  readonly version: string;
}

/**
 * A file as reports show it: relative to the audited root with `/` separators, so reports of the
 * same estate are identical on every machine; files outside the root stay absolute.
 */
export function reportPath(root: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(root, file);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}

/** How many stacks could not be read: their diagnostics, counted by stack folder. */
export function unreadableStacks(unreadable: readonly Pick<Diagnostic, 'file'>[]): number {
  return new Set(unreadable.map((d) => dirname(d.file))).size;
}
