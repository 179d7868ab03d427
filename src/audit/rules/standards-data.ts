import type { Service } from '../../compose/schema/model.js';
import type { Hit, Rule, StackFacts } from '../types.js';
import {
  type DatabaseEngine,
  databaseEngine,
  eachService,
  imageBase,
  isDatabaseImage,
  parseImage,
  serviceHit,
} from './helpers.js';

export const noResourceLimits: Rule = {
  id: 'no-resource-limits',
  title: 'No resource limits',
  severity: 'low',
  category: 'standards',
  rationale:
    'A service without memory or CPU limits can take the whole host down with it: a leak or a burst ' +
    'in one stack starves every other stack on the server.',
  fix: 'Set `deploy.resources.limits` (memory and cpus), sized from `docker stats`.',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) => {
      const limits = service.deploy?.resources?.limits;
      if (service.mem_limit !== undefined || service.cpus !== undefined || limits) return undefined;
      const memory = isDatabaseImage(service.image) ? '1G' : '512M';
      return serviceHit(
        stack,
        name,
        [],
        'no-limits',
        `\`${name}\` has no memory or CPU limit`,
        `deploy: { resources: { limits: { memory: ${memory}, cpus: "1.0" } } } (adjust to \`docker stats\` for ${name})`,
      );
    });
  },
};

const STATEFUL_EXTRA = /^(redis|valkey|minio|influxdb|rabbitmq|gitea|nextcloud|mautic)$/;
const STATEFUL_TARGET = /^(\/var\/lib\/mysql|\/var\/lib\/postgresql)(\/|$)|^\/data\/?$/;
const BACKUP_IMAGE =
  /(offen\/docker-volume-backup|restic|borgmatic|databack|tiredofit\/db-backup|prodrigestivill\/postgres-backup-local|kartoza\/pg-backup)/i;

/** Whether a volume mounted at `target` holds state worth backing up: a database or data service, or a data path. */
export function isStateful(service: Service, target: string): boolean {
  if (isDatabaseImage(service.image)) return true;
  if (service.image && STATEFUL_EXTRA.test(imageBase(service.image))) return true;
  return STATEFUL_TARGET.test(target);
}

/** Named volumes that a backup container of the stack mounts. */
function backedUpVolumes(stack: StackFacts): Set<string> {
  const out = new Set<string>();
  for (const service of Object.values(stack.loaded.model.services ?? {})) {
    if (!service.image || !BACKUP_IMAGE.test(parseImage(service.image).name)) continue;
    for (const m of service.volumes ?? []) if (m.type === 'volume' && m.source) out.add(m.source);
  }
  return out;
}

export const volumeNoBackup: Rule = {
  id: 'volume-no-backup',
  title: 'Stateful volume without backup',
  severity: 'medium',
  category: 'standards',
  rationale:
    'A named volume holding a database or application data is the one thing a redeploy cannot ' +
    'recreate; without a backup, a disk failure or a bad `docker volume rm` loses it for good.',
  // Only a backup that runs counts: a declared policy nothing executes would make this report lie.
  // A Berth policy (x-berth.backup) counts once its latest restore drill passed (`--live` reads it).
  fix: 'Add x-berth.backup to the service and drill it (`berth backup run`), or a backup service (e.g. offen/docker-volume-backup) that mounts the volume, or suppress with the reason if it is backed up outside the stack.',
  check(snapshot) {
    const hits: Hit[] = [];
    for (const stack of snapshot.stacks) {
      const covered = backedUpVolumes(stack);
      for (const [name, service] of Object.entries(stack.loaded.model.services ?? {})) {
        const policy =
          (stack.loaded.xberth.services[name] as { backup?: unknown } | undefined)?.backup !== undefined;
        const drill = snapshot.live?.backups?.find((b) => b.stack === stack.name && b.service === name);
        if (policy && drill?.lastDrill === 'passed') continue;
        (service.volumes ?? []).forEach((mount, index) => {
          if (mount.type !== 'volume' || !mount.source || covered.has(mount.source)) return;
          if (!isStateful(service, mount.target)) return;
          const where = `volume \`${mount.source}\` (${mount.target} of \`${name}\`)`;
          hits.push(
            policy
              ? serviceHit(
                  stack,
                  name,
                  ['volumes', index],
                  `volume=${mount.source}`,
                  !snapshot.live
                    ? `${where} has a backup policy, but no restore drill is known to have passed (audit with --live to read the drills)`
                    : snapshot.live.backupsUnread !== undefined
                      ? `${where} has a backup policy; its restore drills were not read: ${snapshot.live.backupsUnread}`
                      : drill
                        ? `${where} has a backup policy, but its latest restore drill failed (${drill.at})`
                        : `${where} has a backup policy, but no backup of it has passed a restore drill yet`,
                  `\`berth backup run ${stack.name} ${name}\` (drilled after-each by default), then \`berth backup list ${stack.name}\``,
                )
              : serviceHit(
                  stack,
                  name,
                  ['volumes', index],
                  `volume=${mount.source}`,
                  `${where} holds state and nothing backs it up`,
                  `add x-berth.backup to \`${name}\` (e.g. \`backup: { schedule: "0 3 * * *" }\`), or a backup service to ${stack.name}, e.g. image: offen/docker-volume-backup:v2 with volumes: ["${mount.source}:/backup/${mount.source}:ro"]`,
                ),
          );
        });
      }
    }
    return hits;
  },
};

/** Ports of databases, caches, brokers and search engines. */
const DB_PORTS = new Set([3306, 5432, 6379, 27017, 9200, 5984, 11211, 1433, 1521, 9042, 8086, 5672]);
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]']);

export const dbPortPublic: Rule = {
  id: 'db-port-public',
  title: 'Database port published on all interfaces',
  severity: 'high',
  category: 'standards',
  rationale:
    'A database published without a host address listens on every interface of the host, usually the ' +
    'internet too (Docker’s iptables rules bypass host firewalls like ufw).',
  fix: 'Remove the port (other services reach the database over the stack network), or bind it to 127.0.0.1.',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) =>
      (service.ports ?? []).flatMap((port, index) => {
        if (!DB_PORTS.has(port.target) && !isDatabaseImage(service.image)) return [];
        if (port.host_ip !== undefined && !ALL_INTERFACES.has(port.host_ip)) return [];
        const published = port.published ?? String(port.target);
        return [
          serviceHit(
            stack,
            name,
            ['ports', index],
            `port=${port.target}/${port.protocol}`,
            `\`${name}\` publishes database port ${port.target} on all interfaces${port.published === undefined ? ' (on a random host port)' : ` as ${port.published}`}`,
            `remove the port (services of the stack reach ${name}:${port.target} directly), or bind it to loopback: ports: ["127.0.0.1:${published}:${port.target}"]`,
          ),
        ];
      }),
    );
  },
};

const DATA_DIRS = [
  '/var/lib/mysql',
  '/var/lib/postgresql/data',
  '/var/lib/postgresql',
  '/data/db',
  '/var/lib/redis',
];

function isDataDir(target: string, image: string | undefined): boolean {
  const path = target.replace(/\/+$/, '') || '/';
  if (DATA_DIRS.some((dir) => path === dir || path.startsWith(`${dir}/`))) return true;
  if (path === '/bitnami' || path.startsWith('/bitnami/')) return true;
  return path === '/data' && databaseEngine(image) === 'redis';
}

export const bindMountDataDir: Rule = {
  id: 'bind-mount-data-dir',
  title: 'Database data directory on a bind mount',
  severity: 'low',
  category: 'standards',
  rationale:
    'A database’s files on a host folder depend on host ownership and permissions, are easy to delete or ' +
    'copy half-written, and escape volume-based backups; a named volume is managed with the stack.',
  fix: 'Use a named volume for the data directory.',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) =>
      (service.volumes ?? []).flatMap((mount, index) => {
        if (mount.type !== 'bind' || !isDataDir(mount.target, service.image)) return [];
        const volume = `${name}-data`;
        return [
          serviceHit(
            stack,
            name,
            ['volumes', index],
            `target=${mount.target}`,
            `\`${name}\` keeps its data directory ${mount.target} on the host folder ${mount.source ?? '?'}`,
            `use a named volume: volumes: ["${volume}:${mount.target}"] and declare top-level volumes: { ${volume}: {} } (copy the data over first)`,
          ),
        ];
      }),
    );
  },
};

export const duplicateDatabase: Rule = {
  id: 'duplicate-database',
  title: 'Same database engine in several stacks',
  severity: 'info',
  category: 'standards',
  rationale:
    'Each database server needs its own upgrades, tuning, monitoring and backups; several servers of ' +
    'the same engine may be worth consolidating into one with a database per stack.',
  fix: 'Consider one shared server of the engine with a database and user per stack.',
  check(snapshot) {
    const byEngine = new Map<DatabaseEngine, Map<StackFacts, string>>();
    for (const stack of snapshot.stacks) {
      for (const [name, service] of Object.entries(stack.loaded.model.services ?? {})) {
        const engine = databaseEngine(service.image);
        if (!engine) continue;
        const stacks = byEngine.get(engine) ?? new Map<StackFacts, string>();
        if (!stacks.has(stack)) stacks.set(stack, name);
        byEngine.set(engine, stacks);
      }
    }
    const hits: Hit[] = [];
    for (const [engine, stacks] of byEngine) {
      if (stacks.size < 2) continue;
      for (const [stack, service] of stacks) {
        const others = [...stacks.keys()].filter((s) => s !== stack).map((s) => s.name);
        hits.push(
          serviceHit(
            stack,
            service,
            ['image'],
            `engine=${engine}`,
            `${stack.name} runs its own ${engine} server (\`${service}\`), as do the stacks ${others.join(', ')}`,
            `consider one shared ${engine} server with a database and user per stack (${[stack.name, ...others].join(', ')})`,
          ),
        );
      }
    }
    return hits;
  },
};
