import { describe, expect, it } from 'vitest';
import { containerIds, type DeployHarness, SLEEPER, useHarness } from './support.js';

// A deployment's record of a planned change that never ran: the service waited for one that failed.

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

describe('the service results of a failed deploy', () => {
  it('records a planned service that waited for the failed one as skipped, not unchanged', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(`x-berth:
  deploy: { health_timeout: 3s, stable_window: 1s }
services:
  docs:
    image: local/busybox:1
    command: ${SLEEPER}
  core:
    image: local/busybox:1
    command: ${SLEEPER}
    healthcheck: { test: ["CMD", "false"], interval: 30s, timeout: 5s, retries: 3 }
  auth:
    image: local/busybox:1
    command: ${SLEEPER}
    depends_on: { core: { condition: service_healthy } }
`);
    const result = await h.deploy(await h.load(dir, stack));
    expect(result.outcome).toBe('rolled-back');
    expect(result.failure?.service).toBe('core');
    const stored = h.store.deployments.serviceResults(result.deploymentId ?? 0);
    const byService = Object.fromEntries(stored.map((r) => [r.service, [r.outcome, r.reason]]));
    expect(byService.auth).toEqual(['skipped', 'waited for core, never started']);
    expect(byService.docs?.[0]).toBe('rolled-back');
    expect(await containerIds(h.engine, stack)).toEqual({});
  }, 60_000);
});
