import { type Engine, isOneOff, isParked, ownedBy } from '../engine/model.js';
import type { Store } from '../store/index.js';
import type { DeployListener } from './events.js';
import { inspectOrMissing } from './gatekeeper.js';
import type { Plan } from './plan-types.js';
import type { StepLog } from './step-log.js';

/**
 * Removes the plan's removals: after a success, all of them; after a failure, only the left-overs
 * of an interrupted deploy (`-berth-prev-`/`-berth-next-`: a `-berth-next-` one never passed its
 * gate and must not keep serving), while a service gone or scaled away stays as it was. Each is
 * looked at again first: only a container Berth made for this stack is removed. One that cannot be
 * removed is reported and planned again by the next deploy. `log`: a debug line as each removal
 * starts and ends.
 */
export async function removeContainers(
  deps: { readonly engine: Engine; readonly store: Pick<Store, 'appliedSpecs'> },
  stack: string,
  removals: Plan['removals'],
  which: 'all' | 'left-overs',
  emit: DeployListener,
  log?: StepLog,
): Promise<void> {
  for (const [i, r] of removals.entries()) {
    const leftOver = isParked(r.current);
    if (which === 'left-overs' && !leftOver) continue;
    const info = await inspectOrMissing(deps.engine, r.current.id);
    if (info === undefined) continue;
    if (!ownedBy(info.labels, stack) || isOneOff(info.labels)) {
      emit({
        type: 'cleanup',
        service: r.service,
        message: `left ${r.current.name} alone: it is not a container Berth made for ${stack}`,
      });
      continue;
    }
    const remove = () => deps.engine.containers.remove(r.current.id, { force: true });
    const failed = await (log ? log.step(r, i + 1, remove) : remove()).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    // A left-over is a copy: the record of the replica's current container stays.
    if (failed === undefined && !leftOver) deps.store.appliedSpecs.remove(stack, r.service, r.replica);
    emit({
      type: 'cleanup',
      service: r.service,
      message:
        failed === undefined
          ? `removed ${r.current.name}: ${r.reasons.join('; ')}`
          : `could not remove ${r.current.name} (${failed}); the next deploy removes it`,
    });
  }
}
