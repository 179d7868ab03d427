import { z } from 'zod';
import { formatDuration } from '../compose/schema/units.js';
import type { XBerthSection } from '../compose/xberth/registry.js';
import { durationSchema as duration } from '../compose/xberth/values.js';

/** The probe interval's bounds: fast enough to matter, slow enough never to flood the engine. */
export const PROBE_INTERVAL_MIN_MS = 50;
export const PROBE_INTERVAL_MAX_MS = 60_000;

const probeInterval = duration.transform((ms, ctx) => {
  if (ms >= PROBE_INTERVAL_MIN_MS && ms <= PROBE_INTERVAL_MAX_MS) return ms;
  ctx.addIssue({
    code: 'custom',
    message: `probe_interval ${formatDuration(ms)} is out of range`,
    params: {
      hint: `use a duration from ${formatDuration(PROBE_INTERVAL_MIN_MS)} to ${formatDuration(PROBE_INTERVAL_MAX_MS)}, like 250ms or 1s`,
    },
  });
  return z.NEVER;
});

/**
 * `x-berth.deploy`: how Berth decides that a deploy worked. At the stack level it sets the
 * defaults; at the service level it overrides them for that service (except `rollback`).
 */
export const DeploySettingsSchema = z.strictObject({
  /** How long a changed service may take to pass its health gate before the deploy fails. */
  health_timeout: duration.optional(),
  /** For services without a healthcheck: how long they must run without restarting. */
  stable_window: duration.optional(),
  /**
   * How often, at first, Berth runs the service's own healthcheck itself while a deploy waits for
   * it (backing off as the wait grows longer).
   */
  probe_interval: probeInterval.optional(),
  /** `auto` restores the previous containers when the deploy fails; `manual` leaves the failure for inspection. */
  rollback: z.enum(['auto', 'manual']).optional(),
});
export type DeploySettings = z.output<typeof DeploySettingsSchema>;

export const DEPLOY_DEFAULTS = {
  health_timeout: 120_000,
  stable_window: 10_000,
  probe_interval: 250,
  rollback: 'auto',
} as const;

const ServiceDeploySettingsSchema = DeploySettingsSchema.omit({ rollback: true });

/** The condition that ends an install phase: exactly one of a file, an HTTP answer or a command. */
const InstallUntilSchema = z.union([
  z.strictObject({ file: z.string().startsWith('/', 'a path inside the container, starting with /') }),
  z.strictObject({
    http: z.strictObject({
      port: z.coerce.number().int().min(1).max(65535),
      path: z.string().startsWith('/').default('/'),
      status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).default(200),
    }),
  }),
  z.strictObject({ command: z.array(z.string().min(1)).min(1) }),
]);

/**
 * `x-berth.install` (service level): environment that applies only until the service is installed,
 * e.g. Mautic's `MAUTIC_INSTALL_FORCE=1`, which must be removed once the install has run.
 * When `until` holds, Berth removes `env` and recreates the service, once; it is never re-applied.
 */
export const InstallSchema = z.strictObject({
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
  until: InstallUntilSchema,
  timeout: duration.default(600_000),
});
export type InstallSettings = z.output<typeof InstallSchema>;

export const deploySection: XBerthSection = {
  key: 'deploy',
  stack: DeploySettingsSchema,
  service: ServiceDeploySettingsSchema,
  summary: `health gate and rollback: health_timeout (default ${formatDuration(DEPLOY_DEFAULTS.health_timeout)}), stable_window (default ${formatDuration(DEPLOY_DEFAULTS.stable_window)}), probe_interval (default ${formatDuration(DEPLOY_DEFAULTS.probe_interval)}), rollback: auto|manual (stack level only)`,
};

export const installSection: XBerthSection = {
  key: 'install',
  service: InstallSchema,
  summary: 'install-phase environment and the condition (file, http or command) that ends it',
};

/**
 * `x-berth.images` (stack level): how many deployed versions of each service's image stay on the
 * engine (the one running counts; the others are what a redeploy of an earlier version needs), and
 * whether a deploy that succeeded removes the older ones itself (`after-deploy`) or only `berth
 * images prune` does (`manual`). Only images Berth pulled or built for the stack are ever removed.
 */
const keepCount = z.unknown().transform((value, ctx) => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100) return value;
  ctx.addIssue({
    code: 'custom',
    message: `keep must be a whole number from 1 to 100, not ${JSON.stringify(value)}`,
    params: {
      hint: 'e.g. keep: 3 (the deployed versions of each service kept on the engine, the running one included)',
    },
  });
  return z.NEVER;
});

export const ImageSettingsSchema = z.strictObject({
  keep: keepCount.optional(),
  prune: z.enum(['after-deploy', 'manual']).optional(),
});
export type ImageSettings = Required<z.output<typeof ImageSettingsSchema>>;

export const IMAGE_DEFAULTS: ImageSettings = { keep: 3, prune: 'after-deploy' };

export const imagesSection: XBerthSection = {
  key: 'images',
  stack: ImageSettingsSchema,
  summary: `image retention: keep (deployed versions per service, default ${IMAGE_DEFAULTS.keep}), prune: after-deploy|manual (default ${IMAGE_DEFAULTS.prune})`,
};

/** The stack's image retention, defaults applied (the values were validated when the stack loaded). */
export function imageSettings(stackXBerth: Readonly<Record<string, unknown>>): ImageSettings {
  const own = ImageSettingsSchema.safeParse(stackXBerth.images ?? {});
  return { ...IMAGE_DEFAULTS, ...(own.success ? own.data : {}) };
}

/** The x-berth sections of the deploy capability. */
export const DEPLOY_XBERTH_SECTIONS: readonly XBerthSection[] = [
  deploySection,
  installSection,
  imagesSection,
];
