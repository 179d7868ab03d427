import type { Engine } from '../engine/model.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';

/**
 * Builds the plan's images one after the other. Progress (`building …`, `built …`) goes out as
 * `build` events, which every role reads; each line the build printed as an `output` event, which,
 * like logs, only the stack's operators read: a RUN step may print a build argument or a value it
 * derived from one (base64 of a token), which no masking can recognize.
 */
export async function buildImages(
  deps: { readonly engine: Engine; readonly signal?: AbortSignal },
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
    emit({ type: 'build', service, message: `built ${request.tag}` });
  }
}
