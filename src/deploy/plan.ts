import { BerthLabel, type ContainerSummary, isOneOff, isParked, ownedBy } from '../engine/model.js';
import { normalTag } from './image-references.js';
import { replicaSteps } from './plan-replicas.js';
import type { Plan, PlanInput, PlanProblem, ServicePlan } from './plan-types.js';
import { type PlatformMismatch, platformMismatch, samePlatform } from './platform.js';
import { pullDecision } from './pull-policy.js';

export type {
  AppliedRecord,
  ContainerRef,
  ContainerStep,
  Plan,
  PlanInput,
  PlanProblem,
  PlanProblemCode,
  ServicePlan,
  Step,
} from './plan-types.js';

export function isEmpty(plan: Plan): boolean {
  return (
    plan.resources.length === 0 &&
    plan.pulls.length === 0 &&
    plan.builds.length === 0 &&
    plan.removals.length === 0 &&
    plan.services.every((s) => s.steps.length === 0)
  );
}

const label = (c: ContainerSummary, key: string) => c.labels[key];

const pulledAt = (map: ReadonlyMap<string, string> | undefined, image: string) => {
  const at = map?.get(image);
  return at === undefined ? {} : { lastPulled: at };
};

/** Why a service's image is built: first the image is missing, then what the operator asked for. */
function buildReason(
  image: string,
  why: { readonly present: boolean; readonly rebuild: boolean; readonly policyBuild: boolean },
  other: PlatformMismatch | undefined,
): string {
  if (!why.present) return `image ${image} is not built yet`;
  if (why.rebuild) return 'rebuild requested';
  if (why.policyBuild || other === undefined) return 'pull_policy: build';
  return `image ${image} is built for ${other.has}, the service's platform is ${other.wanted}`;
}

/**
 * One pull per image and platform: services that share it are listed on one step, with each reason
 * once. An image written two ways (`redis:7`, `docker.io/library/redis:7`) is one image, pulled once
 * under the first spelling.
 */
function addPull(
  pulls: Plan['pulls'][number][],
  pull: { readonly image: string; readonly platform: string | undefined; readonly service: string },
  decision: { readonly reason: string; readonly required: boolean },
): void {
  const { image, platform, service } = pull;
  const { reason, required } = decision;
  const tag = normalTag(image);
  const index = pulls.findIndex((p) => normalTag(p.image) === tag && samePlatform(p.platform, platform));
  const seen = pulls[index];
  if (seen === undefined) {
    const on = platform === undefined ? {} : { platform };
    pulls.push({ kind: 'pull', image, ...on, services: [service], required, reasons: [reason] });
    return;
  }
  pulls[index] = {
    ...seen,
    services: [...seen.services, service],
    required: seen.required || required,
    reasons: seen.reasons.includes(reason) ? seen.reasons : [...seen.reasons, reason],
  };
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

  const pulls: Plan['pulls'][number][] = [];
  const unpulled: { image: string; platform: string | undefined; problem: PlanProblem }[] = [];
  const builds: Plan['builds'][number][] = [];
  const services: ServicePlan[] = [];
  desired.levels.forEach((level, index) => {
    for (const name of level) {
      const service = desired.services[name];
      if (!service) continue;
      const present = input.imageIds.has(service.image);
      const policyBuild = service.pullPolicy === 'build' && !input.pulled;
      const written = service.replicas[0]?.spec.platform;
      const other = platformMismatch(written, input.imagePlatforms?.get(service.image), input.enginePlatform);
      const otherBuild = present && other !== undefined && !input.pulled;
      if (service.build && (input.build || !present || policyBuild || otherBuild)) {
        builds.push({
          kind: 'build',
          service: name,
          // Rebuilt for another platform: the cache holds the steps built for the old one.
          request: otherBuild ? { ...service.build, noCache: true } : service.build,
          reasons: [
            buildReason(service.image, { present, rebuild: input.build === true, policyBuild }, other),
          ],
        });
      } else {
        const decision = pullDecision(
          {
            service: name,
            image: service.image,
            ...(service.pullPolicy ? { policy: service.pullPolicy } : {}),
            hasBuild: service.build !== undefined,
            present,
            ...(other ? { otherPlatform: other } : {}),
            ...pulledAt(input.lastPulled, service.image),
          },
          input.now ?? 0,
        );
        if (decision.kind === 'problem')
          unpulled.push({
            image: service.image,
            platform: written,
            problem: { ...decision.problem, ...(service.imageAt ? { where: service.imageAt } : {}) },
          });
        else if (decision.kind === 'pull' && !input.pulled) {
          addPull(pulls, { image: service.image, platform: written, service: name }, decision);
        }
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
  // A `pull_policy: never` service whose image another service pulls in this deploy (for its
  // platform, when the engine has it for another) finds it there.
  for (const u of unpulled) {
    const pulled = pulls.some(
      (p) =>
        normalTag(p.image) === normalTag(u.image) &&
        (u.problem.code === 'IMAGE_MISSING' || samePlatform(p.platform, u.platform)),
    );
    if (!pulled || (u.problem.code !== 'IMAGE_MISSING' && u.problem.code !== 'IMAGE_PLATFORM'))
      problems.push(u.problem);
  }
  return { stack, resources, pulls, builds, services, removals, problems };
}
