import { z } from 'zod';

// The audit's findings about one stack (`berth audit`'s standards and security rules, over its files).

export const FindingSeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);

/** A finding as the API shows it: what is wrong, where, and how to fix it (never the evidence text). */
export const FindingViewSchema = z.object({
  rule: z.string(),
  severity: FindingSeveritySchema,
  category: z.string(),
  title: z.string(),
  message: z.string(),
  service: z.string().optional(),
  /** Relative to the workspace folder. */
  file: z.string(),
  line: z.number().int(),
  fix: z.string(),
});
export type FindingView = z.output<typeof FindingViewSchema>;

export const StackFindingsSchema = z.object({ items: z.array(FindingViewSchema) });
