import type { ContainerSpec, HealthcheckSpec, MountSpec, NetworkAttachmentSpec, PortSpec } from './types.js';

/** The Engine API's container-create JSON (the fields Berth sets). */
export type CreateBody = Record<string, unknown> & {
  HostConfig: Record<string, unknown>;
  NetworkingConfig?: { EndpointsConfig: Record<string, Record<string, unknown>> };
};

export interface CreateOptions {
  /** Query parameters of `POST /containers/create`. */
  readonly query: { readonly name: string; readonly platform?: string };
  readonly body: CreateBody;
  /** Attachments beyond the first: connect them after create, before start. */
  readonly laterNetworks: readonly NetworkAttachmentSpec[];
}

const MS_TO_NS = 1_000_000;

/** Drops undefined values, so the JSON holds only what the spec set. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as Partial<T>;
}

function nonEmpty<T>(values: readonly T[] | undefined): T[] | undefined {
  return values && values.length > 0 ? [...values] : undefined;
}

function nonEmptyRecord<T>(value: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined {
  return value && Object.keys(value).length > 0 ? { ...value } : undefined;
}

export function portKey(port: { containerPort: number; protocol: string }): string {
  return `${port.containerPort}/${port.protocol}`;
}

export function toExposedPorts(spec: ContainerSpec): Record<string, Record<string, never>> | undefined {
  const exposed: Record<string, Record<string, never>> = {};
  for (const port of [...spec.ports, ...(spec.expose ?? [])]) exposed[portKey(port)] = {};
  return Object.keys(exposed).length > 0 ? exposed : undefined;
}

export function toPortBindings(
  ports: readonly PortSpec[],
): Record<string, { HostIp: string; HostPort: string }[]> | undefined {
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of ports) {
    const list = bindings[portKey(port)] ?? [];
    // Empty HostPort: the engine picks a free port.
    list.push({
      HostIp: port.hostIp ?? '',
      HostPort: port.hostPort === undefined ? '' : String(port.hostPort),
    });
    bindings[portKey(port)] = list;
  }
  return Object.keys(bindings).length > 0 ? bindings : undefined;
}

export function toHealthcheck(health: HealthcheckSpec): Record<string, unknown> {
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * MS_TO_NS));
  return compact({
    Test: [...health.test],
    Interval: ns(health.intervalMs),
    Timeout: ns(health.timeoutMs),
    StartPeriod: ns(health.startPeriodMs),
    StartInterval: ns(health.startIntervalMs),
    Retries: health.retries,
  });
}

/** A mount for `HostConfig.Mounts`. */
export function toMount(mount: MountSpec): Record<string, unknown> {
  const base: Record<string, unknown> = compact({
    Type: mount.type,
    Source: mount.source,
    Target: mount.target,
    ReadOnly: mount.readOnly,
  });
  if (mount.type === 'volume' && mount.volumeNoCopy !== undefined) {
    base.VolumeOptions = { NoCopy: mount.volumeNoCopy };
  }
  if (mount.type === 'bind' && mount.bindPropagation !== undefined) {
    base.BindOptions = { Propagation: mount.bindPropagation };
  }
  if (mount.type === 'tmpfs') {
    const tmpfs = compact({ SizeBytes: mount.tmpfsSizeBytes, Mode: mount.tmpfsMode });
    if (Object.keys(tmpfs).length > 0) base.TmpfsOptions = tmpfs;
  }
  return base;
}

/** A legacy `Binds` entry, `src:dst[:opts]`: the only bind form that creates a missing host path. */
export function toBind(mount: MountSpec): string {
  const options = [mount.readOnly ? 'ro' : undefined, mount.bindPropagation].filter((o) => o !== undefined);
  const head = `${mount.source ?? ''}:${mount.target}`;
  return options.length > 0 ? `${head}:${options.join(',')}` : head;
}

function isLegacyBind(mount: MountSpec): boolean {
  return mount.type === 'bind' && mount.createHostPath === true;
}

export function toEndpointConfig(network: NetworkAttachmentSpec): Record<string, unknown> {
  const ipam = compact({ IPv4Address: network.ipv4Address, IPv6Address: network.ipv6Address });
  return compact({
    Aliases: nonEmpty(network.aliases),
    IPAMConfig: Object.keys(ipam).length > 0 ? ipam : undefined,
  });
}

function toHostConfig(spec: ContainerSpec): Record<string, unknown> {
  const resources = spec.resources ?? {};
  const first = spec.networks[0];
  return compact({
    PortBindings: toPortBindings(spec.ports),
    Binds: nonEmpty(spec.mounts.filter(isLegacyBind).map(toBind)),
    Mounts: nonEmpty(spec.mounts.filter((mount) => !isLegacyBind(mount)).map(toMount)),
    Tmpfs: nonEmptyRecord(spec.tmpfs),
    RestartPolicy: spec.restartPolicy
      ? compact({ Name: spec.restartPolicy.name, MaximumRetryCount: spec.restartPolicy.maximumRetryCount })
      : undefined,
    NanoCpus: resources.nanoCpus,
    Memory: resources.memoryBytes,
    MemoryReservation: resources.memoryReservationBytes,
    MemorySwap: resources.memorySwapBytes,
    PidsLimit: resources.pidsLimit,
    ShmSize: resources.shmSizeBytes,
    CpuShares: resources.cpuShares,
    CapAdd: nonEmpty(spec.capAdd),
    CapDrop: nonEmpty(spec.capDrop),
    ReadonlyRootfs: spec.readOnly || undefined,
    Privileged: spec.privileged || undefined,
    Init: spec.init,
    SecurityOpt: nonEmpty(spec.securityOpt),
    Ulimits: nonEmpty(spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }))),
    ExtraHosts: nonEmpty(spec.extraHosts),
    Dns: nonEmpty(spec.dns),
    DnsSearch: nonEmpty(spec.dnsSearch),
    Sysctls: nonEmptyRecord(spec.sysctls),
    // Without an explicit mode the engine would attach the default bridge as well.
    NetworkMode: spec.networkMode ?? first?.name,
    LogConfig: spec.logging ? { Type: spec.logging.driver, Config: { ...spec.logging.options } } : undefined,
    VolumesFrom: nonEmpty(spec.volumesFrom),
    Devices: nonEmpty(
      (spec.devices ?? []).map((d) => ({
        PathOnHost: d.pathOnHost,
        PathInContainer: d.pathInContainer,
        CgroupPermissions: d.cgroupPermissions ?? 'rwm',
      })),
    ),
    GroupAdd: nonEmpty(spec.groupAdd),
    IpcMode: spec.ipc,
    PidMode: spec.pid,
  });
}

function toEnv(env: Readonly<Record<string, string>>): string[] | undefined {
  return nonEmpty(Object.entries(env).map(([key, value]) => `${key}=${value}`));
}

/**
 * Pure translation of a ContainerSpec into the Engine's create request.
 * Only the first network goes into NetworkingConfig: engines before API 1.44
 * reject more than one endpoint at create.
 */
export function toCreateOptions(spec: ContainerSpec): CreateOptions {
  const [first, ...later] = spec.networks;
  const body: CreateBody = {
    ...compact({
      Image: spec.image,
      Cmd: spec.command === null || spec.command === undefined ? undefined : [...spec.command],
      Entrypoint:
        spec.entrypoint === null || spec.entrypoint === undefined ? undefined : [...spec.entrypoint],
      Env: toEnv(spec.env),
      Labels: { ...spec.labels },
      Hostname: spec.hostname,
      Domainname: spec.domainname,
      User: spec.user,
      WorkingDir: spec.workingDir,
      ExposedPorts: toExposedPorts(spec),
      Healthcheck: spec.healthcheck ? toHealthcheck(spec.healthcheck) : undefined,
      StopSignal: spec.stopSignal,
      StopTimeout: spec.stopTimeoutSeconds,
      Tty: spec.tty,
      OpenStdin: spec.stdinOpen,
    }),
    HostConfig: toHostConfig(spec),
  };
  if (first !== undefined) {
    body.NetworkingConfig = { EndpointsConfig: { [first.name]: toEndpointConfig(first) } };
  }
  const query =
    spec.platform === undefined ? { name: spec.name } : { name: spec.name, platform: spec.platform };
  return { query, body, laterNetworks: later };
}
