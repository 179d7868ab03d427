import type { Clock } from '../clock.js';
import type { Engine } from '../engine/model.js';
import type { DesiredStack } from './desired.js';
import type { DeployEvent, DeployListener } from './events.js';
import { gateContainer } from './gatekeeper.js';
import { type ChangedReplica, retire, undo } from './rollout.js';
import type { StepLog } from './step-log.js';
import type { ContainerWatch } from './watch.js';

/*
 * The two ways a rollout ends: every changed replica undone and its previous container gated again
 * (a failed deploy), or the previous containers removed (a deploy that succeeded).
 */

/**
 * Restores the previous containers of every changed service, last change first, and gates them again.
 * `log`: its debug lines (start, each restored container's gate, end with how many problems).
 */
export async function rollBack(
  deps: {
    readonly engine: Engine;
    readonly clock: Clock;
    readonly watch: ContainerWatch;
    /** The server is stopping: the restored containers are started but not waited for. */
    readonly signal?: AbortSignal;
  },
  desired: DesiredStack,
  changes: readonly ChangedReplica[],
  emit: (event: DeployEvent) => void,
  log?: StepLog,
): Promise<string | undefined> {
  const problems: string[] = [];
  const rollback = log?.rollbackStarted('failure', changes.length);
  try {
    await restore(deps, desired, changes, emit, problems, log);
  } catch (error: unknown) {
    rollback?.ended(problems.length + 1);
    throw error;
  }
  rollback?.ended(problems.length);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** rollBack's work: what could not be put back goes to `problems`. */
async function restore(
  deps: Parameters<typeof rollBack>[0],
  desired: DesiredStack,
  changes: readonly ChangedReplica[],
  emit: (event: DeployEvent) => void,
  problems: string[],
  log: StepLog | undefined,
): Promise<void> {
  const restored: Array<{ service: string; id: string }> = [];
  for (const c of [...changes].reverse()) {
    try {
      const id = await undo(deps.engine, c);
      if (id) restored.push({ service: c.service, id });
      emit({
        type: 'rollback',
        service: c.service,
        message: id ? `restored the previous ${c.name}` : `removed the new ${c.name}`,
      });
    } catch (error: unknown) {
      problems.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const gateDeps = {
    engine: deps.engine,
    clock: deps.clock,
    watch: deps.watch,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  for (const r of restored.reverse()) {
    const service = desired.services[r.service];
    if (!service) continue;
    const gate = log?.gateStarted(r.service, undefined, r.id, 'rollback');
    // A stopping server ends the gate at once (it throws the abort): started again, not checked.
    const verdict = await gateContainer(gateDeps, service, r.id).catch((error: unknown) => {
      gate?.failed(deps.signal?.aborted ? 'aborted' : 'error');
      if (!deps.signal?.aborted) throw error;
      return undefined;
    });
    if (verdict === undefined)
      problems.push(`${r.service} was started again but not checked: the server is stopping`);
    else if (verdict.state !== 'passed') {
      gate?.failed(verdict.state === 'failed' ? verdict.reason : 'timeout');
      problems.push(`${r.service} did not come back: ${verdict.detail}`);
    } else {
      gate?.passed();
      emit({ type: 'rollback', service: r.service, message: `previous ${r.service} answers again` });
    }
  }
}

/**
 * After a deploy succeeded (and its result is recorded): the previous containers, parked and
 * stopped, are removed, all at once (a start-first one once its graceful stop has ended). Resolves
 * with what could not be removed; a parked container left behind goes with the next deploy's plan.
 */
export async function retireAll(engine: Engine, changes: readonly ChangedReplica[]): Promise<string[]> {
  const problems = await Promise.all(
    changes.map((c) =>
      retire(engine, c).then(
        () => undefined,
        (error: unknown) =>
          `${c.old?.parkedName ?? c.name}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    ),
  );
  return problems.filter((p): p is string => p !== undefined);
}

/**
 * An interrupted deploy's rollback: every change undone, last first, without gating the restored
 * containers again (nothing may be waited for while the server stops). What could not be undone
 * goes with the next deploy (its plan removes `-berth-prev-`/`-berth-next-` left-overs).
 */
export async function undoInterrupted(
  engine: Engine,
  changes: readonly ChangedReplica[],
  emit: DeployListener,
  log?: StepLog,
) {
  emit({ type: 'rollback', message: 'interrupted: putting back what this deploy changed' });
  const rollback = log?.rollbackStarted('interrupted', changes.length);
  let problems = 0;
  for (const c of [...changes].reverse()) {
    const message = await undo(engine, c).then(
      (restored) => (restored ? `restored the previous ${c.name}` : `removed the new ${c.name}`),
      (e: unknown) => {
        problems++;
        return `could not undo ${c.name} (${e instanceof Error ? e.message : String(e)}); the next deploy will`;
      },
    );
    emit({ type: 'rollback', service: c.service, message });
  }
  rollback?.ended(problems);
}
