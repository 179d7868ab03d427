import { evaluate } from '../expressions-eval.js';
import type { CheckOutcome, ProbeDefinition } from '../probe-types.js';

/**
 * A probe run's verdict: with conditions, every one must hold (a condition on something the run
 * could not measure fails); without, the check's own success. The detail says why, in the words
 * of the conditions (`[STATUS] (503) == 200`) or of the check (`connection refused on …`). Pure.
 */
export function judge(definition: ProbeDefinition, outcome: CheckOutcome): { ok: boolean; detail: string } {
  if (definition.conditions.length === 0) {
    return { ok: outcome.ok, detail: outcome.ok ? 'ok' : (outcome.error ?? 'failed') };
  }
  const verdicts = definition.conditions.map((c) => evaluate(c, outcome.measured));
  const failed = verdicts.filter((v) => !v.ok).map((v) => v.detail);
  const ok = failed.length === 0;
  if (ok) return { ok, detail: 'ok' };
  const why = outcome.error !== undefined ? `${outcome.error}; ` : '';
  return { ok, detail: `${why}${failed.join(', ')}` };
}
