import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerIds, type DeployHarness, SLEEPER, stackServiceFor, useHarness } from './support.js';

// `ps` says of an exited container its exit code and whether its service is a one-shot (another
// service waits for it with `service_completed_successfully`), so the dashboard can show a finished
// migration as completed rather than stopped. Real containers that have exited, on the real engine.

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

// `migrate` exits 0 and `web` waits for it; `worker` runs until stopped, then exits 3.
const COMPOSE = `x-berth:
  deploy: { health_timeout: 30s, stable_window: 1s }
services:
  migrate:
    image: local/busybox:1
    restart: "no"
    command: ["true"]
  web:
    image: local/busybox:1
    command: ${SLEEPER}
    depends_on: { migrate: { condition: service_completed_successfully } }
  worker:
    image: local/busybox:1
    restart: "no"
    command: ["sh", "-c", "trap 'exit 3' TERM; while :; do sleep 1 & wait; done"]
`;

/** Deploys the stack, then stops `worker`, which exits 3; `migrate` has exited 0. */
async function deployedAndExited(): Promise<{ stack: string; dir: string }> {
  const stack = h.stackName();
  const dir = h.writeStack(COMPOSE);
  expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
  const worker = (await containerIds(h.engine, stack))[`${stack}-worker-1`] ?? '';
  await h.engine.containers.stop(worker, 10);
  const info = await h.engine.containers.inspect(worker);
  expect([info.state, info.exitCode]).toEqual(['exited', 3]);
  return { stack, dir };
}

describe('ps of exited containers on the real engine', () => {
  it('marks an exited one-shot with its exit code, and a service that exited as no one-shot', async () => {
    const { stack, dir } = await deployedAndExited();
    const rows = await stackServiceFor(h, dir, stack).ps(stack);
    const by = (service: string) => rows.find((r) => r.service === service);
    expect(by('migrate')).toMatchObject({ state: 'exited', exitCode: 0, oneShot: true });
    expect(by('worker')).toMatchObject({ state: 'exited', exitCode: 3, oneShot: false });
    // A running container carries neither: nothing to say.
    expect(by('web')).toMatchObject({ state: 'running' });
    expect(by('web')).not.toHaveProperty('exitCode');
    expect(by('web')).not.toHaveProperty('oneShot');
  });

  it("leaves oneShot out when the stack's files do not load", async () => {
    const { stack, dir } = await deployedAndExited();
    writeFileSync(join(dir, 'compose.yaml'), 'services: [not, a, map\n');
    const rows = await stackServiceFor(h, dir, stack).ps(stack);
    const by = (service: string) => rows.find((r) => r.service === service);
    expect(by('migrate')).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(by('migrate')).not.toHaveProperty('oneShot');
    expect(by('worker')).toMatchObject({ state: 'exited', exitCode: 3 });
    expect(by('worker')).not.toHaveProperty('oneShot');
  });
});
