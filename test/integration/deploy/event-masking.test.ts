import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { type DeployHarness, SLEEPER, startHarness } from './support.js';

// How a deploy's events show a changed secret: its salted fingerprint on both sides (README,
// Viewer), never the value; against a record of an older Berth (values, no salt), the field only.

let h: DeployHarness;
let stack = '';
let dir = '';

const COMPOSE = `x-berth:
  deploy: { health_timeout: 30s, stable_window: 1s }
services:
  app:
    image: local/busybox:1
    command: ${SLEEPER}
    labels: { api.url: "https://x:\${API_TOKEN}@example.com" }
    environment: { DB_URL: "pg://u:\${API_TOKEN}@db/x" }
`;

const deployWith = async (token: string) => {
  writeFileSync(join(dir, '.env'), `API_TOKEN=${token}\n`);
  const events: DeployEvent[] = [];
  const result = await h.deploy(await h.load(dir, stack), { events });
  expect(result.outcome).toBe('succeeded');
  return events.map((e) => e.message).find((m) => m.startsWith('recreate replica 1')) ?? '';
};

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(COMPOSE);
});

afterAll(async () => {
  await h?.cleanup();
});

describe.sequential('a changed secret in deploy events', () => {
  it('shows both sides as fingerprints, never the values', async () => {
    await deployWith('tok-first-111');
    const line = await deployWith('tok-second-222');
    expect(line).toMatch(
      /^recreate replica 1: env DB_URL changed: pg:\/\/u:\[secret ([0-9a-f]{16})\]@db\/x → pg:\/\/u:\[secret ([0-9a-f]{16})\]@db\/x; labels changed: /,
    );
    const [, before, after] = /\[secret ([0-9a-f]{16})\].*\[secret ([0-9a-f]{16})\]/.exec(line) ?? [];
    expect(before).not.toBe(after);
    expect(line).not.toContain('tok-first-111');
    expect(line).not.toContain('tok-second-222');
  });

  it('names the field only against a record of an older Berth, whose old side holds the old value', async () => {
    // What a Berth before fingerprints stored: the spec with its values, no salt.
    for (const row of h.store.appliedSpecs.list(stack)) {
      const saved = row.spec as { spec: unknown; imageId?: string };
      const clear = JSON.parse(
        JSON.stringify(saved.spec).replace(/\[secret [0-9a-f]{16}\]/g, 'tok-second-222'),
      );
      h.store.appliedSpecs.put(stack, row.service, row.replica, {
        containerId: row.containerId,
        configHash: row.configHash,
        spec: { spec: clear, imageId: saved.imageId ?? null },
        deploymentId: row.deploymentId ?? 1,
      });
    }
    const line = await deployWith('tok-third-333');
    expect(line).toBe('recreate replica 1: env DB_URL changed (value hidden); labels changed (value hidden)');
  });
});
