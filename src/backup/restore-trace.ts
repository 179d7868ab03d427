import type { ContainerSummary } from '../engine/model.js';

/**
 * A step of a restore as its progress event records it (`data.restore`), so that another process
 * can tell, from the state file alone, what a restore that died had changed: the safety backup it
 * took, the services it stopped, whether it had begun writing into the target.
 */
export interface RestoreStep {
  readonly stack: string;
  readonly service: string;
  readonly source: string;
  readonly step: 'safety-taken' | 'stopping' | 'writing';
  readonly safety?: string;
  /** With `stopping`: the service whose container is being stopped (the target's too, for a volume). */
  readonly stopping?: string;
}

/**
 * What an interrupted restore did, read back from its steps (what `interruptedError` of
 * src/operations takes, by shape: this layer does not import that one).
 */
export interface RestoreTrace {
  /** The stack and service restored into. */
  readonly stack: string;
  readonly service: string;
  /** The backup restored. */
  readonly source: string;
  /** The safety backup of the target, once it was taken: what to restore from now. */
  readonly safety?: string;
  /** Whether it had begun writing into the target (the data may be partly restored). */
  readonly writing: boolean;
  /** Services it stopped, in the order it stopped them. */
  readonly stopped: readonly string[];
}

const isStep = (value: unknown): value is RestoreStep => {
  const v = value as Partial<RestoreStep> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.stack === 'string' &&
    typeof v.service === 'string' &&
    typeof v.source === 'string' &&
    (v.step === 'safety-taken' || v.step === 'stopping' || v.step === 'writing')
  );
};

/** The `data` of a progress event for a step. */
export const restoreStepData = (step: RestoreStep): { restore: RestoreStep } => ({ restore: step });

/** Reads a restore's steps from its events' `data`, oldest first; undefined when none was recorded. */
export function traceRestore(events: ReadonlyArray<{ readonly data?: unknown }>): RestoreTrace | undefined {
  let trace: RestoreTrace | undefined;
  for (const e of events) {
    const step = (e.data as { restore?: unknown } | undefined)?.restore;
    if (!isStep(step)) continue;
    const base: RestoreTrace = trace ?? {
      stack: step.stack,
      service: step.service,
      source: step.source,
      stopped: [],
      writing: false,
    };
    trace = {
      ...base,
      ...(step.safety ? { safety: step.safety } : {}),
      stopped:
        step.step === 'stopping' && step.stopping && !base.stopped.includes(step.stopping)
          ? [...base.stopped, step.stopping]
          : base.stopped,
      writing: base.writing || step.step === 'writing',
    };
  }
  return trace;
}

/** A container to start again, or one left as it is and why. */
export interface RestoreRecoveryPlan {
  readonly start: ReadonlyArray<{ readonly service: string; readonly id: string; readonly name: string }>;
  readonly left: ReadonlyArray<{ readonly name: string; readonly why: string }>;
}

/**
 * What to start after a restore died: the target (once writing began: a volume restore stops it) and the services it
 * stopped, target first, then the dependents in the reverse of the order they stopped (as the restore
 * itself starts them). Only the services' own containers (`containers` holds what the engine lists
 * for each as Berth's, for that stack and service) that are stopped; running ones are left be.
 */
export function planRestoreRecovery(
  trace: RestoreTrace,
  containers: ReadonlyMap<string, readonly ContainerSummary[]>,
): RestoreRecoveryPlan {
  const start: Array<RestoreRecoveryPlan['start'][number]> = [];
  const left: Array<RestoreRecoveryPlan['left'][number]> = [];
  const dependents = [...trace.stopped].reverse().filter((s) => s !== trace.service);
  // The target is touched only once writing began (a volume restore stops it); before, it ran on.
  const order =
    trace.writing || trace.stopped.includes(trace.service) ? [trace.service, ...dependents] : dependents;
  for (const service of order) {
    for (const c of containers.get(service) ?? []) {
      if (c.state === 'exited' || c.state === 'created') start.push({ service, id: c.id, name: c.name });
      else if (c.state !== 'running') left.push({ name: c.name, why: `it is ${c.state}` });
    }
  }
  return { start, left };
}

/** The line the server log and the stack's events get once the recovery ran. */
export function restoreRecoveryMessage(
  operation: string,
  trace: RestoreTrace,
  started: readonly string[],
  failed: ReadonlyArray<{ readonly name: string; readonly why: string }>,
): string {
  const where = `${trace.stack}/${trace.service}`;
  const did =
    started.length > 0 ? `started ${started.join(', ')} again` : 'nothing it had stopped was left stopped';
  const notStarted =
    failed.length > 0 ? `; not started: ${failed.map((f) => `${f.name} (${f.why})`).join(', ')}` : '';
  const data = !trace.safety
    ? 'it stopped before its safety backup was taken, so nothing was restored'
    : trace.writing
      ? `the data in ${where} may be partly restored: \`berth backup restore ${trace.stack} ${trace.safety}\` puts back the safety backup`
      : `it had not begun writing into ${where}; its safety backup is ${trace.safety}`;
  return `recovered from interrupted restore ${operation} of backup ${trace.source} into ${where}: ${did}${notStarted}; ${data}`;
}
