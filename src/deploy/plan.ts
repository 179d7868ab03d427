import {
  BerthLabel,
  type ContainerSpec,
  type ContainerSummary,
  isOneOff,
  isParked,
  type NetworkCreateSpec,
  type NetworkInfo,
  ownedBy,
  type VolumeCreateSpec,
  type VolumeInfo,
} from '../engine/model.js';
import type { BuildRequest, DesiredService, DesiredStack, Strategy } from './desired.js';
import { specDiff } from './diff.js';

export interface ContainerRef {
  readonly id: string;
  readonly name: string;
}

export type Step =
  | { readonly kind: 'create-network'; readonly name: string; readonly spec: NetworkCreateSpec }
  | { readonly kind: 'create-volume'; readonly name: string; readonly spec: VolumeCreateSpec }
  | {
      readonly kind: 'build';
      readonly service: string;
      readonly request: BuildRequest;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'create';
      readonly service: string;
      readonly replica: number;
      readonly spec: ContainerSpec;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'recreate';
      readonly service: string;
      readonly replica: number;
      readonly spec: ContainerSpec;
      readonly current: ContainerRef;
      readonly strategy: Strategy;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'start';
      readonly service: string;
      readonly replica: number;
      readonly current: ContainerRef;
      readonly reasons: string[];
    }
  | {
      readonly kind: 'remove';
      readonly service: string;
      readonly replica: number;
      readonly current: ContainerRef;
      readonly reasons: string[];
    };

export type ContainerStep = Extract<Step, { kind: 'create' | 'recreate' | 'start' }>;

// Plan and ServicePlan are type aliases, not interfaces: the API's plan schema is an open object, and
// only an alias fits an object type with an index signature.
export type ServicePlan = {
  readonly service: string;
  readonly level: number;
  /** Steps for this service's containers; empty when it is unchanged. */
  readonly steps: readonly ContainerStep[];
};

export type PlanProblemCode = 'NAME_CLASH' | 'IMAGE_MISSING' | 'EXTERNAL_MISSING';
export interface PlanProblem {
  readonly code: PlanProblemCode;
  readonly message: string;
  readonly hint: string;
}

/** A typed plan: applying it converges the engine on the desired stack. Empty when nothing changes. */
export type Plan = {
  readonly stack: string;
  readonly resources: readonly Extract<Step, { kind: 'create-network' | 'create-volume' }>[];
  readonly builds: readonly Extract<Step, { kind: 'build' }>[];
  readonly services: readonly ServicePlan[];
  /** Containers to remove: services gone from the file, replicas scaled away, leftovers of an interrupted deploy. */
  readonly removals: readonly Extract<Step, { kind: 'remove' }>[];
  readonly problems: readonly PlanProblem[];
};

export interface AppliedRecord {
  readonly containerId: string;
  readonly service: string;
  readonly replica: number;
  readonly configHash: string;
  readonly spec: ContainerSpec;
  readonly imageId?: string;
}

export interface PlanInput {
  readonly desired: DesiredStack;
  readonly observed: {
    readonly containers: readonly ContainerSummary[];
    readonly networks: readonly NetworkInfo[];
    readonly volumes: readonly VolumeInfo[];
  };
  readonly applied: readonly AppliedRecord[];
  readonly imageIds: ReadonlyMap<string, string>;
  /** Rebuild images of services with `build:` even when the image exists. */
  readonly build?: boolean;
}

export function isEmpty(plan: Plan): boolean {
  return (
    plan.resources.length === 0 &&
    plan.builds.length === 0 &&
    plan.removals.length === 0 &&
    plan.services.every((s) => s.steps.length === 0)
  );
}

const label = (c: ContainerSummary, key: string) => c.labels[key];

function replicaSteps(
  service: DesiredService,
  current: readonly ContainerSummary[],
  applied: readonly AppliedRecord[],
  imageIds: ReadonlyMap<string, string>,
): ContainerStep[] {
  const steps: ContainerStep[] = [];
  for (const { replica, spec } of service.replicas) {
    const existing = current.find((c) => label(c, BerthLabel.Replica) === String(replica));
    if (!existing) {
      steps.push({
        kind: 'create',
        service: service.name,
        replica,
        spec,
        reasons: [current.length === 0 && replica === 1 ? 'new service' : `new replica ${replica}`],
      });
      continue;
    }
    const ref = { id: existing.id, name: existing.name };
    const record = applied.find((a) => a.service === service.name && a.replica === replica);
    const confirmed =
      record !== undefined && record.containerId === existing.id && record.configHash === service.configHash;
    if (label(existing, BerthLabel.ConfigHash) === service.configHash && !confirmed) {
      steps.push({
        kind: 'recreate',
        service: service.name,
        replica,
        spec,
        current: ref,
        strategy: service.strategy,
        reasons: ['the deploy that created this container did not finish'],
      });
    } else if (label(existing, BerthLabel.ConfigHash) !== service.configHash) {
      const imageAfter = imageIds.get(service.image);
      const reasons = record
        ? specDiff(record.spec, spec, {
            ...(record.imageId ? { before: record.imageId } : {}),
            ...(imageAfter ? { after: imageAfter } : {}),
          })
        : [];
      steps.push({
        kind: 'recreate',
        service: service.name,
        replica,
        spec,
        current: ref,
        strategy: service.strategy,
        reasons:
          reasons.length > 0
            ? reasons
            : ['configuration changed (the previous spec was not recorded by Berth)'],
      });
    } else if (
      existing.state !== 'running' &&
      !(service.gate.kind === 'completes' && /^Exited \(0\)/.test(existing.status))
    ) {
      // A one-shot service that completed successfully stays completed: re-running it is not converging.
      steps.push({
        kind: 'start',
        service: service.name,
        replica,
        current: ref,
        reasons: [`container is ${existing.state}`],
      });
    }
  }
  return steps;
}

/** Why a network or volume cannot be used as it is: external but missing, or someone else's under our name. */
function resourceProblem(
  kind: 'network' | 'volume',
  wanted: { name: string; external: boolean },
  observed: readonly { name: string; labels: Readonly<Record<string, string>> }[],
  stack: string,
): PlanProblem | undefined {
  const found = observed.find((o) => o.name === wanted.name);
  if (wanted.external && !found) {
    return {
      code: 'EXTERNAL_MISSING',
      message: `external ${kind} ${wanted.name} does not exist`,
      hint: `create it first (docker ${kind} create ${wanted.name}) or drop \`external: true\``,
    };
  }
  if (!wanted.external && found && !ownedBy(found.labels, stack)) {
    return {
      code: 'NAME_CLASH',
      message: `${kind} ${wanted.name} exists but was not created by Berth for stack ${stack}`,
      hint:
        kind === 'volume'
          ? 'declare it `external: true` to use its data as it is, or give the stack volume another name'
          : 'Berth never takes over objects it does not own: remove or rename it, or declare it `external: true`',
    };
  }
  return undefined;
}

/**
 * Desired vs observed → plan. Pure: the engine was read before, the plan is applied after.
 * Refuses (as problems) to touch anything that is not Berth's for this stack.
 */
export function planStack(input: PlanInput): Plan {
  const { desired, observed } = input;
  const stack = desired.stack;
  const problems: PlanProblem[] = [];
  // One-off containers (jobs, drills) are no part of a service's state: planning leaves them alone.
  const owned = observed.containers.filter((c) => ownedBy(c.labels, stack) && !isOneOff(c.labels));

  const resources: Plan['resources'][number][] = [];
  for (const net of desired.networks) {
    const step = { kind: 'create-network' as const, name: net.name, spec: net.spec };
    const problem = resourceProblem('network', net, observed.networks, stack);
    if (problem) problems.push(problem);
    else if (!net.external && !observed.networks.some((n) => n.name === net.name)) resources.push(step);
  }
  for (const vol of desired.volumes) {
    const step = { kind: 'create-volume' as const, name: vol.name, spec: vol.spec };
    const problem = resourceProblem('volume', vol, observed.volumes, stack);
    if (problem) problems.push(problem);
    else if (!vol.external && !observed.volumes.some((v) => v.name === vol.name)) resources.push(step);
  }

  const builds: Plan['builds'][number][] = [];
  const services: ServicePlan[] = [];
  desired.levels.forEach((level, index) => {
    for (const name of level) {
      const service = desired.services[name];
      if (!service) continue;
      const present = input.imageIds.has(service.image);
      if (service.build && (input.build || !present)) {
        builds.push({
          kind: 'build',
          service: name,
          request: service.build,
          reasons: [present ? 'rebuild requested' : `image ${service.image} is not built yet`],
        });
      } else if (!service.build && !present) {
        problems.push({
          code: 'IMAGE_MISSING',
          message: `service ${name}: image ${service.image} is not on the engine`,
          hint: 'no registry is reachable from here: build or load the image first (docker build / docker load), or add `build:`',
        });
      }
      for (const { spec } of service.replicas) {
        const clash = observed.containers.find((c) => c.name === spec.name && !ownedBy(c.labels, stack));
        if (clash)
          problems.push({
            code: 'NAME_CLASH',
            message: `container ${spec.name} exists but was not created by Berth for stack ${stack}`,
            hint: 'Berth never removes a container it does not own: rename or remove it yourself, or change `container_name`',
          });
      }
      const current = owned.filter((c) => label(c, BerthLabel.Service) === name && !isParked(c));
      services.push({
        service: name,
        level: index,
        steps: replicaSteps(service, current, input.applied, input.imageIds),
      });
    }
  });

  const removals: Plan['removals'][number][] = [];
  for (const c of owned) {
    const service = label(c, BerthLabel.Service) ?? '';
    const replica = Number(label(c, BerthLabel.Replica) ?? 0);
    const desiredService = desired.services[service];
    const current = { id: c.id, name: c.name };
    if (isParked(c))
      removals.push({
        kind: 'remove',
        service,
        replica,
        current,
        reasons: ['left over from an interrupted deploy'],
      });
    else if (!desiredService && desired.disabled.includes(service)) continue;
    else if (!desiredService)
      removals.push({
        kind: 'remove',
        service,
        replica,
        current,
        reasons: [`service ${service} is no longer in the stack`],
      });
    else if (replica > desiredService.replicas.length)
      removals.push({
        kind: 'remove',
        service,
        replica,
        current,
        reasons: [
          `scaled to ${desiredService.replicas.length} replica${desiredService.replicas.length === 1 ? '' : 's'}`,
        ],
      });
  }
  return { stack, resources, builds, services, removals, problems };
}
