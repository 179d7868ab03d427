import { z } from 'zod';
import { SeveritySchema } from '../api/alert-hint.js';

/**
 * What a delivery carries, channel-neutral: stored as the delivery's payload and rendered for its
 * channel at each attempt (so a retry renders the same text with a fresh signature timestamp).
 */
export const MESSAGE_KINDS = ['open', 'reminder', 'resolve', 'notice', 'test'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const AlertMessageSchema = z.object({
  kind: z.enum(MESSAGE_KINDS),
  key: z.string(),
  severity: SeveritySchema,
  /** What happened, in the words of the event (`probe home of shop/web is down: …`). */
  summary: z.string(),
  stack: z.string().optional(),
  service: z.string().optional(),
  /** The event that caused the message (a reminder: the one that opened the alert). */
  event: z.object({
    id: z.number().int().optional(),
    kind: z.string(),
    type: z.string(),
    at: z.string(),
  }),
  /** When the condition began (reminders and resolves), and what was said then. */
  openedAt: z.string().optional(),
  openSummary: z.string().optional(),
  resolvedAt: z.string().optional(),
  /** When the message was made. */
  at: z.string(),
});
export type AlertMessage = z.output<typeof AlertMessageSchema>;
