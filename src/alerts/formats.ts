import { createHmac } from 'node:crypto';
import type { WebhookPayload } from '../api/alerts.js';
import type { AlertMessage } from './message.js';
import { renderText } from './render.js';

/**
 * Each channel's request body, from a message. Pure: the senders add the URL, credentials and,
 * for webhooks, the signature of the exact bytes sent.
 */

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Colors and ntfy priorities by severity; a resolve is good news whatever it ended. */
const COLOR = { critical: 0xe01e5a, error: 0xe8912d, warning: 0xecb22e, info: 0x36c5f0, resolved: 0x2eb67d };
const PRIORITY = { critical: 5, error: 4, warning: 3, info: 2 } as const;
const TAG = {
  critical: 'rotating_light',
  error: 'x',
  warning: 'warning',
  info: 'information_source',
} as const;

export function webhookBody(m: AlertMessage, delivery: number): WebhookPayload {
  const { title, text } = renderText(m);
  return {
    version: 1,
    delivery,
    kind: m.kind,
    severity: m.severity,
    key: m.key,
    title,
    text,
    summary: m.summary,
    ...(m.stack !== undefined ? { stack: m.stack } : {}),
    ...(m.service !== undefined ? { service: m.service } : {}),
    event: m.event,
    ...(m.openedAt !== undefined ? { openedAt: m.openedAt } : {}),
    ...(m.resolvedAt !== undefined ? { resolvedAt: m.resolvedAt } : {}),
    at: m.at,
  };
}

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. The timestamp is signed with the body
 * so a captured request cannot be replayed later with a new timestamp.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Slack's mrkdwn treats `<…>` as links and mentions (`<!channel>`): event text must not. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Slack incoming webhooks (and the Slack-compatible ones of Mattermost, Rocket.Chat): `text` holds
 * everything, for the notification and for servers that ignore blocks; blocks show it as plain text.
 */
export function slackBody(m: AlertMessage): object {
  const { title, text } = renderText(m);
  return {
    text: slackEscape(`${title}\n\n${text}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title, 150) } },
      { type: 'section', text: { type: 'plain_text', text: clip(text, 3000) } },
    ],
  };
}

/** Discord webhooks: the title as content, the rest as an embed; no mention pings anyone. */
export function discordBody(m: AlertMessage): object {
  const { title, text } = renderText(m);
  return {
    content: clip(title, 2000),
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: clip(title, 256),
        description: clip(text, 4096),
        color: m.kind === 'resolve' ? COLOR.resolved : COLOR[m.severity],
        timestamp: m.at,
      },
    ],
  };
}

/** RFC 2047: ntfy decodes `=?UTF-8?B?…?=`, and a header must be Latin-1 to be sent at all. */
const headerText = (text: string) =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** ntfy: the text as the body, title, priority and tags (emoji) as headers. */
export function ntfyRequest(m: AlertMessage): { headers: Record<string, string>; body: string } {
  const { title, text } = renderText(m);
  const tag = m.kind === 'resolve' ? 'white_check_mark' : m.kind === 'test' ? 'test_tube' : TAG[m.severity];
  return {
    headers: {
      Title: headerText(clip(title, 250)),
      Priority: String(m.kind === 'resolve' || m.kind === 'test' ? 3 : PRIORITY[m.severity]),
      Tags: `${tag},berth`,
    },
    body: text,
  };
}

/** Matrix: an `m.room.message` of type `m.text` (`m.notice` would not notify by default). */
export function matrixBody(m: AlertMessage): object {
  const { title, text } = renderText(m);
  return { msgtype: 'm.text', body: `${title}\n\n${text}` };
}
