import { describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { containerIds, type DeployHarness, SLEEPER, useHarness } from './support.js';

// A rollback gates the restored previous container by what that container is: one without a
// healthcheck gets the stable window, even when the failed new version brought a healthcheck.

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

describe('the gate of a restored container', () => {
  it('rolls back to a previous version without a healthcheck when the new one’s check fails', async () => {
    const stack = h.stackName();
    const compose = (extra: string) => `x-berth:
  deploy: { health_timeout: 4s, stable_window: 1s }
services:
  app:
    image: local/busybox:1
    command: ${SLEEPER}
${extra}`;
    const dir = h.writeStack(compose(''));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const before = await containerIds(h.engine, stack);

    const broken = h.writeStack(
      compose('    healthcheck: { test: ["CMD", "false"], interval: 30s, timeout: 5s, retries: 3 }\n'),
    );
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(broken, stack), { events });
    expect(result.failure?.service).toBe('app');
    expect(result.rollbackProblem).toBeUndefined();
    expect(result.outcome).toBe('rolled-back');
    // The previous app runs again, as the same container, and passed its stable window.
    expect(await containerIds(h.engine, stack)).toEqual(before);
    expect((await h.engine.containers.inspect(before[`${stack}-app-1`] ?? '')).state).toBe('running');
    expect(events.map((e) => e.message)).toContain('previous app answers again');
  }, 60_000);
});
