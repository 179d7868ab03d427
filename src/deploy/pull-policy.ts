import type { PlanProblem } from './plan-types.js';
import type { PlatformMismatch } from './platform.js';

// When a deploy pulls a service's image: compose's `pull_policy`, decided from what the engine has.
// Pure: the caller inspected the images (present or not) and read when Berth last pulled each.

const UNIT_MS: Readonly<Record<string, number>> = {
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
};

/**
 * How old an image may get before `daily`, `weekly` or `every_<n><unit>…` (e.g. `every_12h`,
 * `every_1w2d`) pulls it again, in ms; undefined for every other policy. An interval of 0
 * (`every_0s`) pulls on every deploy, like `always`.
 */
export function refreshInterval(policy: string | undefined): number | undefined {
  if (policy === 'daily') return UNIT_MS.d;
  if (policy === 'weekly') return UNIT_MS.w;
  const every = policy === undefined ? null : /^every_((?:[0-9]+[wdhms])+)$/.exec(policy);
  if (!every?.[1]) return undefined;
  let total = 0;
  for (const [, amount, unit] of every[1].matchAll(/([0-9]+)([wdhms])/g))
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}

export interface PullInput {
  readonly service: string;
  readonly image: string;
  /** `services.<name>.pull_policy`; absent: `missing`. */
  readonly policy?: string;
  /** The service has a `build:` section (its image is built, not pulled). */
  readonly hasBuild: boolean;
  /** The engine has the image under this reference. */
  readonly present: boolean;
  /** The image the engine has is for another platform than the service's `platform:` (both as Docker writes them). */
  readonly otherPlatform?: PlatformMismatch;
  /** When a deploy last pulled it (Berth's record), ISO 8601; absent: no record. */
  readonly lastPulled?: string;
}

export type PullDecision =
  | { readonly kind: 'none' }
  /** `required`: a failed pull stops the deploy; otherwise the image the engine has is deployed. */
  | { readonly kind: 'pull'; readonly reason: string; readonly required: boolean }
  | { readonly kind: 'problem'; readonly problem: PlanProblem };

const NONE: PullDecision = { kind: 'none' };

function ago(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.floor(hours / 24)} days ago`;
  if (hours >= 1) return `${Math.floor(hours)} h ago`;
  return `${Math.max(0, Math.floor(ms / 60_000))} min ago`;
}

/**
 * Whether the deploy pulls `image` first. `missing` (and `if_not_present`, and no policy): only when
 * the engine lacks it. `always` and `refresh`: on every deploy (a pull that finds the same digest
 * changes nothing). `daily`, `weekly`, `every_…`: when it is missing or Berth last pulled it longer
 * ago than the interval (or has no record of pulling it); such a refresh is not `required`: when it
 * fails, the deploy goes on with the image the engine has. `never`: a missing image is a problem. With
 * `build:`, the image is built, never pulled (`berth up --build` and `pull_policy: build` rebuild).
 */
export function pullDecision(input: PullInput, now: number): PullDecision {
  const { service, image, policy, present } = input;
  if (input.hasBuild) return NONE;
  if (policy === 'build') {
    return {
      kind: 'problem',
      problem: {
        code: 'BUILD_MISSING',
        message: `service ${service}: pull_policy: build, but the service has no \`build:\` section`,
        hint: `add \`build:\` (the folder with the Dockerfile) to build ${image}, or choose another pull_policy`,
      },
    };
  }
  const other = present ? input.otherPlatform : undefined;
  if (policy === 'never') {
    if (present && other !== undefined)
      return {
        kind: 'problem',
        problem: {
          code: 'IMAGE_PLATFORM',
          message: `service ${service}: image ${image} on the engine is for ${other.has}, the service's platform is ${other.wanted}, and its pull_policy is never`,
          hint: `load or build ${image} for ${other.wanted} on this engine, or remove \`pull_policy: never\` so that Berth pulls it`,
        },
      };
    if (present) return NONE;
    return {
      kind: 'problem',
      problem: {
        code: 'IMAGE_MISSING',
        message: `service ${service}: image ${image} is not on the engine, and its pull_policy is never`,
        hint: 'load or build it on this engine first (docker load / docker build), or remove `pull_policy: never` so that Berth pulls it',
      },
    };
  }
  if (!present) return { kind: 'pull', reason: `image ${image} is not on the engine`, required: true };
  if (other !== undefined)
    return {
      kind: 'pull',
      reason: `image ${image} on the engine is for ${other.has}, the service's platform is ${other.wanted}`,
      required: true,
    };
  if (policy === 'always' || policy === 'refresh')
    return { kind: 'pull', reason: `pull_policy: ${policy}`, required: true };
  const interval = refreshInterval(policy);
  if (interval === undefined) return NONE;
  const pulled = input.lastPulled === undefined ? Number.NaN : Date.parse(input.lastPulled);
  if (Number.isNaN(pulled))
    return {
      kind: 'pull',
      reason: `pull_policy: ${policy}, and Berth has no record of pulling ${image}`,
      required: false,
    };
  const age = now - pulled;
  if (age < interval) return NONE;
  return {
    kind: 'pull',
    reason: `pull_policy: ${policy}: Berth last pulled ${image} ${ago(age)}`,
    required: false,
  };
}
