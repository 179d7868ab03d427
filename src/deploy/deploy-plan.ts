import type { Clock } from '../clock.js';
import { everySensitiveValue } from '../compose/sensitive.js';
import type { LoadedStack } from '../compose/stack.js';
import type { DeployDeps } from './deploy.js';
import { desiredState } from './desired.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import { fileSourcesOf } from './file-mounts.js';
import { appliedRecords, lastPulls, observe, stackImages } from './observe.js';
import { planStack } from './plan.js';
import type { Plan } from './plan-types.js';
import { pullImages } from './pull-images.js';
import { readFileDigests } from './read-file-digests.js';

/** Plans without changing anything (`berth plan`, `berth up --dry-run`). */
export async function planDeploy(
  deps: Pick<DeployDeps, 'engine' | 'store'> & { readonly clock?: Clock },
  loaded: LoadedStack,
  options: { build?: boolean; pulled?: boolean; installEnded?: ReadonlySet<string> } = {},
) {
  const {
    ids: imageIds,
    platforms: imagePlatforms,
    engine: enginePlatform,
  } = await stackImages(deps.engine, loaded);
  const fileDigests = await readFileDigests(fileSourcesOf(loaded.model.secrets, loaded.model.configs));
  const desired = desiredState(loaded, {
    imageIds,
    fileDigests,
    installCompleted: (s) =>
      options.installEnded?.has(s) === true ||
      deps.store.installState.get(loaded.name, s)?.status === 'completed',
  });
  const observed = await observe(deps.engine, desired);
  const plan = planStack({
    desired,
    observed,
    applied: appliedRecords(deps.store, loaded.name, everySensitiveValue(loaded.sensitive)),
    imageIds,
    imagePlatforms,
    ...(enginePlatform ? { enginePlatform } : {}),
    lastPulled: lastPulls(deps.store, desired),
    now: (deps.clock?.now() ?? new Date()).getTime(),
    ...(options.build ? { build: true } : {}),
    ...(options.pulled ? { pulled: true } : {}),
  });
  return { desired, plan, imageIds, observed };
}

type Planned = Awaited<ReturnType<typeof planDeploy>>;

/** Where each service's image is written, for the errors of its pull. */
export const imageAtOf =
  (desired: Planned['desired']) =>
  (service: string): string | undefined =>
    desired.services[service]?.imageAt;

/** Refuses a plan with problems: nothing was changed. */
function refuse(stack: string, plan: Plan): void {
  if (plan.problems.length === 0) return;
  const list = plan.problems
    .map((p) => `${p.where ? `${p.where}: ` : ''}${p.message} (${p.hint})`)
    .join('\n  ');
  throw new DeployError(
    'DEPLOY_PLAN_REFUSED',
    `cannot deploy ${stack}:\n  ${list}`,
    'nothing was changed; fix the problems above and run again',
  );
}

/** Whether the plan's only steps are pulls: what the new images change is not known before pulling. */
function onlyPulls(plan: Plan): boolean {
  return (
    plan.pulls.length > 0 &&
    plan.resources.length === 0 &&
    plan.builds.length === 0 &&
    plan.removals.length === 0 &&
    plan.services.every((s) => s.steps.length === 0)
  );
}

/**
 * The deploy's first plan, refused when it has problems. When pulls are all it has (`pull_policy:
 * always` on an unchanged stack), they run first, without a deployment record, and the plan is made
 * again with the pulled images: a pull that brings the digest the engine had leaves the deploy
 * `unchanged`. `pulled` lists the pulls that ran (the deploy then pulls nothing more).
 */
export async function firstPlan(
  deps: DeployDeps,
  loaded: LoadedStack,
  options: { build?: boolean; pulled?: boolean; installEnded: ReadonlySet<string> },
  emit: (e: DeployEvent) => void,
): Promise<Planned & { pulled: Plan['pulls'] }> {
  const first = await planDeploy(deps, loaded, options);
  refuse(loaded.name, first.plan);
  if (!onlyPulls(first.plan)) return { ...first, pulled: [] };
  await pullImages({ ...deps, imageAt: imageAtOf(first.desired) }, first.plan, emit);
  const again = await planDeploy(deps, loaded, { installEnded: options.installEnded, pulled: true });
  refuse(loaded.name, again.plan);
  return { ...again, pulled: first.plan.pulls };
}
