import { z } from 'zod';
import { parseDuration } from '../compose/schema/units.js';

/**
 * Where alerts go: the `alerts:` section of the config file, read by `berth serve`. Channels are
 * named destinations (a webhook, Slack, Discord, SMTP, ntfy, Matrix); rules route events to them.
 * Anything that lets its holder post or read (an HMAC key, a Slack or Discord webhook URL, which
 * embeds its token, a password, an access token) is named, never written: `{ env: VAR }` or
 * `{ file: PATH }`.
 *
 * Without `rules`, every channel receives every alert of severity warning and above, with a
 * reminder every hour while a condition stays open: configuring a channel is enough to hear of a
 * probe that went down (the estate this capability was written for had channels nobody routed).
 */

/** The severities of src/api/alert-hint.ts, most severe first (config may not import the contract). */
export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
/** Event kinds a rule may name: those of src/api/events.ts, but `alert` (alerts never alert). */
export const ALERT_EVENT_KINDS = ['health', 'backup', 'job', 'container', 'deploy', 'operation'] as const;
export const CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'smtp', 'ntfy', 'matrix'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_REMIND_MS = 3_600_000;
const MIN_REMIND_MS = 60_000;
const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Ref = { env: string } | { file: string };

function isRef(value: unknown): value is Ref {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.keys(value).length !== 1) return false;
  const { env, file } = value as { env?: unknown; file?: unknown };
  return (typeof env === 'string' && ENV_NAME.test(env)) || (typeof file === 'string' && file.trim() !== '');
}

const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/** A credential named where it is; `example` is the variable the hint suggests. */
const credential = (example: string) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      if (isRef(value)) return;
      ctx.addIssue({
        code: 'custom',
        message:
          value === undefined
            ? 'is missing: name where it is'
            : 'a credential is never written in the config file',
        // `secret`: the value is not repeated in the message (it may be the credential itself).
        params: {
          hint: `name where it is: \`{ env: ${example} }\` or \`{ file: /etc/berth/${example.toLowerCase()} }\``,
          secret: true,
        },
      });
    })
    .transform((value) => value as Ref);

/** An http(s) URL, written or (when it carries a token) named like a credential. */
const urlOrRef = (example: string) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      if (isHttpUrl(value) || isRef(value)) return;
      ctx.addIssue({
        code: 'custom',
        message: 'expected an http(s) URL, or `{ env: VAR }` / `{ file: PATH }` when it carries a token',
        // A mistyped URL may still carry its token: not repeated either.
        params: {
          hint: `e.g. \`url: https://hooks.example.com/berth\` or \`url: { env: ${example} }\``,
          secret: true,
        },
      });
    })
    .transform((value) => value as string | Ref);

const httpUrl = (example: string) =>
  z.string().refine(isHttpUrl, {
    message: 'expected an http(s) URL',
    params: { hint: `e.g. \`${example}\`` },
  });

const duration = (what: string, min: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text.trim());
    if (ms === undefined || ms < min) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} is a duration of at least ${min / 1000}s`,
        params: { hint: 'e.g. `90s`, `15m`, `1h` (units: ms, s, m, h)' },
      });
      return z.NEVER;
    }
    return ms;
  });

const timeout = duration('a timeout', 1000).optional();
/** A string matching `pattern`; the message and hint say how to write one. */
const matching = (pattern: RegExp, message: string, hint: string) =>
  z
    .string()
    .trim()
    .refine((v) => pattern.test(v), { message, params: { hint } });

const address = matching(
  /^[^@\s<>]+@[^@\s<>]+$|^[^<>]*<[^@\s<>]+@[^@\s<>]+>$/,
  'expected an email address',
  'e.g. `ops@example.com` or `"Berth <berth@example.com>"`',
);

const WebhookSchema = z.strictObject({
  type: z.literal('webhook'),
  url: urlOrRef('ALERT_WEBHOOK_URL'),
  /** The HMAC-SHA256 key of `X-Berth-Signature`; without it, requests are not signed. */
  secret: credential('ALERT_WEBHOOK_SECRET').optional(),
  timeout,
});
const SlackSchema = z.strictObject({
  type: z.literal('slack'),
  url: credential('SLACK_WEBHOOK_URL'),
  timeout,
});
const DiscordSchema = z.strictObject({
  type: z.literal('discord'),
  url: credential('DISCORD_WEBHOOK_URL'),
  timeout,
});
const SmtpSchema = z.strictObject({
  type: z.literal('smtp'),
  host: z.string().trim().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  /** TLS from the first byte (port 465). */
  secure: z.boolean().optional(),
  /** Require STARTTLS (the default without `secure`); false: plain SMTP, for a relay on this host. */
  starttls: z.boolean().optional(),
  user: z.string().trim().min(1).optional(),
  password: credential('SMTP_PASSWORD').optional(),
  from: address,
  to: z.array(address).min(1),
  timeout,
});
const NtfySchema = z.strictObject({
  type: z.literal('ntfy'),
  /** The ntfy server; default https://ntfy.sh. */
  url: httpUrl('url: https://ntfy.example.com').optional(),
  topic: matching(
    /^[-_A-Za-z0-9]{1,64}$/,
    'a topic is 1 to 64 letters, digits, - and _',
    'e.g. `topic: berth-alerts`',
  ),
  token: credential('NTFY_TOKEN').optional(),
  timeout,
});
const MatrixSchema = z.strictObject({
  type: z.literal('matrix'),
  homeserver: httpUrl('homeserver: https://matrix.example.org'),
  room: matching(
    /^![^:\s]+:\S+$/,
    'a room is named by its id, `!…:server`',
    'Element shows it under Room settings › Advanced (`!abc123:example.org`)',
  ),
  accessToken: credential('MATRIX_ACCESS_TOKEN'),
  timeout,
});

const ChannelSchema = z.discriminatedUnion('type', [
  WebhookSchema,
  SlackSchema,
  DiscordSchema,
  SmtpSchema,
  NtfySchema,
  MatrixSchema,
]);

const RuleSchema = z.strictObject({
  channels: z.array(z.string()).min(1),
  kinds: z.array(z.enum(ALERT_EVENT_KINDS)).min(1).optional(),
  /** Event types within the kinds (`probe-down`, `failed`…). */
  types: z.array(z.string().min(1)).min(1).optional(),
  severities: z.array(z.enum(ALERT_SEVERITIES)).min(1).optional(),
  minSeverity: z.enum(ALERT_SEVERITIES).optional(),
  stacks: z.array(z.string().min(1)).min(1).optional(),
  /** Reminders while a condition stays open; absent: none. */
  remind: duration('remind', MIN_REMIND_MS).optional(),
});

export const AlertSectionSchema = z
  .strictObject({
    channels: z.record(
      z.string().refine((name) => NAME.test(name), {
        message: 'a channel name is made of lowercase letters, digits, - and _',
        params: { hint: 'e.g. `ops-slack` or `oncall`' },
      }),
      ChannelSchema,
    ),
    rules: z.array(RuleSchema).optional(),
    /** The per-attempt timeout of channels that set none. */
    timeout,
  })
  .superRefine((section, ctx) => {
    const names = Object.keys(section.channels);
    section.rules?.forEach((rule, i) => {
      rule.channels.forEach((name, j) => {
        if (names.includes(name)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'channels', j],
          message: `no channel is named ${JSON.stringify(name)}`,
          params: {
            hint: names.length > 0 ? `channels: ${names.join(', ')}` : 'define it under `channels:`',
          },
        });
      });
      if (rule.severities !== undefined && rule.minSeverity !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'minSeverity'],
          message: 'a rule takes `severities` or `minSeverity`, not both',
          params: { hint: 'e.g. `minSeverity: error` (error and critical)' },
        });
      }
    });
  });
export type AlertSection = z.output<typeof AlertSectionSchema>;

export const ALERT_KEYS = ['channels', 'rules', 'timeout'];
export const RULE_KEYS = Object.keys(RuleSchema.shape);
export const CHANNEL_KEYS = [
  ...new Set(
    [WebhookSchema, SlackSchema, DiscordSchema, SmtpSchema, NtfySchema, MatrixSchema].flatMap((s) =>
      Object.keys(s.shape),
    ),
  ),
];
