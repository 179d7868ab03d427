import { shortImageId } from '../api/bytes-text.js';
import type { Engine, RegistryAuth } from '../engine/model.js';
import { isEngineError } from '../engine/model.js';
import { isRegistryError } from '../secrets/registry-errors.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import { locationPrefix } from './image-location.js';
import { normalTag } from './image-references.js';
import type { Plan } from './plan-types.js';
import type { DeployStores } from './ports.js';

/** The credentials for pulling a reference (the operator's docker login); undefined: anonymous. */
export type RegistryAuthFor = (reference: string, signal?: AbortSignal) => Promise<RegistryAuth | undefined>;

type PullStep = Plan['pulls'][number];

interface PullDeps {
  readonly engine: Engine;
  readonly store: Pick<DeployStores, 'imagePulls' | 'stackImages'>;
  readonly signal?: AbortSignal;
  readonly registryAuth?: RegistryAuthFor;
  /** Masks the stack's secret values in what is recorded (an image reference built from `.env`). */
  readonly mask?: (text: string) => string;
  /** `file:line:col` of a service's `image:` key: a failed pull says where the image is written. */
  readonly imageAt?: (service: string) => string | undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One pull: the image's id, or a DeployError saying what failed and what to do. */
async function pullOne(deps: PullDeps, step: PullStep, on: (e: Omit<DeployEvent, 'service'>) => void) {
  const { image } = step;
  const who = step.services.join(', ');
  const at = locationPrefix(step.services.map((s) => deps.imageAt?.(s)));
  let auth: RegistryAuth | undefined;
  try {
    auth = await deps.registryAuth?.(image, deps.signal);
  } catch (error: unknown) {
    if (deps.signal?.aborted) throw error;
    const code = isRegistryError(error) ? ` (${error.code})` : '';
    throw new DeployError(
      'DEPLOY_PULL_FAILED',
      `${at}pulling ${image} (${who}) failed: its registry credentials could not be read${code}: ${messageOf(error)}`,
      `${isRegistryError(error) ? `${error.hint}; then` : 'fix the docker config named above, then'} run again. Nothing was changed`,
    );
  }
  // What the reference named before: a pull that brings nothing new put nothing of Berth's there.
  const before = await deps.engine.images.inspect(image).then(
    (info) => info.id,
    () => undefined,
  );
  let imageId = '';
  try {
    for await (const event of deps.engine.images.pull({
      reference: image,
      ...(step.platform ? { platform: step.platform } : {}),
      ...(auth ? { auth } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    })) {
      if (event.type === 'progress') on({ type: 'output', message: event.line });
      else imageId = event.imageId;
    }
  } catch (error: unknown) {
    if (deps.signal?.aborted) throw error;
    // The engine's hint says what its answer means (denied, no such tag, unreachable, plain HTTP).
    const engineHint = isEngineError(error) && error.hint ? `${error.hint}. ` : '';
    const login = auth ? '' : ' (no credentials were found for this registry)';
    throw new DeployError(
      'DEPLOY_PULL_FAILED',
      `${at}pulling ${image} (${who}) failed: ${messageOf(error)}`,
      `${engineHint}Credentials are the docker login of the user running Berth${login}; or load the image on the engine and set \`pull_policy: never\`. Nothing was changed`,
    );
  }
  return { imageId, before };
}

/**
 * Pulls the plan's images one after the other, before anything of the stack changes: a required pull
 * that fails stops the deploy with nothing changed; a periodic refresh of an image the engine has
 * (not `required`) that fails is reported and the deploy goes on with that image. Each pull is
 * recorded (the periodic policies count from it). `pulling …`, `pulled …` go out as `pull` events,
 * which every role reads; the registry's progress lines as `output` events (the stack's operators).
 */
export async function pullImages(deps: PullDeps, plan: Plan, emit: (e: DeployEvent) => void): Promise<void> {
  for (const step of plan.pulls) {
    const { image, services } = step;
    const service = services.length === 1 ? services[0] : undefined;
    const on = (e: Omit<DeployEvent, 'service'>) => emit(service === undefined ? e : { ...e, service });
    on({ type: 'pull', message: `pulling ${image} for ${services.join(', ')}: ${step.reasons.join('; ')}` });
    let imageId: string;
    let before: string | undefined;
    try {
      ({ imageId, before } = await pullOne(deps, step, on));
    } catch (error: unknown) {
      if (step.required || deps.signal?.aborted) throw error;
      on({
        type: 'pull',
        message: `${messageOf(error)}; deploying the ${image} the engine has (the next deploy tries again)`,
      });
      continue;
    }
    // Recorded as the engine names the image: every spelling of it counts from this pull.
    deps.store.imagePulls.record(normalTag(image), imageId);
    // What Berth put on the engine for the stack: image pruning may remove it once it is old. An
    // image the engine had already under this reference is Berth's only if Berth put it there before.
    const brought = imageId !== before || deps.store.stackImages.holders(imageId).length > 0;
    const reference = (deps.mask ?? ((t: string) => t))(image);
    if (imageId && brought)
      for (const s of services)
        deps.store.stackImages.record({
          stack: plan.stack,
          service: s,
          imageId,
          reference,
          origin: 'pull',
        });
    on({ type: 'pull', message: `pulled ${image}${imageId ? ` (${shortImageId(imageId)})` : ''}` });
  }
}
