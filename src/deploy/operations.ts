import type { Clock } from '../clock.js';
import { dependentsOf } from '../compose/graph.js';
import type { LoadedStack } from '../compose/stack.js';
import {
  BerthLabel,
  type ContainerInfo,
  type Engine,
  type ExecResult,
  isEngineError,
  ownedBy,
  stackSelector,
} from '../engine/index.js';
import { describeContainer } from '../health/index.js';
import type { LockOwner, Store } from '../store/index.js';
import type { DesiredStack } from './desired.js';
import { DeployError } from './errors.js';
import type { DeployListener } from './events.js';
import { gateContainer } from './gatekeeper.js';
import { isPrevious } from './plan.js';

export interface OpsDeps {
  readonly engine: Engine;
  readonly store: Store;
  readonly clock: Clock;
  readonly owner: LockOwner;
  readonly pollMs?: number;
}

export interface ContainerRow {
  readonly stack: string;
  readonly service: string;
  readonly replica: number;
  readonly name: string;
  readonly id: string;
  readonly state: ContainerInfo['state'];
  readonly health?: string;
  readonly status: string;
  readonly ports: readonly string[];
  readonly image: string;
}

async function withLock<T>(deps: OpsDeps, stack: string, action: () => Promise<T>): Promise<T> {
  const lock = deps.store.locks.acquire(stack, { owner: deps.owner });
  if (!lock.ok) {
    throw new DeployError(
      'DEPLOY_IN_PROGRESS',
      `deployment ${lock.heldBy.deploymentId ?? '(starting)'} in progress for ${stack}`,
      'wait for it to finish (`berth deployments`)',
    );
  }
  try {
    return await action();
  } finally {
    deps.store.locks.release(stack, deps.owner.token);
  }
}

/** `berth ps`: Berth's containers, one row per replica, with a state an operator can read. */
export async function listContainers(
  deps: Pick<OpsDeps, 'engine' | 'clock'>,
  stack?: string,
): Promise<ContainerRow[]> {
  const summaries = await deps.engine.containers.list(stackSelector(stack), { all: true });
  const rows: ContainerRow[] = [];
  for (const s of summaries) {
    let info: ContainerInfo;
    try {
      info = await deps.engine.containers.inspect(s.id);
    } catch (error: unknown) {
      if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') continue;
      throw error;
    }
    rows.push({
      stack: s.labels[BerthLabel.Stack] ?? '',
      service: s.labels[BerthLabel.Service] ?? '',
      replica: Number(s.labels[BerthLabel.Replica] ?? 0),
      name: info.name,
      id: info.id.slice(0, 12),
      state: info.state,
      ...(info.health ? { health: info.health.status } : {}),
      status: describeContainer(info, deps.clock.now()),
      ports: info.ports
        .filter((p) => p.hostPort !== null)
        .map((p) => `${p.hostIp ?? ''}:${p.hostPort}->${p.containerPort}/${p.protocol}`),
      image: info.image,
    });
  }
  return rows.sort(
    (a, b) => a.stack.localeCompare(b.stack) || a.service.localeCompare(b.service) || a.replica - b.replica,
  );
}

/** `berth down`: removes the stack's containers and networks; volumes only when asked, and only Berth's. */
export async function downStack(
  deps: OpsDeps,
  stack: string,
  options: { volumes?: boolean; onEvent?: DeployListener } = {},
) {
  return withLock(deps, stack, async () => {
    const emit = options.onEvent ?? (() => {});
    const removed = { containers: [] as string[], networks: [] as string[], volumes: [] as string[] };
    for (const c of await deps.engine.containers.list(stackSelector(stack), { all: true })) {
      if (!ownedBy(c.labels, stack)) continue;
      await deps.engine.containers.stop(c.id).catch(() => undefined);
      await deps.engine.containers.remove(c.id, { force: true });
      removed.containers.push(c.name);
      emit({ type: 'cleanup', message: `removed container ${c.name}` });
    }
    for (const n of await deps.engine.networks.list(stackSelector(stack))) {
      if (!ownedBy(n.labels, stack)) continue;
      await deps.engine.networks.remove(n.id);
      removed.networks.push(n.name);
      emit({ type: 'cleanup', message: `removed network ${n.name}` });
    }
    if (options.volumes) {
      for (const v of await deps.engine.volumes.list(stackSelector(stack))) {
        if (!ownedBy(v.labels, stack)) continue;
        await deps.engine.volumes.remove(v.name);
        removed.volumes.push(v.name);
        emit({ type: 'cleanup', message: `removed volume ${v.name}` });
      }
    }
    for (const a of deps.store.appliedSpecs.list(stack)) deps.store.appliedSpecs.remove(stack, a.service);
    // The volumes held what the install phases produced: without them, installing must happen again.
    if (options.volumes)
      for (const i of deps.store.installState.list(stack)) deps.store.installState.reset(stack, i.service);
    return removed;
  });
}

async function serviceContainers(engine: Engine, stack: string, service: string) {
  const list = await engine.containers.list(
    { ...stackSelector(stack), [BerthLabel.Service]: service },
    { all: true },
  );
  return list
    .filter((c) => ownedBy(c.labels, stack) && !isPrevious(c))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `berth restart`: the safe sequence for a service — its dependents stop first (furthest first),
 * the service restarts and must pass its gate, then the dependents start again in dependency order,
 * each waited ready. Without a service, the whole stack restarts level by level.
 */
export async function restartStack(
  deps: OpsDeps,
  loaded: LoadedStack,
  desired: DesiredStack,
  service?: string,
  onEvent?: DeployListener,
) {
  const emit = onEvent ?? (() => {});
  if (service !== undefined && !desired.services[service]) {
    throw new DeployError(
      'DEPLOY_SERVICE_NOT_FOUND',
      `stack ${loaded.name} has no service ${service}`,
      `services: ${Object.keys(desired.services).join(', ')}`,
    );
  }
  return withLock(deps, loaded.name, async () => {
    const gateDeps = { engine: deps.engine, clock: deps.clock, pollMs: deps.pollMs ?? 250 };
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

/** `berth exec`: runs an argv in the service's first running replica. */
export async function execInService(
  engine: Engine,
  stack: string,
  service: string,
  argv: readonly string[],
): Promise<ExecResult> {
  const running = (await serviceContainers(engine, stack, service)).filter((c) => c.state === 'running');
  const target = running[0];
  if (!target)
    throw new DeployError(
      'DEPLOY_SERVICE_NOT_FOUND',
      `no running container for ${stack}/${service}`,
      '`berth ps` shows what runs; `berth up` starts it',
    );
  return engine.exec.run(target.id, argv);
}

/** `berth logs`: lines of the service's containers (or the whole stack), prefixed by container. */
export async function* stackLogs(
  engine: Engine,
  stack: string,
  options: { service?: string; follow?: boolean; since?: number; tail?: number; signal?: AbortSignal },
): AsyncIterable<{ container: string; service: string; stream: 'stdout' | 'stderr'; line: string }> {
  const list = options.service
    ? await serviceContainers(engine, stack, options.service)
    : (await engine.containers.list(stackSelector(stack), { all: true })).filter(
        (c) => ownedBy(c.labels, stack) && !isPrevious(c),
      );
  const iterators = list.map((c) => ({
    c,
    it: engine.logs
      .logs(c.id, {
        ...(options.follow ? { follow: true } : {}),
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })
      [Symbol.asyncIterator](),
  }));
  if (!options.follow) {
    for (const { c, it } of iterators) {
      for (let r = await it.next(); !r.done; r = await it.next())
        yield { container: c.name, service: c.labels[BerthLabel.Service] ?? '', ...r.value };
    }
    return;
  }
  const pending = new Map(iterators.map((x, i) => [i, x.it.next().then((r) => ({ i, r }))]));
  while (pending.size > 0) {
    const { i, r } = await Promise.race(pending.values());
    const x = iterators[i];
    if (!x || r.done) {
      pending.delete(i);
      continue;
    }
    pending.set(
      i,
      x.it.next().then((next) => ({ i, r: next })),
    );
    yield { container: x.c.name, service: x.c.labels[BerthLabel.Service] ?? '', ...r.value };
  }
}
