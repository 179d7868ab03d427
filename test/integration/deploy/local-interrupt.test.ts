import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX } from '../engine/support.js';
import { spawnBerth } from './berth-child.js';
import { type DeployHarness, editCompose, SLEEPER, startHarness } from './support.js';

// Ctrl-C of `berth --local up` in the middle of a gate: the deploy runs in the CLI's own process, so
// the CLI ends it as a stopping server does: what it changed is put back and the deploy is recorded
// as interrupted. It used to die at once, leaving the new container created and the old one parked.

const compose = `services:
  app:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    environment: { V: "1" }
    x-berth:
      deploy: { health_timeout: 60s, stable_window: 1s }
`;

let h: DeployHarness;
let stack: string;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(compose);
  env = { ...process.env, BERTH_STATE_DIR: join(h.stateDir, 'local'), COMPOSE_PROJECT_NAME: stack };
}, 60_000);

afterAll(async () => {
  await h?.cleanup();
});

/** `berth --local up DIR` as a child; `onOutput` sees everything it prints, as it prints it. */
const up = (onOutput?: (text: string) => void) => spawnBerth(['--local', 'up', dir], env, onOutput);

describe('berth --local up interrupted', () => {
  it('puts back what the deploy changed on Ctrl-C and records it as interrupted', {
    timeout: 180_000,
  }, async () => {
    const first = up();
    expect(await first.exited, first.output()).toBe(0);
    // The new version's check never passes: the gate would wait 60 s.
    editCompose(
      dir,
      'environment: { V: "1" }',
      'environment: { V: "2" }\n    healthcheck: { test: ["CMD", "false"], interval: 1s }',
    );
    let signalled = false;
    const second = up((text) => {
      if (
        !signalled &&
        /app.*(waiting|health|starting|running for)/i.test(text.split('deploying').pop() ?? '')
      ) {
        signalled = true;
        setTimeout(() => second.child.kill('SIGINT'), 1500);
      }
    });
    const code = await second.exited;
    expect(signalled, second.output()).toBe(true);
    // An operator's Ctrl-C is no bug: the CLI says what happened and exits as a shell reports SIGINT.
    expect(code, second.output()).toBe(130);
    expect(second.output()).toContain('putting back what this deploy changed');
    expect(second.output()).not.toContain('INTERNAL');
    expect(second.output()).not.toContain('this is a bug in Berth');
    expect(second.output()).toContain(
      `error DEPLOY_INTERRUPTED: the deploy of ${dir} was interrupted by SIGINT: what it changed was put back and it is recorded interrupted`,
    );
    expect(second.output()).toContain(`hint: run \`berth --local up ${dir}\` again`);

    // The old container serves again, and nothing of the interrupted deploy is left.
    const containers = await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true });
    expect(containers.map((c) => c.name)).toEqual([`${stack}-app-1`]);
    const [app] = containers;
    expect(app?.state).toBe('running');
    const inspected = await h.engine.containers.inspect(app?.id ?? '');
    expect(inspected.env).toContain('V=1');
  });
});
