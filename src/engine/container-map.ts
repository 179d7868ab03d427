import type {
  ContainerEndpoint,
  ContainerHealth,
  ContainerInfo,
  ContainerMount,
  ContainerState,
  ContainerSummary,
  HealthcheckSpec,
  HealthStatus,
  PortBinding,
  PortProtocol,
} from './types.js';

// The subset of the Engine's JSON that Berth reads; every field optional,
// because versions add and drop them.

export interface RawContainerInspect {
  Id?: string;
  Name?: string;
  Created?: string;
  Image?: string;
  RestartCount?: number;
  State?: {
    Status?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: {
      Status?: string;
      FailingStreak?: number;
      Log?: { Start?: string; End?: string; ExitCode?: number; Output?: string }[] | null;
    };
  };
  Config?: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Env?: string[] | null;
    Tty?: boolean;
    Healthcheck?: RawHealthcheck | null;
    Shell?: string[] | null;
  };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, RawEndpoint> | null;
  };
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string; RW?: boolean }[] | null;
}

/** Durations in nanoseconds, as the engine keeps them. */
interface RawHealthcheck {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

interface RawEndpoint {
  NetworkID?: string;
  Aliases?: string[] | null;
  IPAddress?: string;
  GlobalIPv6Address?: string;
}

export interface RawContainerSummary {
  Id?: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Labels?: Record<string, string> | null;
  State?: string;
  Status?: string;
  Created?: number;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
}

const STATES: readonly ContainerState[] = [
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
];

export function toContainerState(value: string | undefined): ContainerState {
  const found = STATES.find((state) => state === value);
  // An unknown state is a newer engine's; "dead" keeps Berth from trusting it.
  return found ?? 'dead';
}

/** The Engine writes Go's zero time for "never". */
export function toTimestamp(value: string | undefined): string | null {
  if (value === undefined || value === '' || value.startsWith('0001-01-01')) return null;
  return value;
}

export function stripSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

function toHealthStatus(value: string | undefined): HealthStatus | undefined {
  return value === 'starting' || value === 'healthy' || value === 'unhealthy' ? value : undefined;
}

export function toHealth(
  raw: NonNullable<RawContainerInspect['State']>['Health'],
): ContainerHealth | undefined {
  const status = toHealthStatus(raw?.Status);
  if (raw === undefined || status === undefined) return undefined;
  return {
    status,
    failingStreak: raw.FailingStreak ?? 0,
    log: (raw.Log ?? []).map((entry) => ({
      exitCode: entry.ExitCode ?? -1,
      output: entry.Output ?? '',
      start: entry.Start ?? '',
      end: entry.End ?? '',
    })),
  };
}

/** `{"80/tcp": [{HostIp, HostPort}] | null}` → one entry per binding (null binding: exposed only). */
export function toPorts(raw: NonNullable<RawContainerInspect['NetworkSettings']>['Ports']): PortBinding[] {
  const ports: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(raw ?? {})) {
    const [portText, protocolText] = key.split('/');
    const containerPort = Number(portText);
    const protocol: PortProtocol = protocolText === 'udp' || protocolText === 'sctp' ? protocolText : 'tcp';
    if (!bindings || bindings.length === 0) {
      ports.push({ containerPort, protocol, hostIp: null, hostPort: null });
      continue;
    }
    for (const binding of bindings) {
      const hostPort = binding.HostPort ? Number(binding.HostPort) : null;
      ports.push({ containerPort, protocol, hostIp: binding.HostIp ?? null, hostPort });
    }
  }
  return ports.sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol));
}

/**
 * Before API 1.45 the engine adds the container's short id to every
 * endpoint's aliases; it is dropped so aliases read the same on every version.
 */
export function toEndpoints(
  raw: Record<string, RawEndpoint> | null | undefined,
  containerId: string,
): Record<string, ContainerEndpoint> {
  const shortId = containerId.slice(0, 12);
  const endpoints: Record<string, ContainerEndpoint> = {};
  for (const [name, endpoint] of Object.entries(raw ?? {})) {
    endpoints[name] = {
      networkId: endpoint.NetworkID ?? '',
      aliases: (endpoint.Aliases ?? []).filter((alias) => alias !== shortId || shortId === ''),
      ipAddress: endpoint.IPAddress ?? '',
      ipv6Address: endpoint.GlobalIPv6Address ?? '',
    };
  }
  return endpoints;
}

function toMounts(raw: RawContainerInspect['Mounts']): ContainerMount[] {
  return (raw ?? []).map((mount) => ({
    type: mount.Type ?? '',
    ...(mount.Name ? { name: mount.Name } : {}),
    source: mount.Source ?? '',
    target: mount.Destination ?? '',
    readOnly: mount.RW === false,
  }));
}

const nsToMs = (ns: number | undefined): number | undefined =>
  ns === undefined || ns <= 0 ? undefined : Math.round(ns / 1e6);

/** The container's healthcheck as the engine runs it (the image's, unless the container set one). */
export function toHealthcheckSpec(raw: RawHealthcheck | null | undefined): HealthcheckSpec | undefined {
  const test = raw?.Test ?? [];
  if (raw === null || raw === undefined || test.length === 0) return undefined;
  const interval = nsToMs(raw.Interval);
  const timeout = nsToMs(raw.Timeout);
  const startPeriod = nsToMs(raw.StartPeriod);
  const startInterval = nsToMs(raw.StartInterval);
  return {
    test: [...test],
    ...(interval === undefined ? {} : { intervalMs: interval }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout }),
    ...(startPeriod === undefined ? {} : { startPeriodMs: startPeriod }),
    ...(startInterval === undefined ? {} : { startIntervalMs: startInterval }),
    ...(raw.Retries === undefined || raw.Retries <= 0 ? {} : { retries: raw.Retries }),
  };
}

export function toContainerInfo(raw: RawContainerInspect): ContainerInfo {
  const id = raw.Id ?? '';
  const health = toHealth(raw.State?.Health);
  const healthcheck = toHealthcheckSpec(raw.Config?.Healthcheck);
  const shell = raw.Config?.Shell ?? [];
  return {
    id,
    name: stripSlash(raw.Name ?? ''),
    image: raw.Config?.Image ?? '',
    imageId: raw.Image ?? '',
    labels: { ...(raw.Config?.Labels ?? {}) },
    state: toContainerState(raw.State?.Status),
    exitCode: raw.State?.ExitCode ?? 0,
    startedAt: toTimestamp(raw.State?.StartedAt),
    finishedAt: toTimestamp(raw.State?.FinishedAt),
    restartCount: raw.RestartCount ?? 0,
    ...(raw.State?.OOMKilled === true ? { oomKilled: true } : {}),
    ...(health === undefined ? {} : { health }),
    ...(healthcheck === undefined ? {} : { healthcheck }),
    ...(shell.length === 0 ? {} : { shell: [...shell] }),
    ports: toPorts(raw.NetworkSettings?.Ports),
    networks: toEndpoints(raw.NetworkSettings?.Networks, id),
    networkMode: raw.HostConfig?.NetworkMode ?? '',
    mounts: toMounts(raw.Mounts),
    env: [...(raw.Config?.Env ?? [])],
    tty: raw.Config?.Tty === true,
    createdAt: raw.Created ?? '',
  };
}

/** Listings only say "Up 5 minutes (healthy)" / "(health: starting)" / "(unhealthy)". */
export function healthFromStatus(status: string): HealthStatus | undefined {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!match) return undefined;
  return match[1] === 'health: starting' ? 'starting' : (match[1] as HealthStatus);
}

export function toContainerSummary(raw: RawContainerSummary): ContainerSummary {
  const status = raw.Status ?? '';
  const health = healthFromStatus(status);
  // Names lists links too ("/other/alias"); the container's own name has a single slash.
  const names = (raw.Names ?? []).map(stripSlash);
  const name = names.find((candidate) => !candidate.includes('/')) ?? names[0] ?? '';
  return {
    id: raw.Id ?? '',
    name,
    image: raw.Image ?? '',
    imageId: raw.ImageID ?? '',
    labels: { ...(raw.Labels ?? {}) },
    state: toContainerState(raw.State),
    status,
    ...(health === undefined ? {} : { health }),
    networks: Object.keys(raw.NetworkSettings?.Networks ?? {}).sort(),
    createdAt: raw.Created === undefined ? '' : new Date(raw.Created * 1000).toISOString(),
  };
}
