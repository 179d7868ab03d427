import type { DownResult } from '../api/deploy.js';
import { type Engine, ownedBy, stackSelector } from '../engine/model.js';
import type { LockOwner } from '../store/index.js';
import type { DeployListener } from './events.js';
import { withStackLock } from './lock.js';
import type { DeployStores } from './ports.js';

export interface DownOptions {
  /** Also the stack's named volumes, which deletes their data. */
  readonly volumes?: boolean;
}

/** What `down` removes: only objects labelled as this stack's own. */
export interface DownPlan {
  readonly containers: readonly { readonly id: string; readonly name: string }[];
  readonly networks: readonly { readonly id: string; readonly name: string }[];
  readonly volumes: readonly { readonly name: string }[];
}

/** Works out what `down` would remove, changing nothing: `down --dry-run` shows exactly this. */
export async function planDown(engine: Engine, stack: string, options: DownOptions = {}): Promise<DownPlan> {
  const selector = stackSelector(stack);
  const [containers, networks, volumes] = await Promise.all([
    engine.containers.list(selector, { all: true }),
    engine.networks.list(selector),
    options.volumes ? engine.volumes.list(selector) : Promise.resolve([]),
  ]);
  return {
    containers: containers.filter((c) => ownedBy(c.labels, stack)).map((c) => ({ id: c.id, name: c.name })),
    networks: networks.filter((n) => ownedBy(n.labels, stack)).map((n) => ({ id: n.id, name: n.name })),
    volumes: volumes.filter((v) => ownedBy(v.labels, stack)).map((v) => ({ name: v.name })),
  };
}

/** The names of what a down plan removes: the answer of `down` and of `down --dry-run`. */
export const downResult = (plan: DownPlan): DownResult => ({
  containers: plan.containers.map((c) => c.name),
  networks: plan.networks.map((n) => n.name),
  volumes: plan.volumes.map((v) => v.name),
});

export interface DownDeps {
  readonly engine: Engine;
  readonly store: DeployStores;
  readonly owner: LockOwner;
}

/** `berth down`: removes the stack's containers and networks; volumes only when asked, and only Berth's. */
export async function downStack(
  deps: DownDeps,
  stack: string,
  options: DownOptions & { onEvent?: DeployListener } = {},
): Promise<DownResult> {
  return withStackLock(deps, stack, async () => {
    const emit = options.onEvent ?? (() => {});
    // Planned under the lock: a deploy cannot add containers between the plan and the removal.
    const plan = await planDown(deps.engine, stack, options);
    for (const c of plan.containers) {
      await deps.engine.containers.stop(c.id).catch(() => undefined);
      await deps.engine.containers.remove(c.id, { force: true });
      emit({ type: 'cleanup', message: `removed container ${c.name}` });
    }
    for (const n of plan.networks) {
      await deps.engine.networks.remove(n.id);
      emit({ type: 'cleanup', message: `removed network ${n.name}` });
    }
    for (const v of plan.volumes) {
      await deps.engine.volumes.remove(v.name);
      emit({ type: 'cleanup', message: `removed volume ${v.name}` });
    }
    for (const a of deps.store.appliedSpecs.list(stack)) deps.store.appliedSpecs.remove(stack, a.service);
    // The volumes held what the install phases produced: without them, installing must happen again.
    if (options.volumes)
      for (const i of deps.store.installState.list(stack)) deps.store.installState.reset(stack, i.service);
    return downResult(plan);
  });
}
