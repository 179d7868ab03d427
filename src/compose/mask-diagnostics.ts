import { valueMasker } from '../secrets/mask.js';
import type { Diagnostic } from './diagnostics.js';

/**
 * Diagnostics with every one of `values` masked in their message and hint. A finding about an
 * interpolated field quotes the value it got (`invalid number "…"`), and that value may be a `.env`
 * password: loading masks its findings with the stack's secret values before anyone sees them.
 */
export function maskDiagnostics(diagnostics: readonly Diagnostic[], values: readonly string[]): Diagnostic[] {
  if (diagnostics.length === 0) return [];
  const mask = valueMasker(values);
  return diagnostics.map((d) => {
    const message = mask(d.message);
    const hint = mask(d.hint);
    return message === d.message && hint === d.hint ? d : { ...d, message, hint };
  });
}
