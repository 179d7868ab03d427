import type { LabelSelector } from './types.js';

/** Labels Berth puts on every object it creates. Other tools match on these: never rename one. */
export const BerthLabel = {
  Stack: 'dev.berth.stack',
  Service: 'dev.berth.service',
  Replica: 'dev.berth.replica',
  ConfigHash: 'dev.berth.config-hash',
  /** Always `true` on Berth's objects: the first thing ownership checks. */
  Managed: 'dev.berth.managed',
  /** `current` or `previous` (kept during a rollout so it can be rolled back). */
  Role: 'dev.berth.role',
} as const;

export const MANAGED_VALUE = 'true';

export type BerthRole = 'current' | 'previous';

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
