import { z } from 'zod';
import { SeveritySchema } from './alert-hint.js';

// Alerts: the channels configured on the server (no secrets), recent alerts and the deliveries of
// their messages, a channel test; and the JSON body a `webhook` channel posts (a stable schema).

export const ChannelTypeSchema = z.enum(['webhook', 'slack', 'discord', 'smtp', 'ntfy', 'matrix']);

/** A channel as `berth alert channels` shows it: where it goes, without any credential. */
export const AlertChannelSchema = z.object({
  name: z.string(),
  type: ChannelTypeSchema,
  /** `hooks.example.com`, `smtp.example.com:587 → ops@example.com`: hosts and recipients only. */
  target: z.string(),
  timeoutMs: z.number().int(),
});
export type AlertChannelView = z.output<typeof AlertChannelSchema>;
export const AlertChannelListSchema = z.object({ items: z.array(AlertChannelSchema) });

/** `open` until resolved; `notice`: a one-off (a failed backup). */
export const AlertStateSchema = z.enum(['open', 'resolved', 'notice']);
export const MessageKindSchema = z.enum(['open', 'reminder', 'resolve', 'notice', 'test']);
/** `dead`: given up after its retries (or at once, when retrying cannot help); `lastError` says why. */
export const DeliveryStatusSchema = z.enum(['pending', 'delivered', 'dead']);

export const AlertViewSchema = z.object({
  id: z.number().int(),
  /** Stable across restarts, e.g. `probe:shop/web/home`. */
  key: z.string(),
  state: AlertStateSchema,
  severity: SeveritySchema,
  /** The event's kind and type, e.g. `health` and `probe-down`. */
  kind: z.string(),
  type: z.string(),
  stack: z.string().optional(),
  service: z.string().optional(),
  message: z.string(),
  openedAt: z.string(),
  resolvedAt: z.string().optional(),
  lastSentAt: z.string().optional(),
  /** The channels it went to (none: no rule routed it). */
  channels: z.array(z.string()),
});
export type AlertView = z.output<typeof AlertViewSchema>;

export const DeliveryViewSchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  alertKey: z.string(),
  kind: MessageKindSchema,
  status: DeliveryStatusSchema,
  /** The message's title, as sent. */
  title: z.string(),
  stack: z.string().optional(),
  attempts: z.number().int(),
  /** When the next attempt is due (pending only). */
  nextAt: z.string().optional(),
  /** Why the last attempt failed; never a credential or a URL's path. */
  lastError: z.string().optional(),
  createdAt: z.string(),
  deliveredAt: z.string().optional(),
});
export type DeliveryView = z.output<typeof DeliveryViewSchema>;

export const AlertListSchema = z.object({
  alerts: z.array(AlertViewSchema),
  deliveries: z.array(DeliveryViewSchema),
});
export type AlertList = z.output<typeof AlertListSchema>;

export const AlertTestResultSchema = z.object({
  channel: z.string(),
  ok: z.boolean(),
  /** How long the attempt took. */
  ms: z.number().int(),
  error: z.string().optional(),
  /** The delivery that records it (`berth alert list`). */
  delivery: z.number().int(),
});
export type AlertTestResult = z.output<typeof AlertTestResultSchema>;

/**
 * The body a `webhook` channel posts (`Content-Type: application/json`). Fields are only added in
 * later versions, never renamed or removed; `version` changes when one would be. Retries of one
 * delivery carry the same `delivery` (deduplicate on it). With a secret, the request is signed:
 * `X-Berth-Timestamp: <unix seconds>` and `X-Berth-Signature: sha256=<hex>`, the HMAC-SHA256 under
 * the secret of `<timestamp>.<raw body>`; receivers recompute it, compare in constant time and
 * refuse timestamps more than 5 minutes away from their clock (a replayed request).
 */
export const WebhookPayloadSchema = z.object({
  version: z.literal(1),
  delivery: z.number().int(),
  kind: MessageKindSchema,
  severity: SeveritySchema,
  key: z.string(),
  title: z.string(),
  text: z.string(),
  summary: z.string(),
  stack: z.string().optional(),
  service: z.string().optional(),
  event: z.object({
    id: z.number().int().optional(),
    kind: z.string(),
    type: z.string(),
    at: z.string(),
  }),
  openedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  at: z.string(),
});
export type WebhookPayload = z.output<typeof WebhookPayloadSchema>;
