import { z } from 'zod';
import { pageSchema } from './common.js';

// The stacks of the workspace, and validation of their files.

const catalogFields = {
  name: z.string(),
  group: z.string().nullable(),
  owner: z.string().nullable(),
  description: z.string().nullable(),
  environment: z.string().nullable(),
  valid: z.boolean(),
};

/** What `GET /api/v1/stacks?include=last-deployment` adds to each stack. */
export const LAST_DEPLOYMENT = 'last-deployment';

/** A stack's latest deployment, as the stack list carries it (the history is at /stacks/:stack/deployments). */
export const LastDeploymentSchema = z.object({
  id: z.number().int(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type LastDeployment = z.output<typeof LastDeploymentSchema>;

export const StackSummarySchema = z.object({
  ...catalogFields,
  services: z.number().int().min(0),
  lastDeployment: LastDeploymentSchema.nullable()
    .optional()
    .describe(`With \`include=${LAST_DEPLOYMENT}\`: the latest deployment, null when the stack has none`),
});
export const StackDetailSchema = z.object({ ...catalogFields, services: z.array(z.string()) });
export const StackPageSchema = pageSchema(StackSummarySchema);

/** A stack as one normalized compose document (`berth config`), secrets redacted. */
export const StackConfigSchema = z.record(z.string(), z.json());

export const ValidateRequestSchema = z.strictObject({
  path: z.string().min(1).max(4096).describe('Relative to the workspace folder; `.` is the whole workspace'),
});

/** One diagnostic in the stable shape `berth validate --json` prints. */
export const DiagnosticSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  hint: z.string(),
});

export const ValidationReportSchema = z.object({
  valid: z.boolean(),
  files: z.array(
    z.object({
      path: z.string(),
      valid: z.boolean(),
      errors: z.array(DiagnosticSchema),
      warnings: z.array(DiagnosticSchema),
    }),
  ),
});
