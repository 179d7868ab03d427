import { describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { containerIds, type DeployHarness, useHarness } from './support.js';

// x-berth.install: environment that applies until a condition holds, then is removed for good.

const COMPOSE = `
x-berth:
  deploy:
    health_timeout: 20s
    stable_window: 3s

services:
  app:
    image: local/busybox:1
    # Installs (creates /tmp/installed) only when INSTALL_FORCE=1, like Mautic's MAUTIC_INSTALL_FORCE.
    command: ["sh", "-c", "trap 'exit 0' TERM; if [ \\"$$INSTALL_FORCE\\" = 1 ]; then echo installing; touch /tmp/installed; fi; touch /tmp/ready; while :; do sleep 1 & wait; done"]
    environment:
      APP_MODE: production
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 3
    x-berth:
      install:
        env:
          INSTALL_FORCE: "1"
        until:
          file: /tmp/installed
        timeout: 30s
`;

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

describe('install phase', () => {
  it('applies the install env once, removes it when the condition holds, never re-applies it', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(COMPOSE);
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(dir, stack), { events });
    expect(result.outcome).toBe('succeeded');
    expect(events.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/install phase done \(file \/tmp\/installed exists\)/),
    );
    // The pass that removed the env recreated the service and said why.
    const app = result.plan.services.find((s) => s.service === 'app');
    expect(app?.steps[0]?.kind).toBe('recreate');
    expect(app?.steps[0]?.reasons).toContain('env INSTALL_FORCE removed');

    const ids = await containerIds(h.engine, stack);
    const id = ids[`${stack}-app-1`] ?? '';
    const info = await h.engine.containers.inspect(id);
    expect(info.state).toBe('running');
    expect(info.env).toContain('APP_MODE=production');
    expect(info.env.filter((e) => e.startsWith('INSTALL_FORCE'))).toEqual([]);
    const record = h.store.installState.get(stack, 'app');
    expect(record?.status).toBe('completed');

    const again = await h.deploy(await h.load(dir, stack));
    expect(again.outcome).toBe('unchanged');
    expect(await containerIds(h.engine, stack)).toEqual(ids);
    const later = await h.engine.containers.inspect(id);
    expect(later.env.filter((e) => e.startsWith('INSTALL_FORCE'))).toEqual([]);
    expect(h.store.installState.get(stack, 'app')).toEqual(record);
  });
});

// An app that is only ready while INSTALL_FORCE is set: the pass that removes it rolls back.
// (A replacer function: in a replacement string, `$$` would collapse to `$`.)
const NEEDS_FORCE = COMPOSE.replace('health_timeout: 20s', 'health_timeout: 6s').replace(
  'touch /tmp/ready;',
  () => 'if [ \\"$$INSTALL_FORCE\\" = 1 ]; then touch /tmp/ready; fi;',
);

describe('install phase whose removal fails', () => {
  it('keeps the phase pending while the install env still runs (the store never claims otherwise)', {
    timeout: 90_000,
  }, async () => {
    const stack = h.stackName();
    const dir = h.writeStack(NEEDS_FORCE);
    const result = await h.deploy(await h.load(dir, stack));
    expect(result.outcome).toBe('rolled-back');
    expect(result.plan.services[0]?.steps[0]?.reasons).toContain('env INSTALL_FORCE removed');
    const ids = await containerIds(h.engine, stack);
    const info = await h.engine.containers.inspect(ids[`${stack}-app-1`] ?? '');
    expect(info.state).toBe('running');
    expect(info.env).toContain('INSTALL_FORCE=1');
    expect(h.store.installState.get(stack, 'app')?.status).toBe('pending');
  });
});
