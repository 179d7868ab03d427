import { clip } from '../describe.js';
import { evaluate } from '../expressions-eval.js';
import type { CheckOutcome, ProbeDefinition } from '../probe-types.js';

/** The most of a program's output a result keeps (its start and its end). */
const OUTPUT_MAX = 2000;

/**
 * A probe run's verdict: with conditions, every one must hold (a condition on something the run
 * could not measure fails); without, the check's own success. The detail says why, in the words
 * of the conditions (`[STATUS] (503) == 200`) or of the check (`connection refused on …`). Pure.
 */
export function judge(
  definition: ProbeDefinition,
  outcome: CheckOutcome,
): { ok: boolean; detail: string; output?: string } {
  // What a program printed (a command's or a database client's output) is for operators: a failure
  // carries it apart from the detail, which every role reads and alerts send.
  const bodyIsOutput = definition.check.type === 'command' || definition.check.type === 'db';
  const printed = outcome.output ?? (bodyIsOutput ? outcome.measured.body?.trim() || undefined : undefined);
  const output = printed === undefined ? undefined : clip(printed, OUTPUT_MAX);
  const failure = (detail: string) => ({ ok: false, detail, ...(output !== undefined ? { output } : {}) });
  if (definition.conditions.length === 0) {
    return outcome.ok ? { ok: true, detail: 'ok' } : failure(outcome.error ?? 'failed');
  }
  const verdicts = definition.conditions.map((c) => evaluate(c, outcome.measured, { bodyIsOutput }));
  const failed = verdicts.filter((v) => !v.ok).map((v) => v.detail);
  if (failed.length === 0) return { ok: true, detail: 'ok' };
  const why = outcome.error !== undefined ? `${outcome.error}; ` : '';
  return failure(`${why}${failed.join(', ')}`);
}
