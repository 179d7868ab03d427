import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerIds, type DeployHarness, SLEEPER, useHarness } from './support.js';

// A one-shot service (a dependency with `service_completed_successfully`) that exited 0 stays
// completed on the next deploy: the planner reads its exit code from the engine's inspection and
// does not run it again. One that exited with another code is started again.

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

function compose(migrate: string): string {
  return `x-berth:
  deploy: { health_timeout: 30s, stable_window: 1s }
services:
  migrate:
    image: local/busybox:1
    command: ${migrate}
  web:
    image: local/busybox:1
    command: ${SLEEPER}
    depends_on: { migrate: { condition: service_completed_successfully } }
`;
}

async function migrateRun(
  stack: string,
): Promise<{ id: string; startedAt: string | null; exitCode: number }> {
  const id = (await containerIds(h.engine, stack))[`${stack}-migrate-1`] ?? '';
  const info = await h.engine.containers.inspect(id);
  return { id, startedAt: info.startedAt, exitCode: info.exitCode };
}

describe('one-shot services across deploys', () => {
  it('leaves a migration that exited 0 alone on the next deploy', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(compose('["true"]'));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const first = await migrateRun(stack);
    expect(first.exitCode).toBe(0);

    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('unchanged');
    expect(await migrateRun(stack)).toEqual(first);
  });

  it('runs a one-shot again when its last run exited non-zero', async () => {
    const stack = h.stackName();
    // Exits 3 once when the marker file (in a folder of the test's own) is there, 0 otherwise.
    const dir = h.writeStack(
      compose(`["sh", "-c", "if [ -e /m/fail ]; then rm /m/fail; exit 3; fi; exit 0"]`).replace(
        '    image: local/busybox:1\n    command: ["sh"',
        '    image: local/busybox:1\n    volumes: ["./m:/m"]\n    command: ["sh"',
      ),
    );
    mkdirSync(join(dir, 'm'));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const first = await migrateRun(stack);
    expect(first.exitCode).toBe(0);

    // The same container run again by hand (as `docker start` would), failing this time.
    writeFileSync(join(dir, 'm', 'fail'), '');
    await h.engine.containers.start(first.id);
    const failed = await exited(first.id);
    expect(failed.exitCode).toBe(3);

    const result = await h.deploy(await h.load(dir, stack));
    expect(result.outcome).toBe('succeeded');
    const again = await migrateRun(stack);
    expect(again.id).toBe(first.id);
    expect(again.exitCode).toBe(0);
    expect(again.startedAt).not.toBe(failed.startedAt);
  });
});

async function exited(id: string): Promise<{ startedAt: string | null; exitCode: number }> {
  for (let i = 0; i < 100; i++) {
    const info = await h.engine.containers.inspect(id);
    if (info.state === 'exited') return { startedAt: info.startedAt, exitCode: info.exitCode };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`container ${id} did not exit within 10 s`);
}
