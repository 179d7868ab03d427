import type { Service } from '../compose/schema/model.js';
import type { ContainerSpec, MountSpec, PortSpec } from '../engine/model.js';
import { deviceSpecs, type FileSources, fileRefMounts, type LinkAliases } from './file-mounts.js';
import { containerName } from './naming.js';

/** Engine names of the stack's networks and volumes, by their key in the compose file. */
export interface ResourceNames {
  readonly stack: string;
  readonly networks: Readonly<Record<string, string>>;
  readonly volumes: Readonly<Record<string, string>>;
  /** The image to run (built images are tagged by Berth). */
  readonly image: string;
  /** Variables added for an unfinished install phase (x-berth.install). */
  readonly installEnv?: Readonly<Record<string, string>>;
  /** Host files of the stack's `file:` secrets and configs (bind-mounted read-only). */
  readonly files?: FileSources;
  /** Aliases other services' `links` give this service, by network key. */
  readonly linkAliases?: LinkAliases;
}

const RESTART_FROM_DEPLOY: Record<string, 'always' | 'on-failure' | 'no'> = {
  any: 'always',
  always: 'always',
  'on-failure': 'on-failure',
  none: 'no',
  no: 'no',
};

function restartPolicy(service: Service): ContainerSpec['restartPolicy'] {
  const restart = service.restart;
  if (restart) {
    const [name, retries] = restart.split(':');
    if (name === 'on-failure')
      return { name: 'on-failure', ...(retries ? { maximumRetryCount: Number(retries) } : {}) };
    return { name: name as 'no' | 'always' | 'unless-stopped' };
  }
  const policy = service.deploy?.restart_policy;
  const name = policy?.condition ? RESTART_FROM_DEPLOY[policy.condition] : undefined;
  if (!name) return undefined;
  return {
    name,
    ...(name === 'on-failure' && policy?.max_attempts ? { maximumRetryCount: policy.max_attempts } : {}),
  };
}

function resources(service: Service): ContainerSpec['resources'] {
  const limits = service.deploy?.resources?.limits;
  const reservations = service.deploy?.resources?.reservations;
  const cpus = service.cpus ?? limits?.cpus;
  const out = {
    ...(cpus !== undefined ? { nanoCpus: Math.round(Number(cpus) * 1e9) } : {}),
    ...((service.mem_limit ?? limits?.memory) !== undefined
      ? { memoryBytes: Number(service.mem_limit ?? limits?.memory) }
      : {}),
    ...((service.mem_reservation ?? reservations?.memory) !== undefined
      ? { memoryReservationBytes: Number(service.mem_reservation ?? reservations?.memory) }
      : {}),
    ...(service.memswap_limit !== undefined ? { memorySwapBytes: Number(service.memswap_limit) } : {}),
    ...((service.pids_limit ?? limits?.pids) !== undefined
      ? { pidsLimit: Number(service.pids_limit ?? limits?.pids) }
      : {}),
    ...(service.shm_size !== undefined ? { shmSizeBytes: Number(service.shm_size) } : {}),
    ...(service.cpu_shares !== undefined ? { cpuShares: Number(service.cpu_shares) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

function ports(service: Service): PortSpec[] {
  return (service.ports ?? []).map((p) => ({
    containerPort: p.target,
    protocol: p.protocol,
    ...(p.host_ip ? { hostIp: p.host_ip } : {}),
    ...(p.published ? { hostPort: /^\d+$/.test(p.published) ? Number(p.published) : p.published } : {}),
  }));
}

function mounts(service: Service, names: ResourceNames): MountSpec[] {
  const out: MountSpec[] = [];
  for (const v of service.volumes ?? []) {
    if (v.type === 'volume') {
      out.push({
        type: 'volume',
        ...(v.source ? { source: names.volumes[v.source] ?? v.source } : {}),
        target: v.target,
        readOnly: v.read_only,
        ...(v.volume?.nocopy ? { volumeNoCopy: true } : {}),
      });
    } else if (v.type === 'bind') {
      out.push({
        type: 'bind',
        ...(v.source ? { source: v.source } : {}),
        target: v.target,
        readOnly: v.read_only,
        createHostPath: v.bind?.create_host_path ?? true,
        ...(v.bind?.propagation
          ? { bindPropagation: v.bind.propagation as MountSpec['bindPropagation'] & string }
          : {}),
      });
    } else if (v.type === 'tmpfs') {
      out.push({
        type: 'tmpfs',
        target: v.target,
        readOnly: v.read_only,
        ...(v.tmpfs?.size !== undefined ? { tmpfsSizeBytes: v.tmpfs.size } : {}),
        ...(v.tmpfs?.mode !== undefined ? { tmpfsMode: v.tmpfs.mode } : {}),
      });
    }
  }
  if (names.files) out.push(...fileRefMounts(service, names.files));
  return out;
}

function networkMode(stack: string, service: Service): string | undefined {
  const mode = service.network_mode;
  if (!mode) return undefined;
  // `service:db` joins the network stack of db's first replica.
  return mode.startsWith('service:') ? `container:${containerName(stack, mode.slice(8), 1)}` : mode;
}

function networks(name: string, service: Service, names: ResourceNames): ContainerSpec['networks'] {
  if (service.network_mode) return [];
  const attached = service.networks ?? { default: { aliases: [] } };
  return Object.entries(attached)
    .sort(([, a], [, b]) => (b?.priority ?? 0) - (a?.priority ?? 0))
    .map(([key, net]) => ({
      name: names.networks[key] ?? key,
      // Compose makes every service reachable by its name on each of its networks.
      aliases: [...new Set([name, ...(net?.aliases ?? []), ...(names.linkAliases?.[key] ?? [])])],
      ...(net?.ipv4_address ? { ipv4Address: net.ipv4_address } : {}),
      ...(net?.ipv6_address ? { ipv6Address: net.ipv6_address } : {}),
    }));
}

function environment(service: Service, installEnv: ResourceNames['installEnv']): Record<string, string> {
  return { ...definedValues(service.environment ?? {}), ...(installEnv ?? {}) };
}

const definedValues = (map: Readonly<Record<string, string | null>>): Record<string, string> =>
  Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => e[1] !== null));

const list = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

/**
 * The container Berth creates for one replica of a service: every compose key Berth applies,
 * mapped to the engine's terms. Pure; labels are added by the caller.
 */
export function containerSpec(
  name: string,
  service: Service,
  replica: number,
  names: ResourceNames,
): ContainerSpec {
  const hc = service.healthcheck;
  const spec: ContainerSpec = {
    name: containerName(names.stack, name, replica, service.container_name),
    image: names.image,
    ...(service.command !== undefined ? { command: service.command } : {}),
    ...(service.entrypoint !== undefined ? { entrypoint: service.entrypoint } : {}),
    env: environment(service, names.installEnv),
    labels: { ...(service.labels ?? {}) },
    ...(service.hostname ? { hostname: service.hostname } : {}),
    ...(service.domainname ? { domainname: service.domainname } : {}),
    ...(service.user ? { user: service.user } : {}),
    ...(service.working_dir ? { workingDir: service.working_dir } : {}),
    ports: ports(service),
    expose: (service.expose ?? []).map((e) => {
      const [port, protocol] = String(e).split('/');
      return { containerPort: Number(port), protocol: (protocol ?? 'tcp') as PortSpec['protocol'] };
    }),
    mounts: mounts(service, names),
    tmpfs: Object.fromEntries(
      list(service.tmpfs).map((t) => {
        const [path, options] = t.split(':');
        return [path ?? t, options ?? ''];
      }),
    ),
    // Timings without a test override the image's HEALTHCHECK timings; an empty test inherits its command.
    ...(hc
      ? {
          healthcheck: {
            test: hc.disable ? ['NONE'] : (hc.test ?? []),
            ...(hc.interval !== undefined ? { intervalMs: hc.interval } : {}),
            ...(hc.timeout !== undefined ? { timeoutMs: hc.timeout } : {}),
            ...(hc.start_period !== undefined ? { startPeriodMs: hc.start_period } : {}),
            ...(hc.start_interval !== undefined ? { startIntervalMs: hc.start_interval } : {}),
            ...(hc.retries !== undefined ? { retries: hc.retries } : {}),
          },
        }
      : {}),
    ...(restartPolicy(service) ? { restartPolicy: restartPolicy(service) } : {}),
    ...(resources(service) ? { resources: resources(service) } : {}),
    capAdd: [...(service.cap_add ?? [])],
    capDrop: [...(service.cap_drop ?? [])],
    readOnly: service.read_only ?? false,
    privileged: service.privileged ?? false,
    ...(service.init !== undefined ? { init: service.init } : {}),
    securityOpt: [...(service.security_opt ?? [])],
    ulimits: Object.entries(service.ulimits ?? {}).map(([ulimit, v]) => ({
      name: ulimit,
      soft: v.soft,
      hard: v.hard,
    })),
    extraHosts: (service.extra_hosts ?? []).map((h) => `${h.host}:${h.ip}`),
    dns: list(service.dns),
    dnsSearch: list(service.dns_search),
    sysctls: { ...(service.sysctls ?? {}) },
    ...(networkMode(names.stack, service) ? { networkMode: networkMode(names.stack, service) } : {}),
    networks: networks(name, service, names),
    ...(service.stop_signal ? { stopSignal: service.stop_signal } : {}),
    ...(service.stop_grace_period !== undefined
      ? { stopTimeoutSeconds: Math.ceil(service.stop_grace_period / 1000) }
      : {}),
    ...(service.logging?.driver
      ? { logging: { driver: service.logging.driver, options: definedValues(service.logging.options ?? {}) } }
      : {}),
    ...(service.tty !== undefined ? { tty: service.tty } : {}),
    ...(service.stdin_open !== undefined ? { stdinOpen: service.stdin_open } : {}),
    ...(service.volumes_from?.length
      ? {
          volumesFrom: service.volumes_from.map((v) =>
            v.startsWith('container:')
              ? v.slice(10)
              : (() => {
                  const [svc, mode] = v.split(':');
                  return `${containerName(names.stack, svc ?? v, 1)}${mode ? `:${mode}` : ''}`;
                })(),
          ),
        }
      : {}),
    ...(deviceSpecs(service).length ? { devices: deviceSpecs(service) } : {}),
    ...(service.group_add?.length ? { groupAdd: service.group_add.map(String) } : {}),
    ...(service.ipc ? { ipc: service.ipc } : {}),
    ...(service.pid ? { pid: service.pid } : {}),
    ...(service.platform ? { platform: service.platform } : {}),
  };
  return spec;
}
