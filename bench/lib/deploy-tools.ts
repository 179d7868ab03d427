// One cold and one one-service-changed deploy of a stack by each contender: Berth (in-process
// deployStack), docker-compose 1.29 (`up -d`, then every service healthy by Docker's status), and the
// readiness limit (deploy-limit.ts). Each cleans up what it created.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { systemClock } from '../../src/clock.js';
import { type LoadedStack, loadWorkspace } from '../../src/compose/stack.js';
import { deployStack, planDeploy } from '../../src/deploy/deploy.js';
import { BerthLabel, ComposeLabel, type Engine, isServiceContainer } from '../../src/engine/model.js';
import { openStore, processIsAlive, type Store } from '../../src/store/index.js';
import { changedLimit, coldLimit } from './deploy-limit.js';
import type { BenchStack } from './deploy-stacks.js';
import { removeLabelled } from './engine.js';
import { timeProcess } from './proc.js';

const HEALTHY_DEADLINE_MS = 5 * 60_000;

/** Both deploys of one contender, in ms; `note` says anything worth showing. */
export interface Pair {
  cold: number;
  changed: number;
  note: string;
}

export async function load(dir: string, env: Record<string, string>): Promise<LoadedStack> {
  const result = await loadWorkspace(dir, { env, registry: builtinXBerthRegistry() });
  const stack = result.stacks[0];
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!stack || errors.length > 0)
    throw new Error(`cannot load ${dir}: ${errors.map((d) => d.message).join('; ')}`);
  return stack;
}

/** A state file of its own for one contender's run, removed after. */
async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-state-'));
  const store = openStore({ path: join(dir, 'state.db'), clock: systemClock(), isAlive: processIsAlive });
  try {
    return await work(store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the stack's images (untimed): the engine's cache makes an unchanged one quick. */
export async function buildImages(engine: Engine, stack: BenchStack, out: (line: string) => void) {
  await withStore(async (store) => {
    const loaded = await load(stack.dir, {
      ...stack.env(0, '18080'),
      COMPOSE_PROJECT_NAME: 'berth-bench-build',
    });
    const { plan } = await planDeploy({ engine, store }, loaded, { build: true });
    for (const step of plan.builds) {
      const t0 = performance.now();
      for await (const _ of engine.images.build({ ...step.request })) {
      }
      out(
        `built    ${step.request.tag} (${step.service}) in ${((performance.now() - t0) / 1000).toFixed(1)}s`,
      );
    }
  });
}

export async function berthPair(
  engine: Engine,
  stack: BenchStack,
  name: string,
  port: string,
): Promise<Pair> {
  const owner = () => ({ pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') });
  const clock = systemClock();
  try {
    return await withStore(async (store) => {
      const deploy = async (rev: number) => {
        const loaded = await load(stack.dir, { ...stack.env(rev, port), COMPOSE_PROJECT_NAME: name });
        let firstPass: number | undefined;
        const t0 = performance.now();
        const result = await deployStack({ engine, store, clock, owner: owner() }, loaded, {
          onEvent: (e) => {
            if (e.type === 'done' && firstPass === undefined) firstPass = performance.now() - t0;
          },
        });
        const total = performance.now() - t0;
        if (result.outcome !== 'succeeded')
          throw new Error(
            `Berth deploy of ${stack.label} ${result.outcome}: ${JSON.stringify(result.failure)}`,
          );
        return { firstPass: firstPass ?? total, total, changed: result.changedServices };
      };
      const cold = await deploy(0);
      const changed = await deploy(1);
      if (changed.changed.join() !== stack.changed)
        throw new Error(`the second deploy changed ${changed.changed.join(', ')}, not ${stack.changed}`);
      // Both figures end at the deploy's result (its `done` event: new containers gated, records
      // written). What follows before deployStack returns is shown: the install-phase pass of the
      // cold deploy, and the removal of the previous container once nothing can roll back.
      const install =
        cold.total - cold.firstPass > 500
          ? `install-phase pass +${((cold.total - cold.firstPass) / 1000).toFixed(1)}s`
          : '';
      const cleanup = `old container removed +${Math.round(changed.total - changed.firstPass)}ms`;
      return {
        cold: cold.firstPass,
        changed: changed.firstPass,
        note: [install, cleanup].filter(Boolean).join('; '),
      };
    });
  } finally {
    await removeLabelled(engine, { [BerthLabel.Stack]: name });
  }
}

/** `docker-compose up -d`, then until every service's container is healthy (and `fresh` is a new one). */
async function composeUp(
  engine: Engine,
  stack: BenchStack,
  name: string,
  procEnv: Record<string, string>,
  services: number,
  replaced?: string,
) {
  const selector = { [ComposeLabel.Project]: name };
  const t0 = performance.now();
  const up = await timeProcess('docker-compose', ['-p', name, '-f', 'compose.yaml', 'up', '-d'], {
    cwd: stack.dir,
    env: procEnv,
  });
  if (up.code !== 0)
    throw new Error(`docker-compose up -d exit ${up.code}: ${up.stderr.trim().split('\n').at(-1) ?? ''}`);
  while (performance.now() - t0 < HEALTHY_DEADLINE_MS) {
    const list = await engine.containers.list(selector, { all: true });
    const fresh = replaced === undefined || !list.some((c) => c.id === replaced);
    if (fresh && list.length >= services && list.every((c) => c.health === 'healthy'))
      return performance.now() - t0;
    await delay(50);
  }
  throw new Error(`docker-compose: ${stack.label} not healthy within ${HEALTHY_DEADLINE_MS / 1000}s`);
}

/** `base`: PATH and HOME for docker-compose (the bench passes its own, never the whole environment). */
export async function composePair(
  engine: Engine,
  stack: BenchStack,
  name: string,
  port: string,
  services: number,
  base: Record<string, string>,
): Promise<Pair> {
  const env = (rev: number) => ({ ...base, ...stack.env(rev, port), COMPOSE_PROJECT_NAME: name });
  try {
    const cold = await composeUp(engine, stack, name, env(0), services);
    const old = await engine.containers.list({
      [ComposeLabel.Project]: name,
      [ComposeLabel.Service]: stack.changed,
    });
    const changed = await composeUp(engine, stack, name, env(1), services, old[0]?.id);
    return { cold, changed, note: '' };
  } finally {
    await timeProcess('docker-compose', ['-p', name, '-f', 'compose.yaml', 'down', '-v', '-t', '2'], {
      cwd: stack.dir,
      env: env(1),
    });
    await removeLabelled(engine, { [ComposeLabel.Project]: name });
  }
}

export async function limitPair(
  engine: Engine,
  stack: BenchStack,
  name: string,
  port: string,
): Promise<Pair> {
  try {
    return await withStore(async (store) => {
      const plan = async (rev: number) =>
        planDeploy(
          { engine, store },
          await load(stack.dir, { ...stack.env(rev, port), COMPOSE_PROJECT_NAME: name }),
        );
      const first = await plan(0);
      const cold = await coldLimit(engine, first.desired, first.plan);
      const old = (
        await engine.containers.list({ [BerthLabel.Stack]: name, [BerthLabel.Service]: stack.changed })
      )
        .filter(isServiceContainer)
        .map((c) => c.id);
      const next = await plan(1);
      const changed = await changedLimit(engine, next.desired, stack.changed, old);
      return { cold, changed, note: '' };
    });
  } finally {
    await removeLabelled(engine, { [BerthLabel.Stack]: name });
  }
}
