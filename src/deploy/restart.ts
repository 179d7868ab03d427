import type { RestartResult } from '../api/deploy.js';
import type { Clock } from '../clock.js';
import { dependentsOf } from '../compose/graph.js';
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

export interface RestartDeps {
  readonly engine: Engine;
  readonly store: DeployStores;
  readonly clock: Clock;
  readonly owner: LockOwner;
}

/**
 * `berth restart`: the safe sequence for a service — its dependents stop first (furthest first),
 * the service restarts and must pass its gate, then the dependents start again in dependency order,
 * each waited ready. Without a service, the whole stack restarts level by level.
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
    const targets = service === undefined ? desired.levels.flat() : [service];
    const dependents = service === undefined ? [] : dependentsOf(loaded.graph, service);
    const stopOrder = service === undefined ? [...desired.levels].reverse().flat() : dependents;
    for (const name of stopOrder) {
      for (const c of await serviceContainers(deps.engine, loaded.name, name)) {
        emit({ type: 'container', service: name, message: `stopping ${c.name}` });
        await deps.engine.containers.stop(c.id);
      }
    }
    const startOrder = service === undefined ? targets : [service, ...[...dependents].reverse()];
    for (const name of startOrder) {
      const d = desired.services[name];
      if (!d) continue;
      for (const c of await serviceContainers(deps.engine, loaded.name, name)) {
        emit({
          type: 'container',
          service: name,
          message: `${name === service ? 'restarting' : 'starting'} ${c.name}`,
        });
        if (name === service) await deps.engine.containers.restart(c.id);
        else await deps.engine.containers.start(c.id);
        const verdict = await gateContainer(gateDeps, d, c.id);
        if (verdict.state !== 'passed') {
          throw new DeployError(
            'DEPLOY_INVALID_STACK',
            `${c.name} did not come back after the restart: ${verdict.detail}`,
            `look at \`berth logs ${loaded.name} ${name}\``,
          );
        }
        emit({ type: 'gate', service: name, message: `${c.name} ready: ${verdict.detail}` });
      }
    }
    return { restarted: startOrder };
  });
}
