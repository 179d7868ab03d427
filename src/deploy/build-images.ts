import { BerthLabel, type Engine, MANAGED_VALUE } from '../engine/model.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';
import type { DeployStores } from './ports.js';

/**
 * Builds the plan's images one after the other. Progress (`building …`, `built …`) goes out as
 * `build` events, which every role reads; each line the build printed as an `output` event, which,
 * like logs, only the stack's operators read: a RUN step may print a build argument or a value it
 * derived from one (base64 of a token), which no masking can recognize.
 */
export async function buildImages(
  deps: {
    readonly engine: Engine;
    readonly store: Pick<DeployStores, 'stackImages'>;
    readonly signal?: AbortSignal;
    /** Masks the stack's secret values in what is recorded (an image name built from `.env`). */
    readonly mask?: (text: string) => string;
  },
  plan: Plan,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  for (const step of plan.builds) {
    const { service, request } = step;
    emit({ type: 'build', service, message: `building ${request.tag}: ${step.reasons.join('; ')}` });
    try {
      for await (const event of deps.engine.images.build({
        contextDir: request.contextDir,
        tag: request.tag,
        args: request.args,
        ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
        ...(request.target ? { target: request.target } : {}),
        ...(request.platform ? { platform: request.platform } : {}),
        ...(request.noCache ? { noCache: true } : {}),
        // Berth's, like everything it creates: `docker images --filter label=dev.berth.stack=…`.
        labels: {
          [BerthLabel.Managed]: MANAGED_VALUE,
          [BerthLabel.Stack]: plan.stack,
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
    // What Berth put on the engine for the stack: image pruning may remove it once it is old. The
    // full id, as containers and inspections name it (an engine without `aux` prints a short one).
    const imageId = await deps.engine.images.inspect(request.tag).then(
      (info) => info.id,
      () => undefined,
    );
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
