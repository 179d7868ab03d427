import { z } from 'zod';
import type { XBerthSection } from '../compose/xberth/registry.js';
import { ACROSS_FIELDS, soundFields } from '../compose/xberth/values.js';
import { isTimeZone, parseSchedule, type Schedule } from '../jobs/schedule.js';

/** What a backup holds, and so how it is taken, restored and drilled. */
export const BACKUP_KINDS = ['mariadb', 'mysql', 'postgres', 'sqlite', 'redis', 'volume'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

const RetainSchema = z.strictObject({
  last: z.number().int().min(0).max(1000).optional(),
  daily: z.number().int().min(0).max(1000).optional(),
  weekly: z.number().int().min(0).max(1000).optional(),
  monthly: z.number().int().min(0).max(1000).optional(),
});
export type Retain = z.output<typeof RetainSchema>;

/** Seven days, as the runbooks ask, when a policy says nothing. */
export const DEFAULT_RETAIN: Retain = { daily: 7 };

const common = {
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  retain: RetainSchema.optional(),
  /** `after-each`: every backup is drilled once taken; a schedule: drills the newest on it. */
  drill: z.string().min(1).optional(),
  store: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .optional(),
};

const ServicePolicySchema = z.strictObject({
  ...common,
  kind: z.enum(BACKUP_KINDS).optional(),
  /** SQL kinds: the databases to dump; default every one the server lists. */
  databases: z.array(z.string().min(1)).min(1).optional(),
  /** sqlite: the database file in the container. */
  path: z.string().startsWith('/', 'a path inside the container, starting with /').optional(),
  /** volume: stop the service while its volumes are copied (consistent files; a short outage). */
  stop_during: z.boolean().optional(),
});

const StackPolicySchema = z.strictObject({
  ...common,
  /** With each backup, the stack's configuration set: compose files, includes, `.env` and env files (encrypted). */
  config: z.boolean().optional(),
});

export type ServicePolicyInput = z.output<typeof ServicePolicySchema>;
export type StackPolicyInput = z.output<typeof StackPolicySchema>;

/**
 * Checks what cannot be checked field by field: schedules and time zones, kind options. It runs when
 * other fields failed too, on the fields that passed their own checks.
 */
function check(
  written: z.output<typeof StackPolicySchema> & Partial<ServicePolicyInput>,
  ctx: z.RefinementCtx,
) {
  const policy = soundFields(written, ctx);
  const fail = (path: string[], message: string, hint: string) =>
    ctx.addIssue({ code: 'custom', path, message, params: { hint } });
  const zone = policy.timezone ?? 'UTC';
  if (!isTimeZone(zone))
    fail(
      ['timezone'],
      `unknown time zone ${JSON.stringify(zone)}`,
      'use an IANA name such as Europe/Berlin, or UTC',
    );
  for (const key of ['schedule', 'drill'] as const) {
    const text = policy[key];
    if (text === undefined || (key === 'drill' && text === 'after-each')) continue;
    const parsed = parseSchedule(text, isTimeZone(zone) ? zone : 'UTC');
    if (!parsed.ok)
      fail([key], parsed.message, key === 'drill' ? `${parsed.hint}; or after-each` : parsed.hint);
  }
  if (policy.path !== undefined && policy.kind !== undefined && policy.kind !== 'sqlite') {
    fail(['path'], '`path` is for kind sqlite', 'remove it, or set kind: sqlite');
  }
  if (policy.kind === 'sqlite' && policy.path === undefined) {
    fail(['path'], 'kind sqlite needs the database file', 'e.g. path: /data/app.db');
  }
  if (
    policy.databases !== undefined &&
    policy.kind !== undefined &&
    !['mariadb', 'mysql', 'postgres'].includes(policy.kind)
  ) {
    fail(['databases'], '`databases` is for the SQL kinds (mariadb, mysql, postgres)', 'remove it');
  }
  if (policy.stop_during !== undefined && policy.kind !== undefined && policy.kind !== 'volume') {
    fail(
      ['stop_during'],
      '`stop_during` is for kind volume',
      'remove it: database dumps are consistent while the service runs',
    );
  }
}

export const backupSection: XBerthSection = {
  key: 'backup',
  stack: StackPolicySchema.superRefine(check, ACROSS_FIELDS),
  service: ServicePolicySchema.superRefine(check, ACROSS_FIELDS),
  summary:
    'backups: kind, schedule, timezone, retain (last/daily/weekly/monthly), drill, store; sqlite path, SQL databases, volume stop_during; stack: config',
};

/** The x-berth sections of the backup capability. */
export const BACKUP_XBERTH_SECTIONS: readonly XBerthSection[] = [backupSection];

/** A service's backup policy with the stack's defaults applied (schedule, drill and retain as parsed). */
export interface BackupPolicy {
  readonly kind?: BackupKind;
  readonly schedule?: Schedule;
  readonly retain: Retain;
  readonly drill: 'after-each' | Schedule | undefined;
  readonly store?: string;
  readonly databases?: readonly string[];
  readonly path?: string;
  readonly stopDuring: boolean;
  readonly config: boolean;
}

const parsed = (text: string | undefined, zone: string) => {
  if (text === undefined) return undefined;
  const r = parseSchedule(text, zone);
  return r.ok ? r.schedule : undefined;
};

/** The service's policy (undefined when it has none), merged over the stack's defaults. */
export function policyOf(
  stack: Readonly<Record<string, unknown>>,
  service: Readonly<Record<string, unknown>> | undefined,
): BackupPolicy | undefined {
  const own = service?.backup as ServicePolicyInput | undefined;
  if (own === undefined) return undefined;
  const defaults = (stack.backup ?? {}) as StackPolicyInput;
  const zone = own.timezone ?? defaults.timezone ?? 'UTC';
  const drillText = own.drill ?? defaults.drill ?? 'after-each';
  return {
    ...(own.kind ? { kind: own.kind } : {}),
    ...((own.schedule ?? defaults.schedule)
      ? { schedule: parsed(own.schedule ?? defaults.schedule, zone) }
      : {}),
    retain: own.retain ?? defaults.retain ?? DEFAULT_RETAIN,
    drill: drillText === 'after-each' ? 'after-each' : parsed(drillText, zone),
    ...((own.store ?? defaults.store) ? { store: own.store ?? defaults.store } : {}),
    ...(own.databases ? { databases: own.databases } : {}),
    ...(own.path ? { path: own.path } : {}),
    stopDuring: own.stop_during === true,
    config: defaults.config === true,
  };
}

/** The kind an image implies, when it is unambiguous; an explicit `kind` always wins. */
export function inferKind(image: string): BackupKind | undefined {
  const name = image.split('@')[0]?.split(':')[0]?.split('/').pop() ?? '';
  if (/^mariadb/.test(name)) return 'mariadb';
  if (/^mysql/.test(name)) return 'mysql';
  if (/^(postgres|postgis)/.test(name)) return 'postgres';
  if (/^(redis|valkey|keydb)/.test(name)) return 'redis';
  return undefined;
}
