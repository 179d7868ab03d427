import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/api/events.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { HealthService } from '../../../src/health/service.js';
import { alertKit, webhook } from '../../support/alerts/kit.js';
import { type HttpReceiver, httpReceiver } from '../../support/alerts/receivers.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// A channel that hangs 30 s delays neither the probes nor another channel: probe results keep
// their one-second cadence (measured by their timestamps) while the hanging request is open, and
// the other channel gets the same alert at once.

const compose = (deadPort: number, alivePort: number) => `services:
  app:
    image: ${BUSYBOX}
    command: [sleep, "600"]
    stop_signal: SIGKILL
    x-berth:
      probes:
        dead:
          type: http
          url: http://127.0.0.1:${deadPort}/
          interval: 1s
          timeout: 500ms
          failure_threshold: 1
        alive:
          type: tcp
          host: 127.0.0.1
          port: ${alivePort}
          interval: 1s
          timeout: 500ms
`;

let h: DeployHarness;
let loaded: LoadedStack;
let listener: Server;
let slow: HttpReceiver;
let fast: HttpReceiver;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    }),
  );

beforeAll(async () => {
  h = await startHarness();
  const stack = h.stackName();
  listener = createServer((socket) => socket.end());
  const alivePort = await listen(listener);
  const closed = createServer();
  const deadPort = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  loaded = await h.load(h.writeStack(compose(deadPort, alivePort)), stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  slow = await httpReceiver({ hang: true });
  fast = await httpReceiver();
}, 180_000);

afterAll(async () => {
  await slow?.close();
  await fast?.close();
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  await h?.cleanup();
});

describe('a hanging alert channel', () => {
  it('delays neither probe runs nor the other channel', async () => {
    const kit = alertKit({
      clock: h.clock,
      store: () => h.store,
      channels: [
        webhook('slow', `${slow.url}/hook`, { timeoutMs: 30_000 }),
        webhook('fast', `${fast.url}/hook`),
      ],
    });
    const health = new HealthService({
      engine: async () => h.engine,
      store: () => h.store,
      clock: h.clock,
      events: () => kit.hub,
      subscribe: (l) => kit.hub.subscribe(l),
      stacks: async () => [loaded],
      tuning: { syncIntervalMs: 1_000, sweepIntervalMs: 60_000, flushIntervalMs: 200 },
    });
    const alive: number[] = [];
    health.onResult((key, result) => {
      if (key.probe === 'alive') alive.push(result.at.getTime());
    });
    let down: StreamEvent | undefined;
    kit.hub.subscribe((e) => {
      if (e.type === 'probe-down') down ??= e;
    });
    kit.service.start();
    health.start();
    try {
      const deadline = Date.now() + 20_000;
      while (
        (down === undefined || slow.opened() === 0 || fast.requests.length === 0) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(down, 'the dead probe went DOWN').toBeDefined();
      expect(slow.opened(), 'the hanging channel got its request').toBe(1);
      expect(fast.requests).toHaveLength(1);
      expect(JSON.parse(fast.requests[0]?.body ?? '{}')).toMatchObject({
        kind: 'open',
        severity: 'critical',
      });
      // While the slow channel's request hangs (it may for 30 s), watch the probes for 8 s.
      const from = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      const during = alive.filter((t) => t >= from - 1_000);
      const gaps = during.slice(1).map((t, i) => t - (during[i] ?? t));
      expect(during.length).toBeGreaterThanOrEqual(7);
      expect(Math.max(...gaps)).toBeLessThan(1_500);
      expect(slow.requests).toHaveLength(0); // still hanging: nothing answered it
    } finally {
      await health.drain(1_000);
      await kit.service.drain(500);
      kit.unsubscribe();
    }
  }, 60_000);
});
