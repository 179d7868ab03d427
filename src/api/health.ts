import { z } from 'zod';

// Health: the probes Berth runs (each service's `x-berth.probes` and the built-in `container`
// probe of every container), their state, last result and uptime.

/**
 * `pending`: declared in the stack's files, no result yet (it has not run since its service got a
 * container); `stopped`: declared, but its stack was taken down (`berth down`), so nothing runs on
 * purpose: not a failure, and no downtime; `unknown`: it ran, but not yet as often as its thresholds
 * ask for a verdict; `up`, `down`. None but `up` is up.
 */
export const ProbeStatusSchema = z.enum(['pending', 'stopped', 'unknown', 'up', 'down']);

/**
 * What the checked program printed (a container's last health check, a command probe), secrets
 * masked: like logs, only for the stack's operators (absent for anyone else).
 */
const OutputSchema = z
  .string()
  .optional()
  .describe("What the checked program printed (secrets masked); only for the stack's operators");

const ResultSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  /** Why it failed (`[STATUS] (503) == 200`, `connection refused on …`), or `ok`; secrets masked. */
  detail: z.string(),
  output: OutputSchema,
});

/** Uptime as a share (0..1) of successful results; null when the period has none (unknown is not 100%). */
const UptimeSchema = z.object({
  '24h': z.number().nullable(),
  '7d': z.number().nullable(),
  '30d': z.number().nullable(),
});

export const ProbeViewSchema = z.object({
  stack: z.string(),
  service: z.string(),
  probe: z.string(),
  /** http, tcp, command, db, tls, disk, dns, or container (built in); absent while not watched. */
  type: z.string().optional(),
  status: ProbeStatusSchema,
  /** When the status last changed (ISO). */
  since: z.string().optional(),
  flapping: z.boolean(),
  /** Whether the probe runs now (its service has a container and it is defined). */
  watched: z.boolean(),
  last: ResultSchema.optional(),
  uptime: UptimeSchema,
  /** Mean response time over the last 24 h (ms). */
  meanLatencyMs: z.number().optional(),
});
export type ProbeView = z.output<typeof ProbeViewSchema>;

export const HealthListSchema = z.object({
  items: z.array(ProbeViewSchema),
  /** Containers in a crash loop now. */
  crashLooping: z.array(z.string()),
});
export type HealthList = z.output<typeof HealthListSchema>;

export const ProbeDetailSchema = z.object({
  probe: ProbeViewSchema,
  /** The newest failures, newest first. */
  failures: z.array(
    z.object({ at: z.string(), latencyMs: z.number().optional(), detail: z.string(), output: OutputSchema }),
  ),
  /** Hourly buckets of the last 48 hours, oldest first. */
  hours: z.array(
    z.object({ start: z.string(), ok: z.number(), total: z.number(), meanLatencyMs: z.number().optional() }),
  ),
});
export type ProbeDetail = z.output<typeof ProbeDetailSchema>;
