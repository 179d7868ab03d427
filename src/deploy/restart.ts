import type { RestartResult } from '../api/deploy.js';
import type { Clock } from '../clock.js';
import { dependentsOf } from '../compose/graph.js';
import { mapLimit } from '../compose/load/discover.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { LockOwner } from '../store/index.js';
import { serviceContainers } from './containers.js';
import type { DesiredStack } from './desired.js';
import { DeployError, serviceNotFound } from './errors.js';
import type { DeployListener } from './events.js';
import { gateContainer } from './gatekeeper.js';
import { withStackLock } from './lock.js';
import type { DeployStores } from './ports.js';
import { recoverInterrupted } from './recover.js';
import { MAX_PARALLEL_SERVICES, runInDependencyOrder } from './start-order.js';
import { restartOrder } from './stop-order.js';

export interface RestartDeps {
  readonly engine: Engine;
  readonly store: DeployStores;
  readonly clock: Clock;
  readonly owner: LockOwner;
}

/**
 * `berth restart`: the safe sequence for a service — its dependents stop first (furthest level
 * first, the services of a level at once), the service restarts and must pass its gate, then the
 * dependents start again in dependency order, each as soon as what it depends on is ready (independent
 * ones at once), each waited ready. Without a service, the whole stack restarts the same way.
 */
export async function restartStack(
  deps: RestartDeps,
  loaded: LoadedStack,
  desired: DesiredStack,
  service?: string,
  onEvent?: DeployListener,
): Promise<RestartResult> {
  const emit = onEvent ?? (() => {});
  if (service !== undefined && !desired.services[service]) {
    throw serviceNotFound(loaded.name, service, Object.keys(desired.services).sort());
  }
  return withStackLock(deps, loaded.name, async () => {
    // A deploy that died mid-way (kill -9) left unverified containers under the services' names and
    // the last good ones parked: those are put back first, so the restart restarts the last good state.
    deps.store.deployments.markInterrupted(loaded.name, 'the process running it stopped before it finished');
    await recoverInterrupted(deps, loaded.name, emit, { interruptedOnly: true, verb: 'restarted' });
    const gateDeps = { engine: deps.engine, clock: deps.clock };
    const dependents = service === undefined ? [] : dependentsOf(loaded.graph, service);
    const order = restartOrder(desired.levels, service, dependents);
    // Dependents first, a level at a time; the services of a level (and their replicas) at once.
    for (const batch of order.stop) {
      const stops = await Promise.all(
        batch.map(async (name) => ({ name, found: await serviceContainers(deps.engine, loaded.name, name) })),
      );
      await mapLimit(
        stops.flatMap(({ name, found }) => found.map((c) => ({ name, c }))),
        MAX_PARALLEL_SERVICES,
        async ({ name, c }) => {
          emit({ type: 'container', service: name, message: `stopping ${c.name}` });
          await deps.engine.containers.stop(c.id);
        },
      );
    }
    // Each service comes back as soon as what it depends on among them is back and ready, as `up` does.
    const startOrder = order.start.filter((name) => desired.services[name] !== undefined);
    const outcome = await runInDependencyOrder({
      services: startOrder,
      startAfter: (name) =>
        (desired.services[name]?.startAfter ?? []).map((need) => ({ ...need, until: 'ready' as const })),
      run: async (name, _signal, started) => {
        const d = desired.services[name];
        if (!d) return;
        const containers = await serviceContainers(deps.engine, loaded.name, name);
        await Promise.all(
          containers.map(async (c) => {
            emit({
              type: 'container',
              service: name,
              message: `${name === service ? 'restarting' : 'starting'} ${c.name}`,
            });
            if (name === service) await deps.engine.containers.restart(c.id);
            else await deps.engine.containers.start(c.id);
            started();
            const verdict = await gateContainer(gateDeps, d, c.id);
            if (verdict.state !== 'passed') {
              throw new DeployError(
                'DEPLOY_INVALID_STACK',
                `${c.name} did not come back after the restart: ${verdict.detail}`,
                `look at \`berth logs ${loaded.name} ${name}\``,
              );
            }
            emit({ type: 'gate', service: name, message: `${c.name} ready: ${verdict.detail}` });
          }),
        );
      },
    });
    if (!outcome.ok) {
      if ('error' in outcome) throw outcome.error;
      throw new DeployError(
        'DEPLOY_INVALID_STACK',
        `restart could not start ${outcome.stuck.join(', ')}: what they depend on did not come back`,
        `look at \`berth ps ${loaded.name}\``,
      );
    }
    return { restarted: startOrder };
  });
}
