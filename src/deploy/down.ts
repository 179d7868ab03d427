import type { DownResult } from '../api/deploy.js';
import { BerthLabel, type Engine, isOneOff, ownedBy, stackSelector } from '../engine/model.js';
import type { LockOwner } from '../store/index.js';
import { type DownOrder, downLevels, stopAndRemove } from './down-containers.js';
import {
  attached,
  incomplete,
  type Kept,
  keptText,
  removeOrHolders,
  volumeHolders,
  wouldKeep,
} from './down-kept.js';
import type { DeployListener } from './events.js';
import { withStackLock } from './lock.js';
import type { DeployStores } from './ports.js';

export interface DownOptions {
  /** Also the stack's named volumes, which deletes their data. */
  readonly volumes?: boolean;
}

/** What `down` removes: only objects labelled as this stack's own. */
export interface DownPlan {
  readonly containers: readonly {
    readonly id: string;
    readonly name: string;
    readonly service?: string;
    readonly oneOff?: boolean;
  }[];
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
    containers: containers
      .filter((c) => ownedBy(c.labels, stack))
      .map((c) => {
        const service = c.labels[BerthLabel.Service];
        return {
          id: c.id,
          name: c.name,
          ...(service === undefined ? {} : { service }),
          ...(isOneOff(c.labels) ? { oneOff: true } : {}),
        };
      }),
    networks: networks.filter((n) => ownedBy(n.labels, stack)).map((n) => ({ id: n.id, name: n.name })),
    volumes: volumes.filter((v) => ownedBy(v.labels, stack)).map((v) => ({ name: v.name })),
  };
}

/**
 * `down --dry-run`: what `down` would remove, and what it would keep because containers that are not
 * the stack's use it (those are left out of the removals).
 */
export async function dryRunDown(
  engine: Engine,
  stack: string,
  options: DownOptions = {},
): Promise<DownResult> {
  const plan = await planDown(engine, stack, options);
  const kept = await wouldKeep(engine, plan);
  const keeps = (kind: Kept['kind'], name: string) => kept.some((k) => k.kind === kind && k.name === name);
  const result = downResult({
    containers: plan.containers,
    networks: plan.networks.filter((n) => !keeps('network', n.name)),
    volumes: plan.volumes.filter((v) => !keeps('volume', v.name)),
  });
  return kept.length === 0
    ? result
    : { ...result, kept: kept.map((k) => ({ ...k, holders: [...k.holders] })) };
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

/**
 * `berth down`: removes the stack's containers and networks; volumes only when asked, and only
 * Berth's. Containers stop dependents first, a level at a time, the containers of a level at once
 * (down-containers.ts); `order` gives the levels of the stack's files, or why they did not load. A container Berth did not make that still uses a network or volume of the stack is never
 * removed: that object is kept, the rest goes, and the down ends with `DEPLOY_DOWN_INCOMPLETE`
 * naming the container and what to do.
 */
export async function downStack(
  deps: DownDeps,
  stack: string,
  options: DownOptions & { onEvent?: DeployListener; order?: DownOrder } = {},
): Promise<DownResult> {
  return withStackLock(deps, stack, async () => {
    const emit = options.onEvent ?? (() => {});
    // Planned under the lock: a deploy cannot add containers between the plan and the removal.
    const plan = await planDown(deps.engine, stack, options);
    const order = options.order ?? { unloaded: 'not given' };
    const levels = plan.containers.length === 0 ? [] : downLevels(deps.store, stack, order, emit);
    await stopAndRemove(deps.engine, plan.containers, levels, emit);
    const kept: Kept[] = [];
    const keep = (k: Kept) => {
      kept.push(k);
      emit({ type: 'cleanup', message: keptText(k) });
    };
    const networks: DownPlan['networks'][number][] = [];
    for (const n of plan.networks) {
      // Every container of the stack is gone: what is still attached is someone else's.
      const holders = await attached(deps.engine, n.id);
      const removed = holders.length > 0 ? holders : await removeOrHolders(deps.engine, n);
      if (removed.length > 0) keep({ kind: 'network', name: n.name, holders: removed });
      else {
        networks.push(n);
        emit({ type: 'cleanup', message: `removed network ${n.name}` });
      }
    }
    const volumes: DownPlan['volumes'][number][] = [];
    for (const v of plan.volumes) {
      const holders = await deps.engine.volumes.remove(v.name).then(
        () => [],
        (error: unknown) => volumeHolders(deps.engine, error),
      );
      if (holders.length > 0) keep({ kind: 'volume', name: v.name, holders });
      else {
        volumes.push(v);
        emit({ type: 'cleanup', message: `removed volume ${v.name}` });
      }
    }
    for (const a of deps.store.appliedSpecs.list(stack)) deps.store.appliedSpecs.remove(stack, a.service);
    // Every container of the stack is gone (a kept network or volume does not run): it is down on purpose.
    deps.store.stackDowns.record(stack);
    // The volumes held what the install phases produced: without them, installing must happen again.
    if (options.volumes && !kept.some((k) => k.kind === 'volume'))
      for (const i of deps.store.installState.list(stack)) deps.store.installState.reset(stack, i.service);
    const result = downResult({ containers: plan.containers, networks, volumes });
    if (kept.length > 0) throw incomplete(stack, result, kept);
    return result;
  });
}
