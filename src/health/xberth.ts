import { z } from 'zod';
import { didYouMean } from '../compose/diagnostics.js';
import { formatDuration } from '../compose/schema/units.js';
import type { XBerthSection } from '../compose/xberth/registry.js';
import { durationSchema } from '../compose/xberth/values.js';
import { type Condition, type Placeholder, parseCondition, placeholdersOf } from './expressions.js';
import {
  DB_ENGINES,
  DNS_RECORDS,
  type ProbeCheck,
  type ProbeDefinition,
  type ProbeType,
} from './probe-types.js';

/** A probe's name: it appears in keys, events and metrics labels. `container` is the built-in probe. */
const PROBE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
export const CONTAINER_PROBE = 'container';

export const PROBE_DEFAULTS = {
  interval: 30_000,
  timeout: 5_000,
  failureThreshold: 3,
  successThreshold: 1,
} as const;

/** What each type measures: a condition on anything else could never hold, so it is refused. */
export const MEASURES: Readonly<Record<ProbeType, readonly Placeholder[]>> = {
  http: ['STATUS', 'RESPONSE_TIME', 'BODY', 'CERTIFICATE_EXPIRATION', 'CONNECTED', 'IP'],
  tcp: ['CONNECTED', 'RESPONSE_TIME', 'IP'],
  command: ['BODY', 'RESPONSE_TIME'],
  db: ['BODY', 'RESPONSE_TIME'],
  tls: ['CERTIFICATE_EXPIRATION', 'CONNECTED', 'RESPONSE_TIME'],
  disk: ['DISK_USED_PERCENT'],
  dns: ['BODY', 'IP', 'DNS_RCODE', 'RESPONSE_TIME'],
};

const port = z.number().int().min(1).max(65535);
const common = {
  interval: durationSchema.optional(),
  timeout: durationSchema.optional(),
  failure_threshold: z.number().int().min(1).max(100).optional(),
  success_threshold: z.number().int().min(1).max(100).optional(),
  conditions: z.array(z.string().min(1)).max(20).optional(),
};

const HttpSchema = z.strictObject({
  type: z.literal('http'),
  ...common,
  url: z.url({ protocol: /^https?$/ }).optional(),
  port: port.optional(),
  path: z.string().startsWith('/', 'a path starts with /').optional(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  headers: z.record(z.string().min(1), z.string()).optional(),
  body: z.string().optional(),
  follow_redirects: z.boolean().optional(),
  verify_tls: z.boolean().optional(),
});
const TcpSchema = z.strictObject({
  type: z.literal('tcp'),
  ...common,
  host: z.string().min(1).optional(),
  port,
});
const CommandSchema = z.strictObject({
  type: z.literal('command'),
  ...common,
  command: z.array(z.string()).min(1),
});
const DbSchema = z.strictObject({
  type: z.literal('db'),
  ...common,
  engine: z.enum(DB_ENGINES),
  user: z.string().min(1).optional(),
  database: z.string().min(1).optional(),
});
const TlsSchema = z.strictObject({
  type: z.literal('tls'),
  ...common,
  host: z.string().min(1),
  port: port.optional(),
  servername: z.string().min(1).optional(),
});
const DiskSchema = z.strictObject({
  type: z.literal('disk'),
  ...common,
  path: z.string().startsWith('/', 'a host path, starting with /').optional(),
  volume: z.string().min(1).optional(),
});
const DnsSchema = z.strictObject({
  type: z.literal('dns'),
  ...common,
  name: z.string().min(1),
  record: z.enum(DNS_RECORDS).optional(),
  server: z
    .string()
    .regex(/^[0-9a-fA-F.:[\]]+$/, 'an IP address, optionally with :port')
    .optional(),
});

const PROBE_TYPES = ['http', 'tcp', 'command', 'db', 'tls', 'disk', 'dns'] as const;

/** What a probe with no type, or one Berth has not, is told: the types, and the nearest to a typo. */
export function probeTypeMessage(input: unknown): string {
  const given = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  const types = PROBE_TYPES.join(', ');
  if (given === undefined) return `a probe needs a \`type\`: one of ${types}`;
  const near = typeof given === 'string' ? didYouMean(given, PROBE_TYPES) : '';
  return `\`type: ${String(given)}\` is not a probe type; one of ${types}${near === '' ? '' : ` (${near})`}`;
}

const ProbeSchema = z
  .discriminatedUnion(
    'type',
    [HttpSchema, TcpSchema, CommandSchema, DbSchema, TlsSchema, DiskSchema, DnsSchema],
    { error: (issue) => (issue.code === 'invalid_union' ? probeTypeMessage(issue.input) : undefined) },
  )
  .transform((probe, ctx): ProbeDefinition => {
    const fail = (path: (string | number)[], message: string, hint: string) =>
      ctx.addIssue({ code: 'custom', path, message, params: { hint } });
    const conditions: Condition[] = [];
    (probe.conditions ?? []).forEach((source, i) => {
      const parsed = parseCondition(source);
      if (!parsed.ok) {
        fail(['conditions', i], `${parsed.message} (column ${parsed.column} of the condition)`, parsed.hint);
        return;
      }
      const unmeasured = placeholdersOf(parsed.condition).filter((p) => !MEASURES[probe.type].includes(p));
      if (unmeasured.length > 0) {
        fail(
          ['conditions', i],
          `a ${probe.type} probe does not measure [${unmeasured.join('], [')}]`,
          `a ${probe.type} probe measures ${MEASURES[probe.type].map((p) => `[${p}]`).join(', ')}`,
        );
        return;
      }
      conditions.push(parsed.condition);
    });
    const interval = probe.interval ?? PROBE_DEFAULTS.interval;
    const timeout = probe.timeout ?? Math.min(PROBE_DEFAULTS.timeout, interval);
    if (interval < 1000 || interval > 86_400_000) {
      fail(
        ['interval'],
        `interval must be between 1s and 24h, got ${formatDuration(interval)}`,
        'e.g. interval: 30s',
      );
    }
    if (timeout < 100 || timeout > interval) {
      fail(
        ['timeout'],
        `timeout must be at least 100ms and at most the interval (${formatDuration(interval)})`,
        'a probe runs once per interval: e.g. interval: 30s with timeout: 5s',
      );
    }
    const check = checkOf(probe, fail);
    if (check === undefined) return z.NEVER;
    return {
      check,
      intervalMs: interval,
      timeoutMs: timeout,
      failureThreshold: probe.failure_threshold ?? PROBE_DEFAULTS.failureThreshold,
      successThreshold: probe.success_threshold ?? PROBE_DEFAULTS.successThreshold,
      conditions,
    };
  });

type Fail = (path: (string | number)[], message: string, hint: string) => void;

/** The check of a probe, with what the fields alone cannot say checked. */
function checkOf(probe: ProbeShape, fail: Fail): ProbeCheck | undefined {
  switch (probe.type) {
    case 'http': {
      if ((probe.url === undefined) === (probe.port === undefined)) {
        fail(
          probe.url === undefined ? ['url'] : ['port'],
          'an http probe has either `url` or `port` (with `path`)',
          'e.g. url: https://shop.example.com/health, or port: 8080 and path: /health (a port of this service)',
        );
        return undefined;
      }
      if (probe.url !== undefined && probe.path !== undefined) {
        fail(
          ['path'],
          '`path` goes with `port`; a `url` holds its own path',
          'remove path, or put it in the url',
        );
        return undefined;
      }
      return {
        type: 'http',
        target:
          probe.url !== undefined ? { url: probe.url } : { port: probe.port ?? 80, path: probe.path ?? '/' },
        method: probe.method ?? 'GET',
        headers: probe.headers ?? {},
        ...(probe.body !== undefined ? { body: probe.body } : {}),
        followRedirects: probe.follow_redirects ?? true,
        verifyTls: probe.verify_tls ?? true,
      } satisfies ProbeCheck;
    }
    case 'tcp':
      return {
        type: 'tcp',
        ...(probe.host ? { host: probe.host } : {}),
        port: probe.port,
      } satisfies ProbeCheck;
    case 'command':
      return { type: 'command', argv: probe.command } satisfies ProbeCheck;
    case 'db':
      return {
        type: 'db',
        engine: probe.engine,
        ...(probe.user ? { user: probe.user } : {}),
        ...(probe.database ? { database: probe.database } : {}),
      } satisfies ProbeCheck;
    case 'tls':
      return {
        type: 'tls',
        host: probe.host,
        port: probe.port ?? 443,
        ...(probe.servername ? { servername: probe.servername } : {}),
      } satisfies ProbeCheck;
    case 'disk':
      if ((probe.path === undefined) === (probe.volume === undefined)) {
        fail(
          ['path'],
          'a disk probe watches either a host `path` or a `volume` of the stack',
          'e.g. path: /var/lib/docker, or volume: data',
        );
        return undefined;
      }
      return probe.path !== undefined
        ? ({ type: 'disk', path: probe.path, on: 'host' } satisfies ProbeCheck)
        : ({ type: 'disk', path: probe.volume ?? '', on: 'volume' } satisfies ProbeCheck);
    case 'dns':
      return {
        type: 'dns',
        name: probe.name,
        record: probe.record ?? 'A',
        ...(probe.server ? { server: probe.server } : {}),
      } satisfies ProbeCheck;
  }
}

type ProbeShape =
  | z.output<typeof HttpSchema>
  | z.output<typeof TcpSchema>
  | z.output<typeof CommandSchema>
  | z.output<typeof DbSchema>
  | z.output<typeof TlsSchema>
  | z.output<typeof DiskSchema>
  | z.output<typeof DnsSchema>;

const ProbesSchema = z.record(z.string(), ProbeSchema).superRefine((probes, ctx) => {
  for (const name of Object.keys(probes)) {
    const builtin = name === CONTAINER_PROBE || name.startsWith(`${CONTAINER_PROBE}-`);
    if (!PROBE_NAME.test(name) || builtin) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: builtin
          ? '`container` and `container-N` are the built-in probes of each container'
          : `probe name ${JSON.stringify(name)}: use lowercase letters, digits, \`-\` and \`_\``,
        params: { hint: 'name it for what it checks, e.g. home, db-ping, cert' },
      });
    }
  }
});

/** `x-berth.probes` (service level): the service's probes, by name. */
export const probesSection: XBerthSection = {
  key: 'probes',
  service: ProbesSchema,
  summary:
    'probes by name: type http|tcp|command|db|tls|disk|dns, interval, timeout, failure_threshold, success_threshold, conditions',
};

export const HEALTH_XBERTH_SECTIONS: readonly XBerthSection[] = [probesSection];

/** A service's parsed `x-berth.probes` (what the registry stored after validation). */
export function probesOf(
  values: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, ProbeDefinition>> {
  return (values?.probes ?? {}) as Readonly<Record<string, ProbeDefinition>>;
}
