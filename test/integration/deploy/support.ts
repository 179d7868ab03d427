import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import { type Clock, systemClock } from '../../../src/clock.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { loadWorkspace } from '../../../src/compose/stack.js';
import { type DeployResult, deployStack } from '../../../src/deploy/deploy.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { StackService, type StackServiceDeps } from '../../../src/deploy/service.js';
import { connectEngine } from '../../../src/engine/index.js';
import { BerthLabel, type Engine, type EngineEvent, isEngineError } from '../../../src/engine/model.js';
import { type LockOwner, openStore, processIsAlive, type Store } from '../../../src/store/index.js';

// Shared by the deploy integration tests. Every stack gets a unique name (`bt-<hex>`), so test
// files run in parallel without meeting; cleanup removes only what carries that stack's label
// (plus the few unlabelled objects a test registered itself, such as a foreign container).

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const brokenDir = join(repoRoot, 'examples', 'broken');

export const isAlive = processIsAlive;

/** A compose `command` that runs until stopped and exits 0 on SIGTERM (a well-behaved server). */
export const SLEEPER = `["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]`;

export interface DeployHarness {
  readonly engine: Engine;
  readonly store: Store;
  readonly clock: Clock;
  readonly stateDir: string;
  readonly statePath: string;
  /** A new stack name, unique to this run: `bt-<hex>` (`BERTH_IT_STACK_PREFIX` replaces `bt`). */
  stackName(): string;
  /** Copies `examples/broken/<example>` into a temp folder the test may edit. */
  copyExample(example: string): string;
  /** Writes a compose file into a new temp folder. */
  writeStack(compose: string): string;
  load(dir: string, stack: string, env?: Record<string, string>): Promise<LoadedStack>;
  /** A lock owner for this process with a fresh token. */
  owner(): LockOwner;
  deploy(loaded: LoadedStack, options?: { events?: DeployEvent[]; owner?: LockOwner }): Promise<DeployResult>;
  /** Removes this object at cleanup too (it carries no stack label). */
  track(containerId: string): void;
  cleanup(): Promise<void>;
}

export async function startHarness(): Promise<DeployHarness> {
  const engine = await connectEngine({});
  const clock = systemClock();
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-deploy-it-'));
  const statePath = join(stateDir, 'state.db');
  const store = openStore({ path: statePath, clock, isAlive });
  const stacks: string[] = [];
  const tracked: string[] = [];
  const dirs: string[] = [stateDir];
  const owner = (): LockOwner => ({
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
  });

  return {
    engine,
    store,
    clock,
    stateDir,
    statePath,
    stackName() {
      const name = `${process.env.BERTH_IT_STACK_PREFIX ?? 'bt'}-${randomBytes(4).toString('hex')}`;
      stacks.push(name);
      return name;
    },
    copyExample(example) {
      const dir = mkdtempSync(join(tmpdir(), `berth-${example}-`));
      cpSync(join(brokenDir, example), dir, { recursive: true });
      dirs.push(dir);
      return dir;
    },
    writeStack(compose) {
      const dir = mkdtempSync(join(tmpdir(), 'berth-stack-'));
      writeFileSync(join(dir, 'compose.yaml'), compose);
      dirs.push(dir);
      return dir;
    },
    load: (dir, stack, env = {}) => loadStack(dir, stack, env),
    owner,
    deploy(loaded, options = {}) {
      const events = options.events;
      return deployStack(
        { engine, store, clock, owner: options.owner ?? owner(), pollMs: 250 },
        loaded,
        events ? { onEvent: (e) => events.push(e) } : {},
      );
    },
    track(id) {
      tracked.push(id);
    },
    async cleanup() {
      const failures: unknown[] = [];
      const attempt = async (work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (error: unknown) {
          if (!isEngineError(error, 'ENGINE_NOT_FOUND')) failures.push(error);
        }
      };
      for (const id of tracked) await attempt(() => engine.containers.remove(id, { force: true }));
      for (const stack of stacks) await removeStack(engine, stack, attempt);
      store.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      if (failures.length > 0) throw new AggregateError(failures, 'cleanup of deploy test stacks failed');
    },
  };
}

/**
 * The harness of one test file: started before its tests (handed to `set`), cleaned up after them.
 * Call it at the top level of the file.
 */
export function useHarness(set: (h: DeployHarness) => void): void {
  let started: DeployHarness | undefined;
  beforeAll(async () => {
    started = await startHarness();
    set(started);
  });
  afterAll(async () => {
    await started?.cleanup();
  });
}

/** The stack service over the harness's engine and store, for the stack in `dir` named `stack`. */
export function stackServiceFor(
  h: DeployHarness,
  dir: string,
  stack: string,
  logger?: StackServiceDeps['logger'],
): StackService {
  return new StackService({
    engine: async () => h.engine,
    store: () => h.store,
    clock: h.clock,
    owner: h.owner(),
    workspace: dir,
    env: { COMPOSE_PROJECT_NAME: stack },
    registry: builtinXBerthRegistry(),
    allowPaths: false,
    ...(logger ? { logger } : {}),
  });
}

/** Everything labelled `dev.berth.stack=<stack>`: containers first, then networks and volumes. */
export async function removeStack(
  engine: Engine,
  stack: string,
  attempt: (work: () => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const selector = { [BerthLabel.Stack]: stack };
  for (const c of await engine.containers.list(selector, { all: true }))
    await attempt(() => engine.containers.remove(c.id, { force: true, volumes: true }));
  for (const n of await engine.networks.list(selector)) await attempt(() => engine.networks.remove(n.id));
  for (const v of await engine.volumes.list(selector))
    await attempt(() => engine.volumes.remove(v.name, { force: true }));
}

/** Loads the stack in `dir` under the name `stack`; fails the test on any load error. */
export async function loadStack(
  dir: string,
  stack: string,
  env: Record<string, string>,
): Promise<LoadedStack> {
  const loaded = await loadWorkspace(dir, {
    env: { ...env, COMPOSE_PROJECT_NAME: stack },
    registry: builtinXBerthRegistry(),
  });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const first = loaded.stacks[0];
  if (errors.length > 0 || !first)
    throw new Error(`could not load ${dir}: ${errors.map((d) => d.message).join('; ') || 'no stack'}`);
  if (first.name !== stack) throw new Error(`stack loaded as ${first.name}, expected ${stack}`);
  return first;
}

/** Replaces `from` with `to` in the stack's compose.yaml; fails when `from` is not there. */
export function editCompose(dir: string, from: string, to: string): void {
  const file = join(dir, 'compose.yaml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

/** Container name → id of the stack's containers (stopped ones too). */
export async function containerIds(engine: Engine, stack: string): Promise<Record<string, string>> {
  const list = await engine.containers.list({ [BerthLabel.Stack]: stack }, { all: true });
  return Object.fromEntries(list.map((c) => [c.name, c.id]).sort());
}

/** `docker-compose` 1.29 with an argv array, in the stack's folder. */
export function dockerCompose(
  dir: string,
  args: readonly string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('docker-compose', [...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** GET over HTTP; undefined when nothing answers. */
export async function httpGet(
  port: number,
  path = '/',
): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** Collects the stack's container events from now until `stop()`; `events` resolves after stop. */
export function recordEvents(
  engine: Engine,
  stack: string,
): { events: Promise<EngineEvent[]>; stop(): void } {
  const controller = new AbortController();
  const from = Date.now();
  const collected: EngineEvent[] = [];
  const events = (async () => {
    try {
      const stream = engine.events.stream(
        { filters: { types: ['container'], labels: { [BerthLabel.Stack]: stack } }, since: from - 1000 },
        controller.signal,
      );
      for await (const event of stream) if (event.time >= from - 1000) collected.push(event);
    } catch (error: unknown) {
      if (!controller.signal.aborted) throw error;
    }
    return collected;
  })();
  return {
    events,
    // The engine sends events as they happen: a short grace lets the last ones arrive.
    stop: () => void setTimeout(() => controller.abort(), 500),
  };
}

/**
 * Waits until Docker itself reports every container healthy (its checks run on their own interval,
 * after a deploy whose gates passed on Berth's own runs of the same check) and returns the statuses.
 */
export async function dockerHealth(
  engine: Engine,
  ids: readonly string[],
  waitMs = 15_000,
): Promise<string[]> {
  const until = Date.now() + waitMs;
  for (;;) {
    const statuses = await Promise.all(
      ids.map(async (id) => (await engine.containers.inspect(id)).health?.status ?? 'none'),
    );
    if (statuses.every((s) => s === 'healthy') || Date.now() > until) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
