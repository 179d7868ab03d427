import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { StackService } from '../../../src/deploy/service.js';
import { isParked } from '../../../src/engine/model.js';
import { EventHub } from '../../../src/events/hub.js';
import { OperationRunner } from '../../../src/operations/runner.js';
import { containerIds, type DeployHarness, useHarness } from './support.js';

// A server shutting down during a deploy whose gates never pass (`berth serve --shutdown-grace`):
// the runner aborts it after the grace, as `berth serve` does on SIGTERM. The deploy must stop at
// once (not when its 60 s health_timeout runs out), put the previous containers back, record the
// deployment interrupted and release the stack lock before the runner's shutdown returns (the
// store closes right after it).

/**
 * MODE=ok: the healthcheck passes. Anything else: it never does, and Docker never calls it
 * unhealthy (start_period), so only the 60 s timeout would end the gate. `app` is replaced
 * start-first (its new container is `…-berth-next-<id>`), `data` stop-first (it writes to a named
 * volume: the old container is parked as `…-berth-prev-<id>`).
 */
const COMPOSE = `x-berth:
  deploy:
    health_timeout: 60s
    stable_window: 1s
    rollback: auto

services:
  app:
    image: local/busybox:1
    command: &command ["sh", "-c", "trap 'exit 0' TERM; if [ \\"$$MODE\\" = ok ]; then touch /tmp/ready; fi; while :; do sleep 1 & wait; done"]
    environment: &environment
      MODE: \${MODE:-ok}
    healthcheck: &healthcheck
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 3
      start_period: 10m
  data:
    image: local/busybox:1
    command: *command
    environment: *environment
    healthcheck: *healthcheck
    volumes:
      - data:/data

volumes:
  data: {}
`;

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

function stackService(dir: string, stack: string, mode: string): StackService {
  return new StackService({
    engine: async () => h.engine,
    store: () => h.store,
    clock: h.clock,
    owner: h.owner(),
    workspace: dir,
    env: { COMPOSE_PROJECT_NAME: stack, MODE: mode },
    registry: builtinXBerthRegistry(),
    allowPaths: false,
  });
}

describe('a deploy when berth serve shuts down', () => {
  it('stops waiting at once, restores the previous containers, ends interrupted and releases the lock', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(COMPOSE);
    const first = await stackService(dir, stack, 'ok').up(stack, {});
    expect(first.outcome).toBe('succeeded');
    const before = await containerIds(h.engine, stack);
    expect(Object.keys(before)).toEqual([`${stack}-app-1`, `${stack}-data-1`]);

    const runner = new OperationRunner({
      operations: h.store.operations,
      events: new EventHub(h.store.events),
      clock: h.clock,
      newId: () => `op_${Math.random().toString(36).slice(2)}`,
      markInterrupted: (s, reason) => h.store.deployments.markInterrupted(s, reason),
    });
    const events: DeployEvent[] = [];
    let settled: Promise<'settled'> | undefined;
    const slow = stackService(dir, stack, 'slow');
    // As the API's up route runs it: the runner's signal goes to the deploy.
    const op = runner.start({
      kind: 'up',
      stack,
      actor: 'test',
      requestId: 'req-shutdown',
      run: ({ onEvent, signal }) => {
        const up = slow.up(stack, {
          trigger: 'api',
          actor: 'test',
          signal,
          onEvent: (e) => {
            events.push(e);
            onEvent(e);
          },
        });
        settled = up.then(
          () => 'settled' as const,
          () => 'settled' as const,
        );
        return up;
      },
    });

    // Both gates are waiting (their checks fail) before the server is told to stop.
    const gating = (service: string) =>
      events.some((e) => e.type === 'gate' && e.service === service && e.message.includes("Berth's check"));
    for (let i = 0; i < 300 && !(gating('app') && gating('data')); i++) await delay(100);
    expect(gating('app') && gating('data'), events.map((e) => e.message).join('\n')).toBe(true);
    const during = Object.keys(await containerIds(h.engine, stack));
    expect(during.some((name) => name.includes('-berth-next-'))).toBe(true);
    expect(during.some((name) => name.includes('-berth-prev-'))).toBe(true);

    // `berth serve --shutdown-grace 0.5`: the grace passes, the deploy is aborted.
    const stopping = runner.shutdown(500);
    // Its gates would time out after 60 s; aborted, the deploy ends well before half of that.
    const first30s = delay(30_000, 'still running' as const);
    expect(await Promise.race([settled, first30s])).toBe('settled');
    const interrupted = await stopping;
    expect(interrupted.map((o) => [o.id, o.status])).toEqual([[op.id, 'interrupted']]);
    expect(h.store.operations.get(op.id)?.status).toBe('interrupted');

    // The lock is free by the time the runner's shutdown returns (the store closes after it).
    expect(h.store.locks.holder(stack)).toBeUndefined();
    const deployment = h.store.deployments.list(stack, { limit: 1 }).items[0];
    expect(deployment?.status).toBe('interrupted');

    // The previous containers are back under their names and running; nothing parked is left.
    const after = await containerIds(h.engine, stack);
    expect(after).toEqual(before);
    expect(Object.keys(after).filter((name) => isParked({ name }))).toEqual([]);
    for (const id of Object.values(after))
      expect((await h.engine.containers.inspect(id)).state).toBe('running');

    // Another deploy takes the lock; the stack is as the first deploy left it.
    const again = await stackService(dir, stack, 'ok').up(stack, {});
    expect(again.outcome).toBe('unchanged');
  }, 120_000);
});
