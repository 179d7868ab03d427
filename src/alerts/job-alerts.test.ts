import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertKit, EVERY_SEVERITY, webhook } from '../../test/support/alerts/kit.js';
import { type HttpReceiver, httpReceiver, until } from '../../test/support/alerts/receivers.js';
import { type ManualClock, manualClock } from '../clock.js';
import type { StoreEventInput } from '../store/index.js';
import { openMemoryStore, type Store } from '../store/index.js';

// A job that fails every minute is one alert to a channel, not sixty an hour: its first failure
// opens it, the failures after are repeats, and its next success resolves it.

let clock: ManualClock;
let store: Store;
let hook: HttpReceiver;
beforeEach(async () => {
  clock = manualClock(new Date('2026-03-01T10:00:00.000Z'));
  store = openMemoryStore(clock);
  hook = await httpReceiver();
});
afterEach(async () => {
  await hook.close();
  store.close();
});

const jobEvent = (type: string, status: string): StoreEventInput => ({
  kind: 'job',
  type,
  stack: 'shop',
  service: 'app',
  message: `shop/app/leak ${status}`,
  data: { job: 'leak', status, run: 1 },
});

describe('alerts of a failing job', () => {
  it('opens once for a run of failures and resolves on the next success', async () => {
    const { service, hub } = alertKit({
      clock,
      store: () => store,
      channels: [webhook('hook', hook.url)],
      rules: [{ channels: ['hook'], severities: [...EVERY_SEVERITY] }],
    });
    service.start();
    try {
      for (let i = 0; i < 5; i++) {
        hub.publish(jobEvent('finished', 'failed'));
        hub.publish(jobEvent('failed', 'failed'));
        await clock.advance(60_000);
      }
      await until(() => hook.requests.length === 1, 'the open message');
      hub.publish(jobEvent('finished', 'succeeded'));
      await until(() => hook.requests.length === 2, 'the resolve message');
      hub.publish(jobEvent('finished', 'succeeded'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(hook.requests.map((r) => JSON.parse(r.body).kind)).toEqual(['open', 'resolve']);
      expect(service.list({ limit: 10 }).alerts).toEqual([
        expect.objectContaining({ key: 'job:shop/app/leak', state: 'resolved', severity: 'warning' }),
      ]);
    } finally {
      await service.drain(0);
    }
    // Real webhook deliveries over loopback: 0.2 s alone, past 5 s on a loaded 2-core machine.
  }, 20_000);
});
