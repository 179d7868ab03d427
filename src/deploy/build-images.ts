import type { Engine } from '../engine/model.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';

/** Builds the plan's images one after the other, reporting each build's log lines as `build` events. */
export async function buildImages(
  deps: { readonly engine: Engine; readonly signal?: AbortSignal },
  plan: Plan,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  for (const step of plan.builds) {
    emit({
      type: 'build',
      service: step.service,
      message: `building ${step.request.tag}: ${step.reasons.join('; ')}`,
    });
    let last: string[] = [];
    try {
      for await (const event of deps.engine.images.build({
        contextDir: step.request.contextDir,
        tag: step.request.tag,
        args: step.request.args,
        ...(step.request.dockerfile ? { dockerfile: step.request.dockerfile } : {}),
        ...(step.request.target ? { target: step.request.target } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      })) {
        if (event.type === 'log' && event.line.trim()) {
          last = [...last.slice(-19), event.line];
          emit({ type: 'build', service: step.service, message: event.line });
        }
      }
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      throw new DeployError(
        'DEPLOY_BUILD_FAILED',
        `building ${step.service} (${step.request.tag}) failed: ${message}`,
        `fix the Dockerfile in ${step.request.contextDir}; last lines:\n${last.join('\n')}`,
      );
    }
  }
}
