import type { StreamEvent } from '../../../src/api/events.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type ContainerSpec, containerLabels } from '../../../src/engine/model.js';
import { SPEC_DEFAULTS } from '../../../src/engine/spec-defaults.js';
import { watchContainerEvents } from '../../../src/events/container-watcher.js';
import { EventHub } from '../../../src/events/hub.js';
import { HealthService, type HealthServiceDeps } from '../../../src/health/service.js';
import { type DeployHarness, SLEEPER, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

export interface HealthKit {
  readonly hub: EventHub;
  readonly health: HealthService;
  /** Every event published, in order. */
  readonly events: StreamEvent[];
  /** Drains the service and stops watching the engine. */
  stop(): Promise<void>;
}

/**
 * A started HealthService on the harness's engine and store, fed by the real engine's events (as
 * `berth serve` wires it), with the given stacks (none by default) and tuning.
 */
export function startHealth(
  h: DeployHarness,
  options: { stacks?: () => Promise<readonly LoadedStack[]>; tuning: HealthServiceDeps['tuning'] },
): HealthKit {
  const hub = new EventHub(h.store.events);
  const events: StreamEvent[] = [];
  hub.subscribe((e) => events.push(e));
  // As berth serve's servesStack: the stacks deployed here and the workspace's (here: `stacks`).
  const serves = async (stack: string) =>
    h.store.deployments.recorded(stack) ||
    (await (options.stacks?.() ?? Promise.resolve([]))).some((s) => s.name === stack);
  const watching = new AbortController();
  const watcher = watchContainerEvents({
    engine: async () => h.engine,
    events: hub,
    accept: serves,
    signal: watching.signal,
  });
  const health = new HealthService({
    engine: async () => h.engine,
    store: () => h.store,
    clock: h.clock,
    events: () => hub,
    subscribe: (listener) => hub.subscribe(listener),
    stacks: options.stacks ?? (async () => []),
    serves,
    tuning: options.tuning,
  });
  health.start();
  return {
    hub,
    health,
    events,
    async stop() {
      await health.drain(1_000);
      watching.abort();
      await watcher;
    },
  };
}

/**
 * Creates and starts `<stack>-<service>-1` from busybox, labelled as Berth labels a service's
 * container, without a network; the harness removes it at cleanup. The stack is recorded as deployed
 * here (the health service watches only this server's stacks) unless `foreign`.
 */
export async function startLabelled(
  h: DeployHarness,
  stack: string,
  service: string,
  command: readonly string[],
  extra: Partial<ContainerSpec> = {},
  foreign = false,
): Promise<{ id: string; name: string }> {
  if (!foreign && !h.store.deployments.recorded(stack)) {
    const deployment = h.store.deployments.create({ stack, trigger: 'cli', plan: {} });
    h.store.deployments.finish(deployment.id, 'succeeded');
  }
  const name = `${stack}-${service}-1`;
  const created = await h.engine.containers.create({
    name,
    image: BUSYBOX,
    command: [...command],
    ...SPEC_DEFAULTS,
    labels: containerLabels({ stack, service, replica: 1, configHash: 'x', role: 'current' }),
    networks: [],
    networkMode: 'none',
    ...extra,
  });
  h.track(created.id);
  await h.engine.containers.start(created.id);
  return { id: created.id, name };
}

/** A harness, one stack written from `compose` and loaded, and health started over it. */
export interface StackHealth {
  readonly h: DeployHarness;
  readonly kit: HealthKit;
  readonly stack: string;
  readonly loaded: LoadedStack;
}

/** startHealth over a new stack of `compose`; its stacks are the loaded one unless `stacks` says. */
export async function startStackHealth(
  compose: string,
  options: { tuning: HealthServiceDeps['tuning']; stacks?: () => Promise<readonly LoadedStack[]> },
): Promise<StackHealth> {
  const h = await startHarness();
  const stack = h.stackName();
  const loaded = await h.load(h.writeStack(compose), stack);
  const kit = startHealth(h, { stacks: options.stacks ?? (async () => [loaded]), tuning: options.tuning });
  return { h, kit, stack, loaded };
}

/** Stops what startStackHealth started (either part may be missing when the start failed). */
export async function stopStackHealth(started: { h?: DeployHarness; kit?: HealthKit }): Promise<void> {
  await started.kit?.stop();
  await started.h?.cleanup();
}

/**
 * One service `web` that sleeps, with the command probe `alive` (`true`, every second); `head`: what
 * goes before `services:` (e.g. deploy settings), `healthcheck`: a line of compose for web's own.
 */
export function aliveProbeCompose(options: { head?: string; healthcheck?: string } = {}): string {
  return `${options.head ?? ''}services:
  web:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    stop_signal: SIGKILL
${options.healthcheck ? `    healthcheck: ${options.healthcheck}\n` : ''}    x-berth:
      probes:
        alive:
          type: command
          command: ["true"]
          interval: 1s
`;
}

/** The `alive` probe of `stack` as the report gives it, and a wait (syncing) until a check holds. */
export function aliveProbe(started: () => { kit: HealthKit; stack: string }) {
  const alive = () => {
    const { kit, stack } = started();
    return kit.health.list(stack).items.find((p) => p.probe === 'alive');
  };
  const until = async (what: string, check: () => boolean): Promise<void> => {
    const end = Date.now() + 30_000;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(alive())}`);
      await started().kit.health.sync();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return { alive, until };
}
