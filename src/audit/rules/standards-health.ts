import type { Healthcheck, Service } from '../../compose/schema/model.js';
import { formatDuration } from '../../compose/schema/units.js';
import type { Hit, Rule } from '../types.js';
import { suggestedTest } from './health-suggest.js';
import { eachService, isOneShot, parseImage, serviceHit } from './helpers.js';

/** Docker's defaults when a healthcheck leaves a field out. */
const DEFAULT_INTERVAL = 30_000;
const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_RETRIES = 3;
/** Below this, a service that is still starting is declared unhealthy (and `up` fails its dependants). */
const MIN_STARTUP_WINDOW = 30_000;

const SLOW_STARTER =
  /(mariadb|mysql|postgres|mongo|elasticsearch|opensearch|keycloak|sonarqube|java|nextcloud|gitlab|mautic|wordpress|odoo|clickhouse)/;
/** Slow starters that take minutes rather than seconds on a first boot. */
const VERY_SLOW = /(elasticsearch|opensearch|keycloak|sonarqube|java|gitlab)/;

const ms = (value: number) => formatDuration(value);

/** The fix of a service without a healthcheck: one suited to its image, and what to fill in. */
function fixText(name: string, service: Service): string {
  const { test, note } = suggestedTest(service);
  const check = `healthcheck: { ${test}, interval: 30s, timeout: 5s, retries: 3, start_period: 30s }`;
  return `add to \`${name}\`: ${check}${note ? ` (${note})` : ''}`;
}

function liveCheck(service: Service): Healthcheck | undefined {
  return service.healthcheck && !service.healthcheck.disable ? service.healthcheck : undefined;
}

export const healthcheckMissing: Rule = {
  id: 'healthcheck-missing',
  title: 'Service without a healthcheck',
  severity: 'medium',
  category: 'standards',
  rationale:
    'Without a healthcheck, "running" only means the process has not exited: a hung or misconfigured ' +
    'service looks fine, dependants cannot wait for it, and a deploy cannot tell whether it worked.',
  fix: 'Add a `healthcheck:` with a test that proves the service answers (an HTTP probe, pg_isready, redis-cli ping…).',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) => {
      if (liveCheck(service)) return undefined;
      // A job others wait to complete is expected to exit; health has no meaning for it.
      if (isOneShot(stack, name)) return undefined;
      const disabled = service.healthcheck?.disable === true;
      return serviceHit(
        stack,
        name,
        disabled ? ['healthcheck'] : [],
        'no-healthcheck',
        disabled
          ? `\`${name}\` disables its healthcheck: nothing tells whether it actually works`
          : `\`${name}\` has no healthcheck: nothing tells whether it actually works`,
        fixText(name, service),
      );
    });
  },
};

function timingHits(
  name: string,
  check: Healthcheck,
  image: string | undefined,
): [string, Hit['path'], string, string][] {
  const out: [string, Hit['path'], string, string][] = [];
  const interval = check.interval ?? DEFAULT_INTERVAL;
  const timeout = check.timeout ?? DEFAULT_TIMEOUT;
  const retries = check.retries ?? DEFAULT_RETRIES;
  const written = check.interval !== undefined || check.timeout !== undefined;
  if (written && timeout >= interval) {
    const label = (v: number, set: boolean) => `${ms(v)}${set ? '' : ' (default)'}`;
    const better = Math.max(1000, Math.floor(interval / 2 / 1000) * 1000);
    out.push([
      'problem=timeout-not-below-interval',
      ['healthcheck', check.timeout !== undefined ? 'timeout' : 'interval'],
      `\`${name}\`'s healthcheck timeout ${label(timeout, check.timeout !== undefined)} is not shorter than its interval ${label(interval, check.interval !== undefined)}: a hung probe overlaps the next one`,
      `set healthcheck.timeout: ${ms(better)} (below the ${ms(interval)} interval)`,
    ]);
  }
  if (check.retries !== undefined && check.retries < 2) {
    out.push([
      'problem=retries-too-low',
      ['healthcheck', 'retries'],
      `\`${name}\`'s healthcheck has retries: ${check.retries}: one slow answer marks it unhealthy`,
      'set healthcheck.retries: 3',
    ]);
  }
  if (check.start_period === undefined) {
    const repo = image ? parseImage(image).name.toLowerCase() : '';
    const slow = SLOW_STARTER.exec(repo)?.[1];
    const window = interval * retries;
    if (slow || window < MIN_STARTUP_WINDOW) {
      const period = slow && VERY_SLOW.test(slow) ? 120_000 : 60_000;
      out.push([
        'problem=no-start-period',
        ['healthcheck'],
        slow
          ? `\`${name}\` runs ${slow}, which starts slowly, but its healthcheck has no start_period: it can be declared unhealthy before it is up`
          : `\`${name}\`'s healthcheck has no start_period and gives up after ${ms(window)} (${retries} × ${ms(interval)}): a slow start is declared unhealthy`,
        `set healthcheck.start_period: ${ms(slow ? period : MIN_STARTUP_WINDOW)}`,
      ]);
    }
  }
  return out;
}

export const healthcheckTiming: Rule = {
  id: 'healthcheck-timing',
  title: 'Healthcheck timing that misfires',
  severity: 'low',
  category: 'standards',
  rationale:
    'A healthcheck whose timeout is not below its interval, that gives up after one failure, or that ' +
    'judges a slow starter before it is up reports false failures: deploys fail and dependants never start.',
  fix: 'Keep timeout below interval, retries at 3 or more, and give slow starters a start_period.',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) => {
      const check = liveCheck(service);
      if (!check) return undefined;
      return timingHits(name, check, service.image).map(([evidence, path, message, fix]) =>
        serviceHit(stack, name, path ?? ['healthcheck'], evidence, message, fix),
      );
    });
  },
};

export const dependsOnNotHealthy: Rule = {
  id: 'depends-on-not-healthy',
  title: 'Dependency does not wait for health',
  severity: 'medium',
  category: 'standards',
  rationale:
    'With `condition: service_started` (or the list form of depends_on), a service starts as soon as ' +
    'its dependency’s container exists, not when it is ready: it fails its first connections and may crash-loop.',
  fix: 'Use `condition: service_healthy` for dependencies that have a healthcheck.',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) => {
      const services = stack.loaded.model.services ?? {};
      return Object.entries(service.depends_on ?? {})
        .filter(([dep, d]) => {
          const target = services[dep];
          return d.condition === 'service_started' && target !== undefined && liveCheck(target) !== undefined;
        })
        .map(([dep]) =>
          serviceHit(
            stack,
            name,
            ['depends_on', dep],
            `depends-on=${dep}`,
            `\`${name}\` starts as soon as \`${dep}\` is started, although \`${dep}\` has a healthcheck to say when it is ready`,
            `depends_on: { ${dep}: { condition: service_healthy } }`,
          ),
        );
    });
  },
};
