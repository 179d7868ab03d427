import type { Engine, RegistryAuth } from '../engine/model.js';
import { isRegistryError } from '../secrets/registry-errors.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';

/** The credentials for pulling a reference (the operator's docker login); undefined: anonymous. */
export type RegistryAuthFor = (reference: string) => Promise<RegistryAuth | undefined>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Pulls the plan's images one after the other, before anything of the stack changes: a pull that
 * fails stops the deploy with nothing changed. `pulling …` and `pulled …` go out as `pull` events,
 * which every role reads; the registry's progress lines as `output` events (the stack's operators).
 */
export async function pullImages(
  deps: { readonly engine: Engine; readonly signal?: AbortSignal; readonly registryAuth?: RegistryAuthFor },
  plan: Plan,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  for (const step of plan.pulls) {
    const { image, services } = step;
    const service = services.length === 1 ? services[0] : undefined;
    const who = services.join(', ');
    const on = (e: Omit<DeployEvent, 'service'>) => emit(service === undefined ? e : { ...e, service });
    on({ type: 'pull', message: `pulling ${image} for ${who}: ${step.reasons.join('; ')}` });
    let auth: RegistryAuth | undefined;
    try {
      auth = await deps.registryAuth?.(image);
    } catch (error: unknown) {
      const code = isRegistryError(error) ? ` (${error.code})` : '';
      throw new DeployError(
        'DEPLOY_PULL_FAILED',
        `pulling ${image} (${who}) failed: its registry credentials could not be read${code}: ${messageOf(error)}`,
        `${isRegistryError(error) ? `${error.hint}; then` : 'fix the docker config named above, then'} run again. Nothing was changed`,
      );
    }
    let imageId: string | undefined;
    try {
      for await (const event of deps.engine.images.pull({
        reference: image,
        ...(auth ? { auth } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      })) {
        if (event.type === 'progress') on({ type: 'output', message: event.line });
        else imageId = event.imageId;
      }
    } catch (error: unknown) {
      if (deps.signal?.aborted) throw error;
      throw new DeployError(
        'DEPLOY_PULL_FAILED',
        `pulling ${image} (${who}) failed: ${messageOf(error)}`,
        `check the reference, that the engine's host reaches the registry, and its credentials (\`docker login\` as the user running Berth${auth ? '' : '; none were found for this registry'}); or load the image on the engine and set \`pull_policy: never\`. Nothing was changed`,
      );
    }
    on({ type: 'pull', message: `pulled ${image}${imageId ? ` (${imageId.slice(7, 19)})` : ''}` });
  }
}
