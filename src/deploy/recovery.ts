import { BerthLabel, isOneOff, ownedBy, parkedParts } from '../engine/model.js';
import type { ContainerRef } from './plan-types.js';

/*
 * What a deploy that died without undoing its changes (kill -9, a crash, a power cut) left behind,
 * and how to put the last good state back before anything else is planned. Pure: the engine and the
 * store were read before; `recover.ts` acts.
 *
 * The last good container of a replica is the one its applied record names (written only when a
 * deploy succeeded). Parked under `<name>-berth-prev-<deployment>`, it is restored to its name; a
 * container holding that name meanwhile was started by the interrupted deploy and never passed its
 * gate with the whole stack: it goes. A start-first replacement never promoted
 * (`-berth-next-<deployment>`) never passed its gate either: it goes.
 */

export interface RecoveryContainer extends ContainerRef {
  readonly labels: Readonly<Record<string, string>>;
}

export interface RecoveryInput {
  readonly stack: string;
  /** Every container of the stack, stopped ones included. */
  readonly containers: readonly RecoveryContainer[];
  /** The replicas' last good containers: what the last successful deploys recorded. */
  readonly applied: ReadonlyArray<{ service: string; replica: number; containerId: string }>;
}

export type RecoveryStep =
  | {
      readonly kind: 'restore';
      readonly service: string;
      readonly replica: number;
      /** The deployment that parked it. */
      readonly deploymentId: number;
      /** The last good container, under its parked name. */
      readonly parked: ContainerRef;
      /** The name it gets back. */
      readonly name: string;
      /** The unverified container holding that name now, removed first. */
      readonly displace?: ContainerRef;
    }
  | {
      readonly kind: 'discard';
      readonly service: string;
      readonly replica: number;
      readonly deploymentId: number;
      readonly container: ContainerRef;
    };

export interface RecoveryPlan {
  readonly steps: RecoveryStep[];
  /** Parked last good containers that cannot be restored: their name is held by something not ours. */
  readonly problems: string[];
}

export function isEmptyRecovery(plan: RecoveryPlan): boolean {
  return plan.steps.length === 0 && plan.problems.length === 0;
}

/** The recovery steps, restorations first for each replica (nothing of a replica is removed before its restore is planned). */
export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const steps: RecoveryStep[] = [];
  const problems: string[] = [];
  const ours = (c: RecoveryContainer) => ownedBy(c.labels, input.stack) && !isOneOff(c.labels);
  for (const c of input.containers) {
    const parts = parkedParts(c.name);
    if (!parts || !ours(c)) continue;
    const service = c.labels[BerthLabel.Service] ?? '';
    const replica = Number(c.labels[BerthLabel.Replica] ?? 0);
    const record = input.applied.find((a) => a.service === service && a.replica === replica);
    const lastGood = record?.containerId === c.id;
    const ref = { id: c.id, name: c.name };
    if (parts.side === 'next') {
      if (!lastGood)
        steps.push({ kind: 'discard', service, replica, deploymentId: parts.deploymentId, container: ref });
      continue;
    }
    // A parked container that is not the last good one (the deploy that parked it succeeded, or it
    // was never recorded) is a plain left-over: the plan removes it.
    if (!lastGood) continue;
    const holder = input.containers.find((o) => o.name === parts.name);
    if (holder && !(ours(holder) && holder.labels[BerthLabel.Service] === service)) {
      problems.push(
        `${c.name} is ${service}'s last good container, but ${parts.name} is held by a container Berth did not make for ${service}: rename or remove it yourself, then run again`,
      );
      continue;
    }
    steps.push({
      kind: 'restore',
      service,
      replica,
      deploymentId: parts.deploymentId,
      parked: ref,
      name: parts.name,
      ...(holder ? { displace: { id: holder.id, name: holder.name } } : {}),
    });
  }
  return { steps, problems };
}

/**
 * Whether a restored container is started: when it still ran as the interrupted deploy began (it
 * stopped at or after that moment: the deploy stopped it). One that had ended before (a one-shot
 * service that completed) stays as it was. Unknown times: started (it is the last good container).
 */
export function startRestored(
  info: { readonly state: string; readonly finishedAt: string | null },
  deployStartedAt: string | undefined,
): boolean {
  if (info.state === 'running') return false;
  if (!info.finishedAt || !deployStartedAt) return true;
  const finished = Date.parse(info.finishedAt);
  const started = Date.parse(deployStartedAt);
  if (Number.isNaN(finished) || Number.isNaN(started) || finished <= 0) return true;
  return finished >= started;
}
