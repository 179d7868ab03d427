import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.js';
import { BUSYBOX } from '../engine/support.js';
import { spawnBerth } from './berth-child.js';
import { type DeployHarness, isAlive, SLEEPER, startHarness } from './support.js';

// `kill -9` of `berth --local up` in the middle of a gate leaves what the deploy had done: a
// start-first service already promoted (its last good container parked as -berth-prev-N, stopped),
// a stop-first one parked with the unverified new container under its name. The next deploy must
// start from the last good containers: it used to take the unverified ones for the current state,
// remove the last good ones as left-overs, and "roll back" to the broken interrupted version.

/** web: start-first (no port, no volume), passes at once; db: stop-first (a named volume). */
function compose(version: string, dbCheck: string, dbTimeout: string): string {
  return `services:
  web:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    environment: { V: "${version}" }
    x-berth:
      deploy: { stable_window: 1s }
  db:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    environment: { V: "${version}" }
    volumes: [data:/data]${dbCheck}
    x-berth:
      deploy: { health_timeout: ${dbTimeout}, stable_window: 1s }
volumes:
  data: {}
`;
}
const NEVER_HEALTHY = '\n    healthcheck: { test: ["CMD", "false"], interval: 1s }';

let h: DeployHarness;
let stack: string;
let dir: string;
let stateDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(compose('1', '', '60s'));
  stateDir = join(h.stateDir, 'local');
  mkdirSync(stateDir, { recursive: true });
  env = { ...process.env, BERTH_STATE_DIR: stateDir, COMPOSE_PROJECT_NAME: stack };
}, 60_000);

afterAll(async () => {
  await h?.cleanup();
});

/** `berth --local up DIR` (or COMMAND) as a child; `onOutput` sees everything it prints, as it prints it. */
const up = (onOutput?: (text: string) => void, command = 'up') =>
  spawnBerth(['--local', command, dir], env, onOutput);

async function containers() {
  const list = await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true });
  return new Map(list.map((c) => [c.name, c]));
}

/** Version 2: web passes and is promoted, db's check never passes; killed during db's gate. */
async function killMidDeploy(deployment: number): Promise<void> {
  writeFileSync(join(dir, 'compose.yaml'), compose('2', NEVER_HEALTHY, '120s'));
  let killed = false;
  const second = up((text) => {
    if (!killed && /\[web\] passed/.test(text) && /\[db\].*check failed/.test(text)) {
      killed = true;
      second.child.kill('SIGKILL');
    }
  });
  await second.exited;
  expect(killed, second.output()).toBe(true);
  const left = await containers();
  expect([...left.keys()].sort(), second.output()).toEqual(
    [
      `${stack}-db-1`,
      `${stack}-db-1-berth-prev-${deployment}`,
      `${stack}-web-1`,
      `${stack}-web-1-berth-prev-${deployment}`,
    ].sort(),
  );
}

/** The stack's containers are the last good ones (`ids`, version 1), running, and nothing else is left. */
async function lastGoodServe(ids: readonly (string | undefined)[], output: string): Promise<void> {
  const now = await containers();
  expect([...now.keys()].sort(), output).toEqual([`${stack}-db-1`, `${stack}-web-1`].sort());
  expect(
    [`${stack}-web-1`, `${stack}-db-1`].map((n) => now.get(n)?.id),
    output,
  ).toEqual(ids);
  for (const c of now.values()) {
    expect(c.state).toBe('running');
    expect((await h.engine.containers.inspect(c.id)).env).toContain('V=1');
  }
}

let goodIds: (string | undefined)[] = [];

describe('berth --local up after a kill -9 mid-deploy', () => {
  it('restores the last good containers first, so a failing deploy rolls back to them', {
    timeout: 240_000,
  }, async () => {
    const first = up();
    expect(await first.exited, first.output()).toBe(0);
    const good = await containers();
    goodIds = [`${stack}-web-1`, `${stack}-db-1`].map((n) => good.get(n)?.id);
    expect(goodIds.every((id) => id !== undefined)).toBe(true);

    await killMidDeploy(2);

    // Version 3 fails its gate: the rollback must land on version 1, not on the interrupted 2.
    writeFileSync(join(dir, 'compose.yaml'), compose('3', NEVER_HEALTHY, '3s'));
    const third = up();
    expect(await third.exited, third.output()).toBe(1);
    // The last good containers (version 1) serve again, and nothing else is left.
    await lastGoodServe(goodIds, third.output());
    const out = third.output();
    expect(out).toContain(`recovered from interrupted deployment 2: restored the last good ${stack}-db-1`);
    expect(out).toContain(`recovered from interrupted deployment 2: restored the last good ${stack}-web-1`);
    expect(out).toMatch(/rolled-back \(deployment 3\)/);

    // The record tells what happened: 2 interrupted, its recovery in its events; 3 rolled back.
    const store = openStore({ path: join(stateDir, 'berth.db'), clock: h.clock, isAlive });
    try {
      expect(store.deployments.get(2)?.status).toBe('interrupted');
      const events = store.deployments.events(2).map((e) => e.message);
      expect(events.filter((m) => m.startsWith('recovered from interrupted deployment 2'))).toHaveLength(2);
      expect(store.deployments.get(3)?.status).toBe('rolled-back');
    } finally {
      store.close();
    }
  });

  it('berth restart after another kill -9 restarts the last good containers, not the unverified ones', {
    timeout: 240_000,
  }, async () => {
    await killMidDeploy(4);
    const restart = up(undefined, 'restart');
    expect(await restart.exited, restart.output()).toBe(0);
    await lastGoodServe(goodIds, restart.output());
    expect(restart.output()).toContain(
      `recovered from interrupted deployment 4: restored the last good ${stack}-db-1`,
    );
  });
});
