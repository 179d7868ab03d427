import { z } from 'zod';
import { TriggerSchema } from '../api/deploy.js';
import { JsonSchema } from './json.js';

export const DeploymentStatusSchema = z.enum([
  'running',
  'succeeded',
  'failed',
  'rolled-back',
  'interrupted',
]);
export type DeploymentStatus = z.infer<typeof DeploymentStatusSchema>;

export const FinishOutcomeSchema = DeploymentStatusSchema.exclude(['running']);
export type FinishOutcome = z.infer<typeof FinishOutcomeSchema>;

export const ServiceOutcomeSchema = z.enum(['unchanged', 'succeeded', 'failed', 'rolled-back', 'skipped']);
export type ServiceOutcome = z.infer<typeof ServiceOutcomeSchema>;

const name = z.string().min(1);

export const CreateDeploymentInputSchema = z.object({
  stack: name,
  trigger: TriggerSchema,
  /** Any JSON value; stored as JSON.stringify would write it. */
  plan: z.unknown(),
  actor: z.string().optional(),
});
export type CreateDeploymentInput = z.input<typeof CreateDeploymentInputSchema>;

export const DeploymentSchema = z.object({
  id: z.number().int().positive(),
  stack: z.string(),
  trigger: TriggerSchema,
  actor: z.string().optional(),
  plan: JsonSchema,
  status: DeploymentStatusSchema,
  summary: z.string().optional(),
  /** ISO-8601 timestamps from the injected clock. */
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

export const EventInputSchema = z.object({
  type: name,
  service: z.string().optional(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type EventInput = z.input<typeof EventInputSchema>;

export const DeploymentEventSchema = z.object({
  deploymentId: z.number().int(),
  /** 1, 2, 3... within one deployment: the order events were appended in. */
  seq: z.number().int().positive(),
  at: z.string(),
  type: z.string(),
  service: z.string().optional(),
  message: z.string(),
  data: JsonSchema.optional(),
});
export type DeploymentEvent = z.infer<typeof DeploymentEventSchema>;

export const ServiceResultInputSchema = z.object({
  outcome: ServiceOutcomeSchema,
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  logTail: z.array(z.string()).optional(),
  healthOutput: z.string().optional(),
});
export type ServiceResultInput = z.input<typeof ServiceResultInputSchema>;

export const ServiceResultSchema = ServiceResultInputSchema.extend({
  deploymentId: z.number().int(),
  service: z.string(),
  recordedAt: z.string(),
});
export type ServiceResult = z.infer<typeof ServiceResultSchema>;

export const ListOptionsSchema = z.object({
  limit: z.number().int().min(1).max(1000),
  /** Keyset cursor: only deployments with a smaller id (i.e. older). */
  before: z.number().int().positive().optional(),
});
export type ListOptions = z.input<typeof ListOptionsSchema>;

export interface DeploymentPage {
  items: Deployment[];
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  nextBefore?: number;
}

/** Rows as SQLite returns them; checked on read so a damaged file fails with STORE_IO, not a TypeError. */
export const DeploymentRowSchema = z.object({
  id: z.number().int(),
  stack: z.string(),
  trigger: TriggerSchema,
  actor: z.string().nullable(),
  plan_json: z.string(),
  status: DeploymentStatusSchema,
  summary: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});

export const EventRowSchema = z.object({
  deployment_id: z.number().int(),
  seq: z.number().int(),
  at: z.string(),
  type: z.string(),
  service: z.string().nullable(),
  message: z.string(),
  data_json: z.string().nullable(),
});

export const ServiceResultRowSchema = z.object({
  deployment_id: z.number().int(),
  service: z.string(),
  outcome: ServiceOutcomeSchema,
  reason: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  log_tail_json: z.string().nullable(),
  health_output: z.string().nullable(),
  recorded_at: z.string(),
});
