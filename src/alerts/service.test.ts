import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { healthEvent } from '../../test/support/alerts/fixtures.js';
import { alertKit, EVERY_SEVERITY, webhook } from '../../test/support/alerts/kit.js';
import { type HttpReceiver, httpReceiver, until } from '../../test/support/alerts/receivers.js';
import { type ManualClock, manualClock } from '../clock.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { RETRY_SCHEDULE_MS } from './backoff.js';
import { AlertError } from './errors.js';
import { AlertService } from './service.js';

// The alert service on an injected clock, delivering to real receivers on 127.0.0.1: the life of
// an alert (open once, reminders, resolve), retries then a dead letter, timeouts, tests, shutdown.

const T0 = new Date('2026-03-01T10:00:00.000Z');
let clock: ManualClock;
let store: Store;
const receivers: HttpReceiver[] = [];
const stops: Array<() => Promise<void>> = [];

beforeEach(() => {
  clock = manualClock(T0);
  store = openMemoryStore(clock);
});
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  store.close();
});

async function receiver(options: Parameters<typeof httpReceiver>[0] = {}): Promise<HttpReceiver> {
  const r = await httpReceiver(options);
  receivers.push(r);
  return r;
}

function kit(...args: Parameters<typeof alertKit>) {
  const k = alertKit(...args);
  stops.push(() => k.service.drain(0));
  return k;
}

const kinds = (r: HttpReceiver) => r.requests.map((q) => JSON.parse(q.body).kind as string);
/** Lets the lanes run: real I/O completes outside the manual clock. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('alert service', () => {
  it('opens once, reminds every 30 minutes while open, resolves, then stops reminding', async () => {
    const pager = await receiver();
    const log = await receiver();
    const { service, hub } = kit({
      clock,
      store: () => store,
      channels: [webhook('pager', pager.url), webhook('log', log.url)],
      rules: [
        { channels: ['pager'], severities: ['critical'], remindMs: 30 * 60_000 },
        { channels: ['log'], severities: [...EVERY_SEVERITY] },
      ],
    });
    service.start();
    hub.publish(healthEvent('probe-down'));
    await until(() => pager.requests.length === 1 && log.requests.length === 1, 'the open messages');
    hub.publish(healthEvent('probe-down'));
    await clock.advance(29 * 60_000);
    await settle();
    expect(kinds(pager)).toEqual(['open']);
    await clock.advance(60_000);
    await until(() => pager.requests.length === 2, 'the first reminder');
    await clock.advance(30 * 60_000);
    await until(() => pager.requests.length === 3, 'the second reminder');
    hub.publish(healthEvent('probe-up'));
    await until(() => pager.requests.length === 4 && log.requests.length === 2, 'the resolve messages');
    await clock.advance(120 * 60_000);
    await settle();
    expect(kinds(pager)).toEqual(['open', 'reminder', 'reminder', 'resolve']);
    expect(kinds(log)).toEqual(['open', 'resolve']);
    expect(JSON.parse(pager.requests[2]?.body ?? '{}').title).toBe(
      'STILL CRITICAL after 1h: shop/web: probe home: probe-down',
    );
    const list = service.list({ limit: 10 });
    expect(list.alerts).toEqual([
      expect.objectContaining({ key: 'probe:shop/web/home', state: 'resolved', channels: ['pager', 'log'] }),
    ]);
    expect(list.deliveries.map((d) => `${d.channel} ${d.kind} ${d.status}`)).toEqual([
      'log resolve delivered',
      'pager resolve delivered',
      'pager reminder delivered',
      'pager reminder delivered',
      'log open delivered',
      'pager open delivered',
    ]);
  });

  it('retries on the schedule, then records a dead letter as an alert event that raises no alert', async () => {
    const flaky = await receiver({ answer: () => ({ status: 503, body: 'maintenance' }) });
    const { service, hub } = kit({ clock, store: () => store, channels: [webhook('flaky', flaky.url)] });
    service.start();
    hub.publish(healthEvent('oom-killed'));
    await until(() => flaky.requests.length === 1, 'the first attempt');
    for (const [i, delay] of RETRY_SCHEDULE_MS.entries()) {
      await clock.advance(delay - 1000);
      await settle();
      expect(flaky.requests, `attempt ${i + 2} waits its ${delay / 1000}s`).toHaveLength(i + 1);
      await clock.advance(1000);
      await until(() => flaky.requests.length === i + 2, `attempt ${i + 2}`);
    }
    await until(() => service.list({ limit: 5 }).deliveries[0]?.status === 'dead', 'the dead letter');
    const [dead] = service.list({ limit: 5 }).deliveries;
    expect(dead).toMatchObject({
      attempts: 7,
      lastError: expect.stringMatching(
        /^HTTP 503 from 127\.0\.0\.1:\d+: maintenance \(gave up after 7 attempts\)$/,
      ),
    });
    const events = hub.backlog(0, 100).filter((e) => e.kind === 'alert');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'dead-letter',
        stack: 'shop',
        data: expect.objectContaining({ attempts: 7 }),
      }),
    ]);
    // The dead letter went through `handle` too, and raised nothing.
    expect(service.list({ limit: 5 }).alerts).toHaveLength(1);
    await clock.advance(3_600_000);
    await settle();
    expect(flaky.requests).toHaveLength(7);
  });

  it('never writes a credential or a URL path in what it records, logs or publishes', async () => {
    const token = 'T0/B0/planted-token';
    const slack = await receiver({ answer: (r) => ({ status: 404, body: `no such hook ${r.path}` }) });
    const url = `${slack.url}/services/${token}`;
    const { service, hub, logs } = kit({
      clock,
      store: () => store,
      channels: [{ name: 'team', type: 'slack', timeoutMs: 5000, url }],
    });
    service.start();
    hub.publish(healthEvent('oom-killed'));
    await until(() => service.list({ limit: 5 }).deliveries[0]?.status === 'dead', 'the dead letter');
    const written = JSON.stringify([service.list({ limit: 5 }), hub.backlog(0, 100), logs]);
    expect(written).toContain('HTTP 404 from 127.0.0.1');
    expect(written).not.toContain('planted-token');
    expect(slack.requests[0]?.path).toBe(`/services/${token}`);
  });

  it('gives a hanging channel its timeout and lets the other channel go at once', async () => {
    const hang = await receiver({ hang: true });
    const fast = await receiver();
    const { service, hub } = kit({
      clock,
      store: () => store,
      channels: [webhook('hang', hang.url, { timeoutMs: 30_000 }), webhook('fast', fast.url)],
    });
    service.start();
    hub.publish(healthEvent('probe-down'));
    await until(() => fast.requests.length === 1 && hang.opened() === 1, 'both attempts');
    const pending = () => service.list({ limit: 5 }).deliveries.find((d) => d.channel === 'hang');
    expect(pending()).toMatchObject({ status: 'pending', attempts: 0 });
    await clock.advance(30_000);
    await until(() => pending()?.attempts === 1, 'the timeout');
    expect(pending()).toMatchObject({
      lastError: 'no answer within 30s',
      nextAt: '2026-03-01T10:00:40.000Z',
    });
  });

  it('leaves an attempt cut short by shutdown pending, for the next start', async () => {
    const hang = await receiver({ hang: true });
    const first = alertKit({ clock, store: () => store, channels: [webhook('ch', hang.url)] });
    first.service.start();
    first.hub.publish(healthEvent('probe-down'));
    await until(() => hang.opened() === 1, 'the attempt');
    await first.service.drain(0);
    expect(first.service.list({ limit: 5 }).deliveries[0]).toMatchObject({ status: 'pending', attempts: 0 });
    first.unsubscribe();
    const good = await receiver();
    const second = kit({ clock, store: () => store, channels: [webhook('ch', good.url)] });
    second.service.start();
    await until(() => good.requests.length === 1, 'the resumed delivery');
    expect(kinds(good)).toEqual(['open']);
  });

  it('tests a channel now, records the attempt, and names the channels when one is unknown', async () => {
    const ok = await receiver();
    const down = await receiver();
    await down.close();
    const { service } = kit({
      clock,
      store: () => store,
      channels: [webhook('ok', ok.url), webhook('down', down.url)],
    });
    expect(await service.test('ok')).toMatchObject({ channel: 'ok', ok: true, delivery: 1 });
    expect(JSON.parse(ok.requests[0]?.body ?? '{}')).toMatchObject({
      kind: 'test',
      key: 'test:ok',
      severity: 'info',
    });
    expect(await service.test('down')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/),
    });
    expect(service.list({ limit: 5 }).deliveries.map((d) => `${d.channel} ${d.kind} ${d.status}`)).toEqual([
      'down test dead',
      'ok test delivered',
    ]);
    const unknown = await service.test('nope').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AlertError);
    expect(unknown).toMatchObject({ code: 'ALERT_CHANNEL_NOT_FOUND', hint: 'channels: ok, down' });
    expect(service.channels().map((c) => c.name)).toEqual(['ok', 'down']);
  });

  it('ends a test in flight when the shutdown grace is over', async () => {
    const hang = await receiver({ hang: true });
    const { service } = kit({ clock, store: () => store, channels: [webhook('hang', hang.url)] });
    const testing = service.test('hang');
    await until(() => hang.opened() === 1, 'the test request');
    const drained = service.drain(5000);
    await clock.advance(4999);
    await settle();
    expect(service.list({ limit: 5 }).deliveries[0]?.status).toBe('pending');
    await clock.advance(1);
    await drained;
    expect(await testing).toMatchObject({ ok: false, error: 'berth is shutting down' });
    expect(service.list({ limit: 5 }).deliveries[0]).toMatchObject({
      status: 'dead',
      lastError: 'berth is shutting down',
    });
  });

  it('records alerts nobody is told about, and never throws into the publisher', async () => {
    const { service, hub, logs } = kit({ clock, store: () => store, channels: [] });
    service.start();
    hub.publish(healthEvent('crash-loop'));
    expect(service.list({ limit: 5 }).alerts).toEqual([
      expect.objectContaining({ state: 'open', channels: [] }),
    ]);
    const errors: string[] = [];
    const broken = new AlertService({
      clock,
      store: () => {
        throw new Error('the store is gone');
      },
      settings: () => undefined,
      logger: { warn: () => undefined, error: (_obj, msg) => errors.push(msg ?? '') },
    });
    expect(() => broken.handle(healthEvent('probe-down'))).not.toThrow();
    expect(errors).toEqual(['an alert could not be recorded']);
    expect(logs).toEqual([]);
  });
});
