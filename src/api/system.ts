import { z } from 'zod';

// Liveness and readiness.

export const HealthSchema = z.object({ status: z.literal('ok') });

/** One readiness check, e.g. `{ name: 'store', ok: true }`. Only names and booleans are public. */
export const ReadinessCheckSchema = z.object({ name: z.string(), ok: z.boolean() });
export type ReadinessCheck = z.output<typeof ReadinessCheckSchema>;

export const ReadinessSchema = z.object({
  status: z.literal('ready'),
  checks: z.array(ReadinessCheckSchema),
});
