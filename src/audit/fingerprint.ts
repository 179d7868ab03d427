import { createHash } from 'node:crypto';

/**
 * A finding's identity across runs: rule, stack, service and the rule's evidence. Message text and
 * positions stay out on purpose, so rewording a message or moving a line keeps baselines valid.
 */
export function fingerprint(
  rule: string,
  stack: string,
  service: string | undefined,
  evidence: string,
): string {
  return createHash('sha256')
    .update(`${rule}|${stack}|${service ?? ''}|${evidence}`)
    .digest('hex')
    .slice(0, 16);
}
