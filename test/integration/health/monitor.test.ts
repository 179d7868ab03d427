import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/api/events.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import type { HealthService } from '../../../src/health/service.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type HealthKit, startHealth, startLabelled } from './support.js';

// The health monitor against the real engine: HTTP probes on a service's port with conditions, a
// command probe whose output holds a secret, the built-in container probe, and a crash loop.

const SECRET = 'h3alth-s3cret-pa55word';
const SWEEP_MS = 2_000;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const compose = (port: number) => `services:
  web:
    image: ${BUSYBOX}
    command: [sh, -c, "mkdir -p /www && echo '{\\"status\\":\\"UP\\",\\"items\\":[1,2]}' > /www/health && exec httpd -f -p 8080 -h /www"]
    stop_signal: SIGKILL
    ports: ["127.0.0.1:${port}:8080"]
    environment:
      API_PASSWORD: \${API_PASSWORD}
    x-berth:
      probes:
        home:
          type: http
          port: 8080
          path: /health
          interval: 1s
          timeout: 900ms
          failure_threshold: 2
          conditions: ["[STATUS] == 200", "[BODY].status == UP", "len([BODY].items) == 2", "[RESPONSE_TIME] < 800"]
        missing:
          type: http
          port: 8080
          path: /nope
          interval: 1s
          timeout: 900ms
          failure_threshold: 2
          conditions: ["[STATUS] == 200"]
        leak:
          type: command
          command: [sh, -c, "echo password=$$API_PASSWORD; exit 1"]
          interval: 1s
          failure_threshold: 1
  migrate:
    image: ${BUSYBOX}
    command: ["true"]
  worker:
    image: ${BUSYBOX}
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]
    depends_on: { migrate: { condition: service_completed_successfully } }
`;

let h: DeployHarness;
let stack: string;
let loaded: LoadedStack;
let kit: HealthKit;
let health: HealthService;
let events: StreamEvent[] = [];

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  const dir = h.writeStack(compose(await freePort()));
  writeFileSync(join(dir, '.env'), `API_PASSWORD=${SECRET}\n`);
  loaded = await h.load(dir, stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  kit = startHealth(h, {
    stacks: async () => [loaded],
    tuning: { syncIntervalMs: 1_000, sweepIntervalMs: SWEEP_MS, flushIntervalMs: 200 },
  });
  ({ health, events } = kit);
}, 180_000);

afterAll(async () => {
  await kit?.stop();
  await h?.cleanup();
});

const view = (service: string, probe: string) =>
  health.list(stack).items.find((p) => p.service === service && p.probe === probe);

describe('health monitor on the real engine', () => {
  it('keeps an http probe with conditions UP, with uptime and response times', async () => {
    const home = await until('home up', () =>
      view('web', 'home')?.status === 'up' ? view('web', 'home') : undefined,
    );
    expect(home).toMatchObject({ type: 'http', watched: true, last: { ok: true, detail: 'ok' } });
    expect(home.uptime['24h']).toBe(1);
    expect(home.meanLatencyMs).toBeGreaterThanOrEqual(0);
    // Coming up at the first verdict is no news: no event for it.
    expect(
      events.filter((e) => e.type === 'probe-up' && (e.data as { probe?: string }).probe === 'home'),
    ).toEqual([]);
  });

  it('takes a probe DOWN after its failure threshold, with the measured value, as one event that opens an alert', async () => {
    const down = await until('probe-down of missing', () =>
      events.find((e) => e.type === 'probe-down' && (e.data as { probe?: string }).probe === 'missing'),
    );
    expect(down).toMatchObject({
      kind: 'health',
      stack,
      service: 'web',
      message: expect.stringContaining('[STATUS] (404) == 200'),
      data: { alert: { key: `probe:${stack}/web/missing`, status: 'open', severity: 'critical' } },
    });
    const failures = health.detail({ stack, service: 'web', probe: 'missing' }).failures;
    expect(failures.length).toBeGreaterThanOrEqual(2);
    // Results are not events: only the change is.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(
      events.filter((e) => e.type === 'probe-down' && (e.data as { probe?: string }).probe === 'missing'),
    ).toHaveLength(1);
  });

  it('masks a secret that a failing command prints, in events, state and failures', async () => {
    await until('leak down', () => (view('web', 'leak')?.status === 'down' ? true : undefined));
    const detail = health.detail({ stack, service: 'web', probe: 'leak' });
    // What it printed is the output (operators), apart from the detail every role reads.
    expect(detail.probe.last?.detail).toBe('exit 1');
    expect(detail.probe.last?.output).toMatch(/^password=\*+$/);
    const everything = JSON.stringify([events, detail, health.list()]);
    expect(everything).not.toContain(SECRET);
    expect(JSON.stringify(h.store.events.after({ after: 0, limit: 10_000 }))).not.toContain(SECRET);
  });

  it('gives every container the built-in container probe', async () => {
    const container = await until('container probe', () => view('web', 'container'));
    expect(container).toMatchObject({ type: 'container', status: 'up', last: { ok: true } });
    expect(container.last?.detail).toMatch(/running/);
  });

  it('counts a one-shot that completed as up, and a stopped server that exited 0 as down', async () => {
    const migrate = await until('migrate probe', () => view('migrate', 'container'));
    expect(migrate).toMatchObject({
      status: 'up',
      last: { ok: true, detail: expect.stringMatching(/completed \(exit code 0\)/) },
    });
    const [worker] = await h.engine.containers.list({
      'dev.berth.stack': stack,
      'dev.berth.service': 'worker',
    });
    if (!worker) throw new Error('no worker container');
    await h.engine.containers.stop(worker.id, 5);
    expect((await h.engine.containers.inspect(worker.id)).exitCode).toBe(0);
    const down = await until('worker probe down', () =>
      view('worker', 'container')?.status === 'down' ? view('worker', 'container') : undefined,
    );
    expect(down.last?.detail).toMatch(/exited with code 0, but it should keep running/);
  }, 60_000);

  it('keeps what an unhealthy container’s check printed out of its detail and event message', async () => {
    // A health check printing a value derived from a secret (base64): no mask recognizes it.
    const derived = `derived-${Buffer.from(`${SECRET}\n`).toString('base64')}`;
    await startLabelled(
      h,
      stack,
      'sick',
      ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"],
      {
        healthcheck: {
          test: ['CMD-SHELL', `echo derived-$(echo ${SECRET} | base64); exit 1`],
          intervalMs: 1_000,
          timeoutMs: 1_000,
          retries: 1,
        },
      },
    );
    const down = await until(
      'sick probe-down',
      () => events.find((e) => e.type === 'probe-down' && e.service === 'sick'),
      4 * SWEEP_MS + 15_000,
    );
    expect(down.message).toBe(
      `${stack}/sick probe container is DOWN: ${stack}-sick-1 running but unhealthy: its health check exited 1 (its output: \`berth health show ${stack} sick container\`, for operators)`,
    );
    expect(down.data).toMatchObject({ output: derived, alert: { key: `probe:${stack}/sick/container` } });
    const probe = health.detail({ stack, service: 'sick', probe: 'container' });
    expect(probe.probe.last).toMatchObject({
      ok: false,
      detail: `${stack}-sick-1 running but unhealthy: its health check exited 1`,
      output: derived,
    });
    expect(JSON.stringify(health.list(stack).items.map((p) => p.last?.detail))).not.toContain(derived);
    const sick = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'sick' });
    for (const c of sick) await h.engine.containers.remove(c.id, { force: true });
  }, 60_000);

  it('detects a crash-looping container within two sweep intervals of its start', async () => {
    await h.engine.images.inspect(BUSYBOX);
    // Counted from before the container is made: the time measured is, if anything, too long.
    const started = Date.now();
    await startLabelled(h, stack, 'crash', ['sh', '-c', 'echo crashing; exit 3'], {
      restartPolicy: { name: 'always' },
    });
    const loop = await until(
      'crash-loop event',
      () => events.find((e) => e.type === 'crash-loop' && e.stack === stack),
      4 * SWEEP_MS + 10_000,
    );
    const tookMs = Date.parse(loop.at) - started;
    expect(tookMs).toBeLessThan(2 * SWEEP_MS + 1_000);
    expect(loop).toMatchObject({
      service: 'crash',
      message: expect.stringMatching(/is crash-looping: \d+ restarts within 5m/),
      data: { alert: { key: `crash-loop:${stack}/${stack}-crash-1`, status: 'open', severity: 'critical' } },
    });
    expect(health.list(stack).crashLooping).toContain(`${stack}-crash-1`);
    const probe = await until('crash container probe down', () =>
      view('crash', 'container')?.status === 'down' ? view('crash', 'container') : undefined,
    );
    expect(probe.last?.detail).toMatch(/exited with code 3|restarting/);
  }, 60_000);

  it('forgets the probes of a service whose containers are gone', async () => {
    const crash = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'crash' });
    for (const c of crash) await h.engine.containers.remove(c.id, { force: true });
    await health.sweep();
    await until('crash probe forgotten', () => (view('crash', 'container') === undefined ? true : undefined));
    // Its alerts would stay open forever: the loop and the DOWN probe are resolved, saying why.
    const ended = await until('crash-loop ended', () =>
      events.find((e) => e.type === 'crash-loop-ended' && e.service === 'crash'),
    );
    expect(ended.message).toMatch(/was removed while crash-looping/);
    expect(events.find((e) => e.type === 'probe-removed' && e.service === 'crash')).toMatchObject({
      data: { alert: { key: `probe:${stack}/crash/container`, status: 'resolved' } },
    });
  });

  // Last: its sweep must not look at the crash-looping container of the tests above (caught running
  // between two restarts, its probe would be UP again).
  it('does not watch a Berth container of a stack that is not this server’s (another server’s)', async () => {
    const foreign = `${stack}-other`;
    const { name } = await startLabelled(h, foreign, 'web', ['sh', '-c', 'exit 3'], {}, true);
    await health.sweep();
    // Its own stack's containers were looked at in the same sweep: the foreign one was skipped, not missed.
    expect(view('web', 'container')).toMatchObject({ status: 'up' });
    expect(health.list(foreign).items).toEqual([]);
    expect(health.list().crashLooping).not.toContain(name);
    expect(events.filter((e) => e.stack === foreign)).toEqual([]);
  });
});
