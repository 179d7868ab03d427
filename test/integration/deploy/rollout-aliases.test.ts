import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { isEngineError, SPEC_DEFAULTS } from '../../../src/engine/model.js';
import { containerIds, type DeployHarness, SLEEPER, useHarness } from './support.js';

// A start-first rollout: the new container (`…-berth-next-<id>`) runs beside the old one while its
// gate runs, reachable only by its own name. The service name keeps answering with the old
// container until the new one passed its gate; then the new one takes the service's aliases.

/**
 * `api` serves its V over HTTP on :8080; a new version (V other than `old`) becomes ready only
 * after 8 s, which is the window the test looks through. `client` asks `api` from inside the stack.
 */
const COMPOSE = `x-berth:
  deploy: { health_timeout: 60s, stable_window: 1s }
services:
  api:
    image: local/busybox:1
    environment: { V: "\${V:-old}" }
    stop_grace_period: 1s
    command: ["sh", "-c", "mkdir -p /www && echo $$V > /www/v && (if [ $$V != old ]; then sleep 8; fi; touch /tmp/ready) & exec httpd -f -p 8080 -h /www"]
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ready"], interval: 1s, timeout: 2s, retries: 3, start_period: 1m }
  client:
    image: local/busybox:1
    command: ${SLEEPER}
`;

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

async function run(id: string, argv: string[]): Promise<string> {
  const r = await h.engine.exec.run(id, argv, { timeoutMs: 10_000 });
  return `${r.stdout}${r.stderr}`.trim();
}

/** The addresses `api` resolves to from the client (busybox nslookup: the lines after `Name:`). */
async function resolveApi(client: string): Promise<string[]> {
  const out = await run(client, ['nslookup', '-type=a', 'api']);
  const answer = out.slice(out.indexOf('Name:'));
  return [...answer.matchAll(/Address:\s*([\d.]+)/g)].map((m) => m[1] ?? '').sort();
}

async function ipOf(id: string): Promise<string> {
  const info = await h.engine.containers.inspect(id);
  return Object.values(info.networks)[0]?.ipAddress ?? '';
}

describe('start-first rollout and the service name', () => {
  it('keeps the service name on the old container until the new one passed its gate', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(COMPOSE);
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const before = await containerIds(h.engine, stack);
    const client = before[`${stack}-client-1`] ?? '';
    const oldApi = before[`${stack}-api-1`] ?? '';
    expect(await run(client, ['wget', '-qO-', 'http://api:8080/v'])).toBe('old');

    const events: DeployEvent[] = [];
    const deploying = h.deploy(await h.load(dir, stack, { V: 'new' }), { events });
    let next: string | undefined;
    for (let i = 0; i < 100 && next === undefined; i++) {
      await delay(100);
      const ids = await containerIds(h.engine, stack);
      const name = Object.keys(ids).find((n) => n.startsWith(`${stack}-api-1-berth-next-`));
      if (name && (await h.engine.containers.inspect(ids[name] ?? '')).state === 'running') next = ids[name];
    }
    expect(next).toBeDefined();
    // During its gate: the new container answers by its own name only.
    expect(await resolveApi(client)).toEqual([await ipOf(oldApi)]);
    for (let i = 0; i < 6; i++) expect(await run(client, ['wget', '-qO-', 'http://api:8080/v'])).toBe('old');
    expect(events.some((e) => e.type === 'gate' && e.message.startsWith('passed:'))).toBe(false);

    const result = await deploying;
    expect(result.failure).toBeUndefined();
    expect(result.outcome).toBe('succeeded');
    const after = await containerIds(h.engine, stack);
    expect(after[`${stack}-api-1`]).toBe(next);
    expect(await resolveApi(client)).toEqual([await ipOf(next ?? '')]);
    expect(await run(client, ['wget', '-qO-', 'http://api:8080/v'])).toBe('new');
  }, 120_000);

  it('removes the left-over of an interrupted deploy before a deploy that rolls back', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(COMPOSE);
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const before = await containerIds(h.engine, stack);
    const api = await h.engine.containers.inspect(before[`${stack}-api-1`] ?? '');
    // A new container an interrupted deploy (of an earlier Berth) left running under the service name.
    const network = Object.keys(api.networks)[0] ?? '';
    const leftover = await h.engine.containers.create({
      ...SPEC_DEFAULTS,
      name: `${stack}-api-1-berth-next-9999`,
      image: 'local/busybox:1',
      command: ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"],
      labels: { ...api.labels },
      networks: [{ name: network, aliases: ['api'] }],
    });
    await h.engine.containers.start(leftover.id);

    // A version whose gate never passes: the deploy rolls back.
    const failing = COMPOSE.replace('health_timeout: 60s', 'health_timeout: 5s').replace(
      '"CMD", "test", "-f", "/tmp/ready"',
      '"CMD", "false"',
    );
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(h.writeStack(failing), stack), { events });
    expect(result.outcome).toBe('rolled-back');
    const gone = await h.engine.containers.inspect(leftover.id).then(
      () => false,
      (error: unknown) => isEngineError(error, 'ENGINE_NOT_FOUND'),
    );
    expect(gone).toBe(true);
    // Removed before the deploy planned: it never passed its gate (recoverInterrupted).
    expect(events.map((e) => e.message)).toContain(
      `recovered from interrupted deployment 9999: removed ${stack}-api-1-berth-next-9999, which never passed its gate`,
    );
    expect(Object.keys(await containerIds(h.engine, stack)).sort()).toEqual([
      `${stack}-api-1`,
      `${stack}-client-1`,
    ]);
  }, 120_000);
});
