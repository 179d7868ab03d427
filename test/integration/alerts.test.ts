import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { AlertChannel } from '../../src/config/alert-resolve.js';
import { openStore, type Store } from '../../src/store/index.js';
import { healthEvent } from '../support/alerts/fixtures.js';
import { alertKit, webhook } from '../support/alerts/kit.js';
import {
  type HttpReceiver,
  httpReceiver,
  type SmtpReceiver,
  smtpReceiver,
  until,
} from '../support/alerts/receivers.js';
import { makeTempDir } from '../support/store.js';

// Alerts on the real clock and a real state file: a channel that hangs 30 s delays neither the
// publisher of the event nor the other channels (measured), and what was pending when Berth
// stopped is delivered after a restart.

const clock = systemClock();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function http(options: Parameters<typeof httpReceiver>[0] = {}): Promise<HttpReceiver> {
  const r = await httpReceiver(options);
  cleanups.push(() => r.close());
  return r;
}

function stateFile(): string {
  const { dir, cleanup } = makeTempDir('berth-alerts-');
  cleanups.push(cleanup);
  return join(dir, 'berth.db');
}

const open = (path: string): Store => openStore({ path, clock, isAlive: () => true });

describe('alert delivery', () => {
  it('does not let a channel that hangs 30 s delay the publisher or the other channels', async () => {
    const hang = await http({ hang: true });
    const fast = await http();
    const smtp: SmtpReceiver = await smtpReceiver();
    cleanups.push(() => smtp.close());
    const store = open(stateFile());
    cleanups.push(() => store.close());
    const mail: AlertChannel = {
      name: 'mail',
      type: 'smtp',
      timeoutMs: 10_000,
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      starttls: false,
      from: 'berth@example.com',
      to: ['ops@example.com'],
    };
    const { service, hub } = alertKit({
      clock,
      store: () => store,
      channels: [webhook('stuck', hang.url, { timeoutMs: 30_000 }), webhook('fast', fast.url), mail],
    });
    cleanups.push(() => service.drain(0));
    service.start();

    // The stuck channel is already holding a request when the next event comes.
    hub.publish(healthEvent('oom-killed'));
    await until(
      () => hang.opened() === 1 && fast.requests.length === 1 && smtp.mails.length === 1,
      'the first notice',
    );
    const before = performance.now();
    hub.publish(healthEvent('probe-down'));
    const published = performance.now();
    await until(() => fast.requests.length === 2 && smtp.mails.length === 2, 'the open messages');
    const fastAt = (fast.requests[1]?.at ?? Number.POSITIVE_INFINITY) - before;

    // Publishing only records and queues: it returns in milliseconds, not after a channel.
    expect(published - before).toBeLessThan(100);
    expect(fastAt).toBeLessThan(2000);
    expect(smtp.mails[1]?.headers.subject).toBe('CRITICAL shop/web: probe home: probe-down');
    // The stuck channel is still on its first message; its second waits in its own lane.
    const stuck = service.list({ limit: 10 }).deliveries.filter((d) => d.channel === 'stuck');
    expect(stuck.map((d) => `${d.kind} ${d.status} ${d.attempts}`)).toEqual([
      'open pending 0',
      'notice pending 0',
    ]);
    expect(hang.opened()).toBe(1);
  });

  it('delivers after a restart what was pending when Berth stopped', async () => {
    const path = stateFile();
    const hang = await http({ hang: true });
    const first = open(path);
    const before = alertKit({ clock, store: () => first, channels: [webhook('ops', hang.url)] });
    before.service.start();
    before.hub.publish(healthEvent('probe-down'));
    await until(() => hang.opened() === 1, 'the attempt');
    const stopping = performance.now();
    await before.service.drain(200);
    // The grace is given, then the attempt ends without counting against the channel.
    expect(performance.now() - stopping).toBeGreaterThanOrEqual(150);
    expect(before.service.list({ limit: 5 }).deliveries[0]).toMatchObject({ status: 'pending', attempts: 0 });
    first.close();

    const good = await http();
    const second = open(path);
    cleanups.push(() => second.close());
    const after = alertKit({ clock, store: () => second, channels: [webhook('ops', good.url)] });
    cleanups.push(() => after.service.drain(0));
    after.service.start();
    await until(() => good.requests.length === 1, 'the delivery after the restart');
    expect(JSON.parse(good.requests[0]?.body ?? '{}')).toMatchObject({
      kind: 'open',
      key: 'probe:shop/web/home',
    });
    await until(() => after.service.list({ limit: 5 }).deliveries[0]?.status === 'delivered', 'the record');
    // The alert is still open after the restart: a repeat is not sent again, a resolve is.
    after.hub.publish(healthEvent('probe-down'));
    after.hub.publish(healthEvent('probe-up'));
    await until(() => good.requests.length === 2, 'the resolve');
    expect(good.requests.map((r) => JSON.parse(r.body).kind)).toEqual(['open', 'resolve']);
  });
});
