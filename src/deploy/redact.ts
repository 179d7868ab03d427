import { PlanSchema, type PlanView } from '../api/deploy.js';
import type { Sendable } from '../api/wire.js';
import { everySensitiveValue } from '../compose/sensitive.js';
import type { LoadedStack } from '../compose/stack.js';
import { composeView } from '../compose/view.js';
import { FINGERPRINT } from '../secrets/fingerprint.js';
import { maskStrings, valueMasker } from '../secrets/mask.js';
import type { JsonValue } from '../store/index.js';
import type { Plan } from './plan-types.js';

/** What stands in for a value that may be secret, in anything the API sends or logs. */
export const REDACTED = '[redacted]';

const redactValues = (values: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]));

/**
 * specDiff explains a changed variable whose name does not look secret with both values
 * (`env DB_URL changed: a → b`); a URL or DSN carries passwords under such names.
 */
const ENV_CHANGE = /^env (\S+) changed: /;
const redactReason = (reason: unknown): unknown => {
  const name = typeof reason === 'string' ? ENV_CHANGE.exec(reason)?.[1] : undefined;
  return name === undefined ? reason : `env ${name} changed (value hidden)`;
};

/** What a plan shows of environment values: `[redacted]` (viewers), or as masked by value (operators). */
export interface PlanRedaction {
  /**
   * Show environment values and the values in `env X changed: a → b` as the plan has them: values
   * from `.env`, env files and secret-looking variables are already masked there, as `--local plan`
   * shows them. For callers who may read the stack's environment anyway (operators: exec, logs).
   */
  readonly envValues?: boolean;
}

function redactSteps<S extends object>(steps: readonly S[], options: PlanRedaction = {}): S[] {
  return steps.map((step) => {
    const out = { ...step } as Record<string, unknown>;
    if (options.envValues) {
      // Build arguments stay hidden: an operator reads the environment through exec, never these.
      const request = out.request as { args?: Record<string, string> } | undefined;
      if (request?.args) out.request = { ...request, args: redactValues(request.args) };
      return out as S;
    }
    if (Array.isArray(out.reasons)) out.reasons = out.reasons.map(redactReason);
    const spec = out.spec as { env?: Record<string, string> } | undefined;
    if (spec?.env) out.spec = { ...spec, env: redactValues(spec.env) };
    const request = out.request as { args?: Record<string, string> } | undefined;
    if (request?.args) out.request = { ...request, args: redactValues(request.args) };
    return out as S;
  });
}

/**
 * A plan as the API shows it: environment values and build arguments are replaced by REDACTED
 * (their names stay), since any of them may be a password; so are the values in the reasons.
 */
export function redactPlan(plan: Sendable<PlanView>, options: PlanRedaction = {}): Sendable<PlanView> {
  return {
    ...plan,
    builds: redactSteps(plan.builds, options),
    services: plan.services.map((s) => ({ ...s, steps: redactSteps(s.steps, options) })),
  };
}

/** The same for a stored plan (plain JSON read back from a deployment record); anything else as it is. */
export function redactStoredPlan(plan: JsonValue, options: PlanRedaction = {}): unknown {
  const parsed = PlanSchema.safeParse(plan);
  return parsed.success ? redactPlan(parsed.data, options) : plan;
}

/**
 * Masks (MASK) every value of the stack that must never be shown, in any text: its `.env` (or env
 * files), each service's env files, and secret-looking variables. Every service's values, since one
 * service's output may quote another's password (a connection string).
 */
export function stackMasker(loaded: Pick<LoadedStack, 'sensitive'>): (text: string) => string {
  return valueMasker(everySensitiveValue(loaded.sensitive));
}

/**
 * Keys whose values name Berth's own objects or enums (the stack, a service, a container, a step's
 * kind, a failure's reason code): never masked, so a `.env` value such as `shop` or `start` that
 * happens to equal one of them does not garble what the reader relies on.
 */
const NAMES: ReadonlySet<string> = new Set([
  'stack',
  'service',
  'kind',
  'strategy',
  'name',
  'id',
  'container',
  'code',
  'reason',
  'backup',
  // A failed deploy's outcome and alert hint (its key is made of the stack's and service's names).
  'outcome',
  'alert',
]);

/** A deploy event (or any event of that shape) with the values of `mask` hidden in its message and data. */
export function maskEvent<E extends { readonly message: string; readonly data?: unknown }>(
  event: E,
  mask: (text: string) => string,
): E {
  return {
    ...event,
    message: mask(event.message),
    ...(event.data !== undefined ? { data: maskStrings(event.data, mask, NAMES) } : {}),
  };
}

/** Why a service failed, with the values of `mask` hidden in its detail, log tail and health output. */
export function maskFailure<
  F extends { readonly detail: string; readonly logTail: readonly string[]; readonly healthOutput?: string },
>(failure: F, mask: (text: string) => string): F {
  return {
    ...failure,
    detail: mask(failure.detail),
    logTail: failure.logTail.map(mask),
    ...(failure.healthOutput !== undefined ? { healthOutput: mask(failure.healthOutput) } : {}),
  };
}

/**
 * A reason quoting a secret (`labels changed: {…} → {…}`, `healthcheck … → …`) is shown by its field
 * only: the old side may hold a previous secret that is no longer among the values to mask, or the
 * fingerprint that stands for it in the applied record.
 */
function hideReason(reason: unknown, mask: (text: string) => string): unknown {
  if (typeof reason !== 'string' || (mask(reason) === reason && !FINGERPRINT.test(reason))) return reason;
  const field = /^(env \S+|\S+)/.exec(reason)?.[1] ?? 'value';
  return `${field} changed (value hidden)`;
}

/**
 * A reason as a deploy's events show it (`recreate replica 1: …`). A record of this Berth holds
 * fingerprints, so a changed secret reads `[secret 7d44…] → [secret 2626…]` (salted, never the
 * value: the two sides tell whether it changed) and is kept. A reason quoting a current secret in
 * clear compared with a record written before fingerprints: its old side may hold a previous
 * secret no mask knows any more, so only its field is shown.
 */
export function eventReason(reason: string, mask: (text: string) => string): string {
  if (mask(reason) === reason) return reason;
  return `${/^(env \S+|\S+)/.exec(reason)?.[1] ?? 'value'} changed (value hidden)`;
}

/** The plan a deploy applies, its reasons as its events show them (eventReason); specs untouched. */
export function withEventReasons<P extends Plan>(plan: P, mask: (text: string) => string): P {
  return {
    ...plan,
    services: plan.services.map((s) => ({
      ...s,
      steps: s.steps.map((step) => ({ ...step, reasons: step.reasons.map((r) => eventReason(r, mask)) })),
    })),
  };
}

/**
 * A plan (or a stored one) with every value of `mask` hidden wherever it appears (labels, command,
 * healthcheck, image, reasons…), by value rather than by field; redactPlan still applies on top.
 */
export function maskPlan<P>(plan: P, mask: (text: string) => string): P {
  if (typeof plan !== 'object' || plan === null) return plan;
  const p = plan as Record<string, unknown>;
  const steps = (list: unknown): unknown =>
    Array.isArray(list)
      ? list.map((step: unknown) => {
          const s = step as { reasons?: unknown };
          return typeof step === 'object' && step !== null && Array.isArray(s.reasons)
            ? { ...step, reasons: s.reasons.map((r: unknown) => hideReason(r, mask)) }
            : step;
        })
      : list;
  const out: Record<string, unknown> = { ...p };
  // A pull's reasons name the image and the policy, no field change: masked by value like the rest.
  if (p.builds !== undefined) out.builds = steps(p.builds);
  if (p.removals !== undefined) out.removals = steps(p.removals);
  if (Array.isArray(p.services)) {
    out.services = p.services.map((s: unknown) => {
      const service = s as { steps?: unknown };
      return typeof s === 'object' && s !== null && service.steps !== undefined
        ? { ...s, steps: steps(service.steps) }
        : s;
    });
  }
  return maskStrings(out, mask, NAMES) as P;
}

/** A compose view (`berth config`) with the values of `mask` hidden in every field; names stay. */
export function maskComposeView<V>(view: V, mask: (text: string) => string): V {
  return maskStrings(view, mask, NAMES);
}

/**
 * A stack's compose view as Berth shows it, in `GET …/config` and `berth config` alike: values of
 * secret-looking keys, and every secret value wherever it landed (a label, a URL, a healthcheck),
 * masked. `reveal` (the local CLI's `--reveal`) shows the model as loaded.
 */
export function shownComposeView(loaded: LoadedStack, options: { reveal?: boolean } = {}) {
  if (options.reveal) return composeView(loaded, { reveal: true });
  return maskComposeView(composeView(loaded), stackMasker(loaded));
}

type View = Record<string, unknown>;
const isObject = (v: unknown): v is View => typeof v === 'object' && v !== null && !Array.isArray(v);
const hideAll = (values: unknown): unknown =>
  isObject(values)
    ? Object.fromEntries(Object.keys(values).map((k) => [k, values[k] === null ? null : REDACTED]))
    : Array.isArray(values)
      ? values.map((v) =>
          typeof v === 'string' && v.includes('=') ? `${v.slice(0, v.indexOf('='))}=${REDACTED}` : v,
        )
      : values;

/**
 * A compose view (`berth config`) as the API shows it: every build argument and inline secret or
 * config `content` is REDACTED, whatever its name, and so is every environment value unless
 * `envValues` (an operator of the stack, who sees them as `berth --local config` shows them: the view
 * is already masked by value); names and structure stay.
 */
export function redactComposeView(view: View, options: PlanRedaction = {}): View {
  const out: View = { ...view };
  if (isObject(view.services)) {
    out.services = Object.fromEntries(
      Object.entries(view.services).map(([name, service]) => {
        if (!isObject(service)) return [name, service];
        const s: View = { ...service };
        if (s.environment !== undefined && !options.envValues) s.environment = hideAll(s.environment);
        if (isObject(s.build) && s.build.args !== undefined)
          s.build = { ...s.build, args: hideAll(s.build.args) };
        return [name, s];
      }),
    );
  }
  for (const key of ['secrets', 'configs'] as const) {
    const entries = view[key];
    if (!isObject(entries)) continue;
    out[key] = Object.fromEntries(
      Object.entries(entries).map(([name, e]) =>
        isObject(e) && e.content !== undefined ? [name, { ...e, content: REDACTED }] : [name, e],
      ),
    );
  }
  return out;
}
