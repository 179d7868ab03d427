import { PlanSchema, type PlanView } from '../api/deploy.js';
import type { Sendable } from '../api/wire.js';
import type { JsonValue } from '../store/index.js';

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

function redactSteps<S extends object>(steps: readonly S[]): S[] {
  return steps.map((step) => {
    const out = { ...step } as Record<string, unknown>;
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
export function redactPlan(plan: Sendable<PlanView>): Sendable<PlanView> {
  return {
    ...plan,
    builds: redactSteps(plan.builds),
    services: plan.services.map((s) => ({ ...s, steps: redactSteps(s.steps) })),
  };
}

/** The same for a stored plan (plain JSON read back from a deployment record); anything else as it is. */
export function redactStoredPlan(plan: JsonValue): unknown {
  const parsed = PlanSchema.safeParse(plan);
  return parsed.success ? redactPlan(parsed.data) : plan;
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
 * A compose view (`berth config`) as the API shows it: every environment value, build argument and
 * inline secret or config `content` is REDACTED, whatever its name; names and structure stay.
 */
export function redactComposeView(view: View): View {
  const out: View = { ...view };
  if (isObject(view.services)) {
    out.services = Object.fromEntries(
      Object.entries(view.services).map(([name, service]) => {
        if (!isObject(service)) return [name, service];
        const s: View = { ...service };
        if (s.environment !== undefined) s.environment = hideAll(s.environment);
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
