import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { message } from '../../test/support/alerts/fixtures.js';
import { WebhookPayloadSchema } from '../api/alerts.js';
import { discordBody, matrixBody, ntfyRequest, slackBody, webhookBody, webhookSignature } from './formats.js';
import { humanDuration, renderEmail, renderText, renderTitle } from './render.js';

// The words of each kind of message, and each channel's format of them.

const opened = { openedAt: '2026-03-01T09:00:00.000Z' };

describe('renderTitle and renderText', () => {
  it('says what, where and how bad, per kind', () => {
    expect(renderTitle(message())).toBe('CRITICAL shop/web: probe home is down: [STATUS] (503) == 200');
    expect(
      renderTitle(
        message({ kind: 'notice', severity: 'error', service: undefined, summary: 'backup failed' }),
      ),
    ).toBe('ERROR shop: backup failed');
    expect(renderTitle(message({ kind: 'reminder', ...opened, at: '2026-03-01T10:05:30.000Z' }))).toBe(
      'STILL CRITICAL after 1h 5m: shop/web: probe home is down: [STATUS] (503) == 200',
    );
    expect(
      renderTitle(
        message({ kind: 'resolve', summary: 'up again', ...opened, resolvedAt: '2026-03-01T09:00:42.000Z' }),
      ),
    ).toBe('RESOLVED after 42s: shop/web: up again');
    expect(
      renderTitle(message({ kind: 'test', stack: undefined, service: undefined, summary: 'it works' })),
    ).toBe('TEST it works');
    // A summary cannot add lines to a title (an email subject).
    expect(renderTitle(message({ summary: 'a\r\nBcc: x@evil.example' }))).toBe(
      'CRITICAL shop/web: a Bcc: x@evil.example',
    );
  });

  it('writes plain text with the facts, one per line', () => {
    const resolve = message({
      kind: 'resolve',
      summary: 'probe home is up again',
      openSummary: 'probe home is down',
      ...opened,
      resolvedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(renderText(resolve).text).toBe(
      [
        'probe home is up again',
        'It began with: probe home is down',
        '',
        'Stack: shop',
        'Service: web',
        'Severity: critical',
        'Event: health/probe-down at 2026-03-01T10:00:00.000Z',
        'Was open since: 2026-03-01T09:00:00.000Z (1h)',
        'Resolved at: 2026-03-01T10:00:00.000Z',
        'Alert: probe:shop/web/home',
      ].join('\n'),
    );
    expect(renderEmail(message())).toEqual({
      subject: renderTitle(message()),
      text: `${renderText(message()).text}\n\n-- \nSent by Berth. Recent alerts: berth alert list\n`,
    });
  });

  it('counts durations in their two largest units', () => {
    expect([0, 999, 42_000, 60_000, 3_900_000, 90_061_000, 172_800_000].map(humanDuration)).toEqual([
      '0s',
      '0s',
      '42s',
      '1m',
      '1h 5m',
      '1d 1h',
      '2d',
    ]);
  });
});

describe('channel formats', () => {
  it('gives webhooks a body of the documented schema and signs timestamp.body with HMAC-SHA256', () => {
    const body = webhookBody(
      message({ kind: 'resolve', ...opened, resolvedAt: '2026-03-01T10:00:00.000Z' }),
      42,
    );
    expect(WebhookPayloadSchema.strict().parse(body)).toEqual(body);
    expect(body).toMatchObject({
      version: 1,
      delivery: 42,
      kind: 'resolve',
      resolvedAt: '2026-03-01T10:00:00.000Z',
    });
    const raw = JSON.stringify(body);
    const expected = createHmac('sha256', 'k').update(`1772359200.${raw}`).digest('hex');
    expect(webhookSignature('k', 1772359200, raw)).toBe(`sha256=${expected}`);
    expect(webhookSignature('k', 1772359201, raw)).not.toBe(`sha256=${expected}`);
  });

  it('clips to what Slack and Discord accept', () => {
    const long = message({ summary: 'x'.repeat(5000) });
    const slack = slackBody(long) as { blocks: Array<{ text: { text: string } }> };
    expect(slack.blocks[0]?.text.text).toHaveLength(150);
    expect(slack.blocks[1]?.text.text).toHaveLength(3000);
    const discord = discordBody(long) as {
      content: string;
      embeds: Array<{ title: string; description: string; color: number }>;
    };
    expect(discord.content).toHaveLength(2000);
    expect(discord.embeds[0]?.title).toHaveLength(256);
    expect(discord.embeds[0]?.description).toHaveLength(4096);
    expect(discord.embeds[0]?.color).toBe(0xe01e5a);
  });

  it('maps severities to ntfy priorities and tags; resolves and tests are calm', () => {
    const of = (m: Parameters<typeof ntfyRequest>[0]) => ntfyRequest(m).headers;
    expect(of(message({ severity: 'critical' }))).toMatchObject({
      Priority: '5',
      Tags: 'rotating_light,berth',
    });
    expect(of(message({ severity: 'error', kind: 'notice' }))).toMatchObject({
      Priority: '4',
      Tags: 'x,berth',
    });
    expect(of(message({ severity: 'warning' }))).toMatchObject({ Priority: '3', Tags: 'warning,berth' });
    expect(of(message({ severity: 'info' }))).toMatchObject({
      Priority: '2',
      Tags: 'information_source,berth',
    });
    expect(of(message({ kind: 'resolve' }))).toMatchObject({ Priority: '3', Tags: 'white_check_mark,berth' });
    expect(of(message()).Title).toBe(renderTitle(message()));
  });

  it('sends Matrix an m.text that notifies', () => {
    expect(matrixBody(message())).toEqual({
      msgtype: 'm.text',
      body: `${renderTitle(message())}\n\n${renderText(message()).text}`,
    });
  });
});
