import { z } from 'zod';

// Health: the probes Berth runs (each service's `x-berth.probes` and the built-in `container`
// probe of every container), their state, last result and uptime.

/**
 * `pending`: declared in the stack's files, no result yet (it has not run since its service got a
 * container); `stopped`: declared, but its stack was taken down (`berth down`) and not deployed
 * since, so nothing runs on purpose: not a failure, and no downtime; `not-running`: declared, but
 * every deployment of its stack since its last down (or ever) was rolled back or interrupted, so
 * nothing runs; `unknown`: it ran, but not yet as often as its thresholds ask for a verdict; `up`,
 * `down`. None but `up` is up.
 */
export const ProbeStatusSchema = z.enum(['pending', 'stopped', 'not-running', 'unknown', 'up', 'down']);

/** Why a `stopped` or `not-running` probe's stack runs nothing, from what Berth recorded, and what to do. */
export const NotRunningSchema = z.discriminatedUnion('cause', [
  z.object({
    /** `berth down` took it down, and it was not deployed since. */
    cause: z.literal('down'),
    /** When (ISO); absent for a stack taken down before Berth recorded when. */
    at: z.string().optional(),
    /** What to do: `berth up STACK`. */
    hint: z.string(),
  }),
  z.object({
    /** Deployed since its last down (or ever), but every such deployment was rolled back or interrupted. */
    cause: z.literal('deployment'),
    /** When the newest one ended (ISO). */
    at: z.string().optional(),
    deploymentId: z.number().int(),
    outcome: z.enum(['rolled-back', 'interrupted']),
    /** What it put back: a stack taken down (`down`), or nothing that ever ran (`nothing`). */
    after: z.enum(['down', 'nothing']),
    /** What to do: read why it failed, fix it, `berth up STACK`. */
    hint: z.string(),
  }),
]);
export type NotRunning = z.output<typeof NotRunningSchema>;

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
  /** Why its stack runs nothing: with `stopped` and `not-running`. */
  notRunning: NotRunningSchema.optional(),
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
