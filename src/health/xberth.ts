import { z } from 'zod';
import { didYouMean } from '../compose/diagnostics.js';
import { formatDuration } from '../compose/schema/units.js';
import type { XBerthSection } from '../compose/xberth/registry.js';
import { type Fail, failer, INSTEAD_OF_TRANSFORM, soundFields } from '../compose/xberth/values.js';
import { type Condition, type Placeholder, parseCondition, placeholdersOf } from './expressions.js';
import {
  CommandSchema,
  checkOf,
  DbSchema,
  DiskSchema,
  DnsSchema,
  HttpSchema,
  type ProbeFields,
  TcpSchema,
  TlsSchema,
} from './probe-schemas.js';
import type { ProbeDefinition, ProbeType } from './probe-types.js';

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

const PROBE_TYPES = ['http', 'tcp', 'command', 'db', 'tls', 'disk', 'dns'] as const;

/** What a probe with no type, or one Berth has not, is told: the types, and the nearest to a typo. */
export function probeTypeMessage(input: unknown): string {
  const given = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  const types = PROBE_TYPES.join(', ');
  if (given === undefined) return `a probe needs a \`type\`: one of ${types}`;
  const near = typeof given === 'string' ? didYouMean(given, PROBE_TYPES) : '';
  return `\`type: ${String(given)}\` is not a probe type; one of ${types}${near === '' ? '' : ` (${near})`}`;
}

/** Whether a key was written at all (it may have failed its own check). */
type Written = (key: string) => boolean;

const isProbeType = (value: unknown): value is ProbeType => PROBE_TYPES.some((t) => t === value);

function timing(probe: ProbeFields): { interval: number; timeout: number } {
  const interval = probe.interval ?? PROBE_DEFAULTS.interval;
  return { interval, timeout: probe.timeout ?? Math.min(PROBE_DEFAULTS.timeout, interval) };
}

/**
 * What the fields alone cannot say: conditions on what the type measures, timeout within the
 * interval, and which fields go together. `probe` holds the fields that passed their own checks.
 * Returns the parsed conditions.
 */
function crossChecks(probe: ProbeFields, written: Written, fail: Fail): Condition[] {
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
  const { interval } = timing(probe);
  const intervalOk = interval >= 1000 && interval <= 86_400_000;
  if (!intervalOk) {
    fail(
      ['interval'],
      `interval must be between 1s and 24h, got ${formatDuration(interval)}`,
      'e.g. interval: 30s',
    );
  }
  // A timeout not written follows the interval; one written is held to an interval that is right
  // (one that is wrong, or failed its own check, is reported already).
  const intervalKnown = intervalOk && (probe.interval !== undefined || !written('interval'));
  const timeout = probe.timeout;
  if (timeout !== undefined && (timeout < 100 || (intervalKnown && timeout > interval))) {
    fail(
      ['timeout'],
      intervalKnown
        ? `timeout must be at least 100ms and at most the interval (${formatDuration(interval)})`
        : 'timeout must be at least 100ms',
      'a probe runs once per interval: e.g. interval: 30s with timeout: 5s',
    );
  }
  if (probe.type === 'http') {
    if (probe.url !== undefined && probe.port !== undefined) {
      fail(['port'], 'an http probe has either `url` or `port` (with `path`)', HTTP_TARGET_HINT);
    } else if (!written('url') && !written('port')) {
      fail(['url'], 'an http probe has either `url` or `port` (with `path`)', HTTP_TARGET_HINT);
    } else if (probe.url !== undefined && probe.path !== undefined) {
      fail(
        ['path'],
        '`path` goes with `port`; a `url` holds its own path',
        'remove path, or put it in the url',
      );
    }
  }
  if (
    probe.type === 'disk' &&
    ((probe.path !== undefined && probe.volume !== undefined) || (!written('path') && !written('volume')))
  ) {
    fail(
      ['path'],
      'a disk probe watches either a host `path` or a `volume` of the stack',
      'e.g. path: /var/lib/docker, or volume: data',
    );
  }
  return conditions;
}

const HTTP_TARGET_HINT =
  'e.g. url: https://shop.example.com/health, or port: 8080 and path: /health (a port of this service)';

const writtenIn =
  (probe: object): Written =>
  (key) =>
    (probe as Record<string, unknown>)[key] !== undefined;

const ProbeSchema = z
  .discriminatedUnion(
    'type',
    [HttpSchema, TcpSchema, CommandSchema, DbSchema, TlsSchema, DiskSchema, DnsSchema],
    { error: (issue) => (issue.code === 'invalid_union' ? probeTypeMessage(issue.input) : undefined) },
  )
  .superRefine((probe, ctx) => {
    // A field failed its own check, so the transform below does not run: its checks run here instead.
    if (!isProbeType(probe.type)) return;
    crossChecks({ ...soundFields(probe, ctx), type: probe.type }, writtenIn(probe), failer(ctx).fail);
  }, INSTEAD_OF_TRANSFORM)
  .transform((probe, ctx): ProbeDefinition => {
    const { state, fail } = failer(ctx);
    const conditions = crossChecks(probe, writtenIn(probe), fail);
    if (state.failed) return z.NEVER;
    const { interval, timeout } = timing(probe);
    return {
      check: checkOf(probe),
      intervalMs: interval,
      timeoutMs: timeout,
      failureThreshold: probe.failure_threshold ?? PROBE_DEFAULTS.failureThreshold,
      successThreshold: probe.success_threshold ?? PROBE_DEFAULTS.successThreshold,
      conditions,
    };
  });

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
