import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { message } from '../../../test/support/alerts/fixtures.js';
import {
  type Answer,
  type HttpReceiver,
  httpReceiver,
  type Received,
} from '../../../test/support/alerts/receivers.js';
import { makeTempDir } from '../../../test/support/store.js';
import { WebhookPayloadSchema } from '../../api/alerts.js';
import type { AlertChannel } from '../../config/alert-resolve.js';
import { senderFor } from './channels.js';
import type { SendResult } from './types.js';

// Each channel type against a receiver of its own on 127.0.0.1: the request it gets (method,
// path, headers, body), and how answers and failures come back.

const NOW = new Date('2026-03-01T10:00:01.000Z');
const SECRET = 'whsec-planted-8c1f';
const open: HttpReceiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(answer?: (r: Received) => Answer): Promise<HttpReceiver> {
  const r = await httpReceiver(answer ? { answer } : {});
  open.push(r);
  return r;
}

const send = (channel: AlertChannel, delivery = 5, m = message()): Promise<SendResult> =>
  senderFor(channel).send(m, { delivery, signal: new AbortController().signal, now: NOW });

/** What a receiver does, from the README: HMAC of `<timestamp>.<body>`, constant-time compare, 5 minutes. */
function verify(r: Pick<Received, 'headers' | 'body'>, nowS: number): boolean {
  const timestamp = Number(r.headers['x-berth-timestamp']);
  const given = Buffer.from(String(r.headers['x-berth-signature'] ?? ''));
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${r.body}`).digest('hex')}`,
  );
  return (
    Math.abs(nowS - timestamp) <= 300 && given.length === expected.length && timingSafeEqual(given, expected)
  );
}

describe('webhook', () => {
  it('posts the versioned JSON body, signed over timestamp and raw body; a tampered body is refused', async () => {
    const nowS = NOW.getTime() / 1000;
    const hook = await receiver((r) => ({ status: verify(r, nowS) ? 204 : 401 }));
    const channel: AlertChannel = {
      name: 'hook',
      type: 'webhook',
      timeoutMs: 5000,
      url: `${hook.url}/in`,
      secret: SECRET,
    };
    expect(await send(channel, 42)).toEqual({ ok: true });
    const [got] = hook.requests;
    if (!got) throw new Error('nothing arrived');
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/in');
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'x-berth-delivery': '42',
      'x-berth-event': 'open',
      'x-berth-timestamp': String(nowS),
      'x-berth-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    const body = WebhookPayloadSchema.parse(JSON.parse(got.body));
    expect(body).toMatchObject({
      version: 1,
      delivery: 42,
      kind: 'open',
      severity: 'critical',
      key: 'probe:shop/web/home',
      title: 'CRITICAL shop/web: probe home is down: [STATUS] (503) == 200',
      stack: 'shop',
      service: 'web',
      event: { id: 17, kind: 'health', type: 'probe-down' },
    });
    // The same request with one byte changed, or replayed ten minutes later, is refused.
    const tampered = got.body.replace('"critical"', '"info"');
    const resend = (body: string) =>
      fetch(`${hook.url}/in`, {
        method: 'POST',
        headers: {
          'x-berth-timestamp': String(got.headers['x-berth-timestamp']),
          'x-berth-signature': String(got.headers['x-berth-signature']),
        },
        body,
      });
    expect((await resend(tampered)).status).toBe(401);
    expect((await resend(got.body)).status).toBe(204);
    expect(verify(got, nowS + 600)).toBe(false);
    // Without a secret: no signature headers.
    await send({ ...channel, secret: undefined } as AlertChannel);
    expect(hook.requests.at(-1)?.headers['x-berth-signature']).toBeUndefined();
  });

  it('reads a secret kept in a file when it sends', async () => {
    const { dir, cleanup } = makeTempDir('berth-alerts-');
    try {
      writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
      const hook = await receiver((r) => ({ status: verify(r, NOW.getTime() / 1000) ? 200 : 401 }));
      const channel: AlertChannel = {
        name: 'hook',
        type: 'webhook',
        timeoutMs: 5000,
        url: hook.url,
        secret: { file: join(dir, 'secret') },
      };
      expect(await send(channel)).toEqual({ ok: true });
      const missing = senderFor({ ...channel, secret: { file: join(dir, 'gone') } });
      await expect(
        missing.send(message(), { delivery: 1, signal: new AbortController().signal, now: NOW }),
      ).rejects.toThrow(/cannot read the webhook secret from .*gone \(ENOENT\)/);
    } finally {
      cleanup();
    }
  });
});

describe('chat channels', () => {
  it('posts Slack text and blocks, escaping what Slack would read as links or mentions', async () => {
    const slack = await receiver();
    const m = message({ summary: 'probe home is down <!channel> & <https://evil.example|click>' });
    expect(
      await send({ name: 's', type: 'slack', timeoutMs: 5000, url: `${slack.url}/services/T0/B0/x` }, 1, m),
    ).toEqual({
      ok: true,
    });
    const body = JSON.parse(slack.requests[0]?.body ?? '{}');
    expect(slack.requests[0]?.path).toBe('/services/T0/B0/x');
    expect(body.text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(body.text).not.toContain('<!channel>');
    expect(body.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: expect.stringMatching(/^CRITICAL shop\/web: probe home/) },
      },
      {
        type: 'section',
        text: { type: 'plain_text', text: expect.stringContaining('Stack: shop\nService: web') },
      },
    ]);
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150);
  });

  it('posts Discord content and an embed that pings nobody', async () => {
    const discord = await receiver(() => ({ status: 204 }));
    const m = message({
      kind: 'resolve',
      summary: 'probe home is up again @everyone',
      openedAt: '2026-03-01T09:00:00.000Z',
      resolvedAt: '2026-03-01T10:00:01.000Z',
    });
    expect(
      await send(
        { name: 'd', type: 'discord', timeoutMs: 5000, url: `${discord.url}/api/webhooks/1/tok` },
        1,
        m,
      ),
    ).toEqual({
      ok: true,
    });
    const body = JSON.parse(discord.requests[0]?.body ?? '{}');
    expect(body).toMatchObject({
      content: 'RESOLVED after 1h: shop/web: probe home is up again @everyone',
      allowed_mentions: { parse: [] },
      embeds: [{ title: expect.stringMatching(/^RESOLVED/), color: 0x2eb67d, timestamp: m.at }],
    });
    expect(body.embeds[0].description).toContain('Was open since: 2026-03-01T09:00:00.000Z (1h)');
  });

  it('publishes to an ntfy topic with Title, Priority and Tags headers and the token', async () => {
    const ntfy = await receiver();
    const m = message({ summary: 'café is down' });
    expect(
      await send(
        { name: 'n', type: 'ntfy', timeoutMs: 5000, url: ntfy.url, topic: 'berth-alerts', token: 'tk_ntfy' },
        1,
        m,
      ),
    ).toEqual({ ok: true });
    const got = ntfy.requests[0];
    expect(got?.path).toBe('/berth-alerts');
    expect(got?.headers).toMatchObject({
      priority: '5',
      tags: 'rotating_light,berth',
      authorization: 'Bearer tk_ntfy',
      // Not ASCII: encoded as RFC 2047, which ntfy decodes.
      title: `=?UTF-8?B?${Buffer.from('CRITICAL shop/web: café is down').toString('base64')}?=`,
    });
    expect(got?.body).toMatch(/^café is down\n\nStack: shop/);
  });

  it('puts an m.room.message to the Matrix room with a transaction id per delivery', async () => {
    const matrix = await receiver(() => ({ status: 200, body: '{"event_id":"$1"}' }));
    const channel: AlertChannel = {
      name: 'm',
      type: 'matrix',
      timeoutMs: 5000,
      homeserver: matrix.url,
      room: '!ops:example.org',
      accessToken: 'syt_token',
    };
    expect(await send(channel, 9)).toEqual({ ok: true });
    const got = matrix.requests[0];
    expect(got?.method).toBe('PUT');
    expect(got?.path).toBe(
      `/_matrix/client/v3/rooms/!ops%3Aexample.org/send/m.room.message/berth-9-${NOW.getTime()}`,
    );
    expect(got?.headers.authorization).toBe('Bearer syt_token');
    expect(JSON.parse(got?.body ?? '{}')).toEqual({
      msgtype: 'm.text',
      body: expect.stringMatching(/^CRITICAL shop\/web: probe home is down.*\n\nprobe home is down/),
    });
  });
});

describe('HTTP failures', () => {
  const hook = (url: string): AlertChannel => ({ name: 'h', type: 'webhook', timeoutMs: 5000, url });

  it('retries server errors and throttling (with Retry-After), not what will fail again', async () => {
    const r = await receiver(
      (req): Answer =>
        req.path === '/busy'
          ? { status: 429, headers: { 'Retry-After': '120' }, body: 'slow down' }
          : req.path === '/down'
            ? { status: 503 }
            : req.path === '/moved'
              ? { status: 302, headers: { Location: 'http://127.0.0.1:1/elsewhere' } }
              : { status: 404, body: 'no_service\nmore detail' },
    );
    expect(await send(hook(`${r.url}/busy`))).toEqual({
      ok: false,
      error: `HTTP 429 from ${new URL(r.url).host}: slow down`,
      retryAfterMs: 120_000,
    });
    expect(await send(hook(`${r.url}/down`))).toEqual({
      ok: false,
      error: `HTTP 503 from ${new URL(r.url).host}`,
    });
    expect(await send(hook(`${r.url}/gone`))).toMatchObject({
      ok: false,
      permanent: true,
      error: /HTTP 404 .*: no_service/,
    });
    // A redirect is not followed: the message and its headers stay with the configured receiver.
    expect(await send(hook(`${r.url}/moved`))).toMatchObject({
      ok: false,
      permanent: true,
      error: /^HTTP 302/,
    });
    expect(r.requests.map((q) => q.path)).toEqual(['/busy', '/down', '/gone', '/moved']);
  });

  it('says which host could not be reached, never the path', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const result = await send(hook(`${url}/services/planted-token`));
    expect(result).toEqual({ ok: false, error: `cannot reach ${new URL(url).host} (ECONNREFUSED)` });
  });
});
