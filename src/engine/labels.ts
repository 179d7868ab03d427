import type { LabelSelector } from './types.js';

/** Labels Berth puts on every object it creates. Other tools match on these: never rename one. */
export const BerthLabel = {
  Stack: 'dev.berth.stack',
  Service: 'dev.berth.service',
  Replica: 'dev.berth.replica',
  ConfigHash: 'dev.berth.config-hash',
  /** Always `true` on Berth's objects: the first thing ownership checks. */
  Managed: 'dev.berth.managed',
  /** What the container is for: see BerthRole. */
  Role: 'dev.berth.role',
  /** On one-off containers: the task they run, e.g. `job:segments` or `drill:db`. */
  Task: 'dev.berth.task',
} as const;

export const MANAGED_VALUE = 'true';

/**
 * `current`: a container of a service, created by a deploy. `oneoff`: a container Berth runs for a
 * task (a job, a restore drill, a backup helper) and removes afterwards; it is no part of the
 * service's state, so planning leaves it alone and ps, logs and events leave it out unless asked.
 */
export type BerthRole = 'current' | 'oneoff';

/**
 * Compose's labels. `docker compose ps` (v2) and `docker-compose ps` (1.29)
 * list a container when it has the project label and `oneoff=False`, group it
 * by the service label, and 1.29 fails on one without a container number.
 */
export const ComposeLabel = {
  Project: 'com.docker.compose.project',
  Service: 'com.docker.compose.service',
  ContainerNumber: 'com.docker.compose.container-number',
  OneOff: 'com.docker.compose.oneoff',
  Version: 'com.docker.compose.version',
  Network: 'com.docker.compose.network',
  Volume: 'com.docker.compose.volume',
} as const;

export interface ContainerLabelInput {
  readonly stack: string;
  readonly service: string;
  readonly replica: number;
  readonly configHash: string;
  readonly role: BerthRole;
}

/** Berth's and compose's labels for one container, so both `berth` and `docker compose ps` recognize it. */
export function containerLabels(input: ContainerLabelInput): Record<string, string> {
  return {
    [BerthLabel.Managed]: MANAGED_VALUE,
    [BerthLabel.Stack]: input.stack,
    [BerthLabel.Service]: input.service,
    [BerthLabel.Replica]: String(input.replica),
    [BerthLabel.ConfigHash]: input.configHash,
    [BerthLabel.Role]: input.role,
    [ComposeLabel.Project]: input.stack,
    [ComposeLabel.Service]: input.service,
    [ComposeLabel.ContainerNumber]: String(input.replica),
    [ComposeLabel.OneOff]: 'False',
  };
}

export interface OneOffLabelInput {
  readonly stack: string;
  /** The service whose image, configuration and networks it runs with. */
  readonly service: string;
  /** What it runs, e.g. `job:segments`. */
  readonly task: string;
}

/**
 * Labels of a one-off container: Berth's ownership and role, and compose's `oneoff=True`, so
 * `docker compose ps` leaves it out as it does `docker compose run` containers.
 */
export function oneOffLabels(input: OneOffLabelInput): Record<string, string> {
  return {
    [BerthLabel.Managed]: MANAGED_VALUE,
    [BerthLabel.Stack]: input.stack,
    [BerthLabel.Service]: input.service,
    [BerthLabel.Role]: 'oneoff',
    [BerthLabel.Task]: input.task,
    [ComposeLabel.Project]: input.stack,
    [ComposeLabel.Service]: input.service,
    [ComposeLabel.OneOff]: 'True',
  };
}

/** A one-off container (a task's), whether Berth's or `docker compose run`'s. */
export function isOneOff(labels: Readonly<Record<string, string>>): boolean {
  return labels[BerthLabel.Role] === 'oneoff' || labels[ComposeLabel.OneOff] === 'True';
}

/** Where a replaced container waits during a rollout, so a rollback can bring it back. */
export function parkedName(name: string, deploymentId: number): string {
  return `${name}-berth-prev-${deploymentId}`;
}

/** Where a start-first replacement starts, beside the container it replaces, until it passes its gate. */
export function incomingName(name: string, deploymentId: number): string {
  return `${name}-berth-next-${deploymentId}`;
}

/**
 * A container parked during a rollout (`parkedName`, or a start-first `incomingName` left by an
 * interrupted deploy). Labels cannot change after creation, names can: this is the only test.
 */
export function isParked(c: { readonly name: string }): boolean {
  return /-berth-(prev|next)-\d+$/.test(c.name);
}

/**
 * What a parked name says: the service container's own name, the deployment that parked it, and
 * whether it is the replaced container (`prev`) or a start-first replacement never promoted (`next`).
 */
export function parkedParts(
  name: string,
): { readonly name: string; readonly deploymentId: number; readonly side: 'prev' | 'next' } | undefined {
  const m = /^(.+)-berth-(prev|next)-(\d+)$/.exec(name);
  if (!m?.[1] || !m[3]) return undefined;
  return { name: m[1], deploymentId: Number(m[3]), side: m[2] === 'next' ? 'next' : 'prev' };
}

/** A container that is part of a service's current state: neither parked nor a one-off. */
export function isServiceContainer(c: {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}): boolean {
  return !isParked(c) && !isOneOff(c.labels);
}

/** Labels for a stack's network or volume (`name` is its name inside the stack). */
export function stackResourceLabels(
  stack: string,
  kind: 'network' | 'volume',
  name: string,
): Record<string, string> {
  return {
    [BerthLabel.Managed]: MANAGED_VALUE,
    [BerthLabel.Stack]: stack,
    [ComposeLabel.Project]: stack,
    [kind === 'network' ? ComposeLabel.Network : ComposeLabel.Volume]: name,
  };
}

/** True when Berth created this object for `stack`: compose's labels alone do not make it Berth's. */
export function ownedBy(labels: Readonly<Record<string, string>> | undefined, stack: string): boolean {
  if (labels === undefined) return false;
  return labels[BerthLabel.Managed] === MANAGED_VALUE && labels[BerthLabel.Stack] === stack;
}

/** Selects everything Berth manages for `stack` (or for every stack). */
export function stackSelector(stack?: string): LabelSelector {
  return stack === undefined
    ? { [BerthLabel.Managed]: MANAGED_VALUE }
    : { [BerthLabel.Managed]: MANAGED_VALUE, [BerthLabel.Stack]: stack };
}

/** The Engine's `label` filter values: `key=value`, or `key` for "present". */
export function toLabelFilters(selector: LabelSelector): string[] {
  return Object.entries(selector)
    .map(([key, value]) => (value === true ? key : `${key}=${value}`))
    .sort();
}
