import { z } from 'zod';

/**
 * What an event says about alerting, in its `data.alert`: the condition it opens or resolves (by a
 * key stable across restarts, e.g. `probe:shop/web/home`) and how bad it is. Events that carry no
 * hint are routed by their kind and type (a failed backup, a missed job). Shared by the producers
 * (health) and the alert router.
 */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.output<typeof SeveritySchema>;

export const AlertHintSchema = z.object({
  key: z.string().min(1),
  /** `open`: the condition began (reminders follow while it lasts); `resolved`: it ended; `notice`: one-off. */
  status: z.enum(['open', 'resolved', 'notice']),
  severity: SeveritySchema,
});
export type AlertHint = z.output<typeof AlertHintSchema>;

/** The hint in an event's data, if it has a valid one. */
export function alertHintOf(data: unknown): AlertHint | undefined {
  if (typeof data !== 'object' || data === null || !('alert' in data)) return undefined;
  const parsed = AlertHintSchema.safeParse((data as { alert: unknown }).alert);
  return parsed.success ? parsed.data : undefined;
}
