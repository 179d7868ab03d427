import { BerthLabel, type Engine, MANAGED_VALUE } from '../engine/model.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';
import { parsePlatform, platformMismatch, platformOf } from './platform.js';
import type { DeployStores } from './ports.js';

/** What building needs: the engine, where Berth records the images it built, a stop signal. */
type BuildDeps = {
  readonly engine: Engine;
  readonly store: Pick<DeployStores, 'stackImages'>;
  readonly signal?: AbortSignal;
  /** Masks the stack's secret values in what is recorded (an image name built from `.env`). */
  readonly mask?: (text: string) => string;
};
type BuildStep = Plan['builds'][number];

/** One build through the engine, its output lines as `output` events; a failure is DEPLOY_BUILD_FAILED. */
async function build(
  deps: BuildDeps,
  stack: string,
  step: BuildStep,
  noCache: boolean,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  const { service, request } = step;
  try {
    for await (const event of deps.engine.images.build({
      contextDir: request.contextDir,
      tag: request.tag,
      args: request.args,
      ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
      ...(request.target ? { target: request.target } : {}),
      ...(request.platform ? { platform: request.platform } : {}),
      ...(noCache ? { noCache: true } : {}),
      // Berth's, like everything it creates: `docker images --filter label=dev.berth.stack=…`.
      labels: {
        [BerthLabel.Managed]: MANAGED_VALUE,
        [BerthLabel.Stack]: stack,
        [BerthLabel.Service]: service,
      },
      ...(deps.signal ? { signal: deps.signal } : {}),
    })) {
      if (event.type === 'log' && event.line.trim()) emit({ type: 'output', service, message: event.line });
    }
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    // The build's output is not repeated here: an operation's error is read by every role (and
    // logged by the server). Operators have it as the operation's `output` events.
    throw new DeployError(
      'DEPLOY_BUILD_FAILED',
      `building ${service} (${request.tag}) failed: ${message}`,
      `fix the Dockerfile in ${request.contextDir}; the build's output is in the operation's output events (operators: \`berth up\` shows it as it builds)`,
    );
  }
}

/** The built image, and how its platform differs from the service's when the engine would refuse it. */
async function inspectBuilt(deps: BuildDeps, request: BuildStep['request']) {
  const info = await deps.engine.images.inspect(request.tag).catch(() => undefined);
  // A platform naming only the OS is built for the engine's own: nothing to compare it with.
  if (info?.os === undefined || parsePlatform(request.platform ?? '')?.architecture === undefined)
    return { info };
  const other = platformMismatch(request.platform, platformOf(info.os, info.architecture, info.variant));
  return other === undefined ? { info } : { info, other };
}

/**
 * Builds the plan's images one after the other. Progress (`building …`, `built …`) goes out as
 * `build` events, which every role reads; each line the build printed as an `output` event, which,
 * like logs, only the stack's operators read: a RUN step may print a build argument or a value it
 * derived from one (base64 of a token), which no masking can recognize. An image that comes out for
 * another platform than the service's is built once more without the cache (the legacy builder
 * reuses steps built for another platform); if it still does, the deploy stops with
 * DEPLOY_BUILD_FAILED instead of creating containers the engine refuses.
 */
export async function buildImages(
  deps: BuildDeps,
  plan: Plan,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  for (const step of plan.builds) {
    const { service, request } = step;
    emit({ type: 'build', service, message: `building ${request.tag}: ${step.reasons.join('; ')}` });
    await build(deps, plan.stack, step, request.noCache === true, emit);
    let built = await inspectBuilt(deps, request);
    if (built.other !== undefined && request.noCache !== true) {
      emit({
        type: 'build',
        service,
        message: `built ${request.tag} for ${built.other.has}, not the service's platform ${built.other.wanted}: building again without the cache`,
      });
      await build(deps, plan.stack, step, true, emit);
      built = await inspectBuilt(deps, request);
    }
    if (built.other !== undefined)
      throw new DeployError(
        'DEPLOY_BUILD_FAILED',
        `building ${service} (${request.tag}) gave an image for ${built.other.has}, but the service's platform is ${built.other.wanted}`,
        `the engine would refuse to run it: base the Dockerfile in ${request.contextDir} on an image for ${built.other.wanted} (or one with several platforms), or change \`platform:\``,
      );
    // What Berth put on the engine for the stack: image pruning may remove it once it is old. The
    // full id, as containers and inspections name it (an engine without `aux` prints a short one).
    const imageId = built.info?.id;
    if (imageId)
      deps.store.stackImages.record({
        stack: plan.stack,
        service,
        imageId,
        reference: (deps.mask ?? ((t: string) => t))(request.tag),
        origin: 'build',
      });
    emit({ type: 'build', service, message: `built ${request.tag}` });
  }
}
