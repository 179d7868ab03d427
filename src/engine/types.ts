// Berth's own view of Engine objects: every response is mapped into these types,
// so the rest of Berth never depends on an API version's JSON shape. The create request
// (ContainerSpec and its parts) is in ./container-spec.js, re-exported here.
import type { HealthcheckSpec } from './container-spec.js';

export type {
  ContainerSpec,
  DeviceSpec,
  HealthcheckSpec,
  MountSpec,
  NetworkAttachmentSpec,
  PortSpec,
  ResourcesSpec,
} from './container-spec.js';

/** `key=value` must match; `true` means "the label is present, any value". */
export type LabelSelector = Readonly<Record<string, string | true>>;

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';
export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface HealthLogEntry {
  readonly exitCode: number;
  readonly output: string;
  readonly start: string;
  readonly end: string;
}

export interface ContainerHealth {
  readonly status: HealthStatus;
  readonly failingStreak: number;
  readonly log: readonly HealthLogEntry[];
}

/** A container port; host fields are null when the port is exposed but not published. */
export interface PortBinding {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  readonly hostIp: string | null;
  readonly hostPort: number | null;
}

export interface ContainerEndpoint {
  readonly networkId: string;
  /** Aliases given at create/connect; the engine's automatic short-id alias is left out. */
  readonly aliases: readonly string[];
  readonly ipAddress: string;
  readonly ipv6Address: string;
}

export interface ContainerMount {
  readonly type: string;
  readonly name?: string; // volume mounts
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface ContainerInfo {
  readonly id: string;
  /** Without the engine's leading slash. */
  readonly name: string;
  readonly image: string; // the reference it was created from
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: ContainerState;
  readonly exitCode: number;
  /** ISO timestamps; null when the container never started / never finished. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly restartCount: number;
  /** The last exit was the kernel's OOM killer (absent: it was not). */
  readonly oomKilled?: boolean;
  readonly health?: ContainerHealth;
  /** The healthcheck the engine runs (the image's unless the container set one); absent: none. */
  readonly healthcheck?: HealthcheckSpec;
  /** The image's `SHELL`, which a `CMD-SHELL` check runs under; absent: `/bin/sh -c`. */
  readonly shell?: readonly string[];
  readonly ports: readonly PortBinding[];
  readonly networks: Readonly<Record<string, ContainerEndpoint>>;
  readonly networkMode: string;
  readonly mounts: readonly ContainerMount[];
  readonly env: readonly string[];
  readonly tty: boolean;
  readonly createdAt: string;
}

/** What a container listing carries (cheaper than inspecting each one). */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: ContainerState;
  /** Human status, e.g. "Up 3 minutes (healthy)"; `health` is parsed from it (listings carry no health field). */
  readonly status: string;
  readonly health?: HealthStatus;
  readonly networks: readonly string[];
  readonly createdAt: string;
}

export interface NetworkIpamConfig {
  readonly subnet?: string;
  readonly gateway?: string;
  readonly ipRange?: string;
}

export interface NetworkInfo {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly scope: string;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly enableIPv6: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly ipam: readonly NetworkIpamConfig[];
  /** Attached containers by id; only inspect fills this, listings leave it empty. */
  readonly containers: Readonly<Record<string, { name: string; ipv4Address: string; ipv6Address: string }>>;
  readonly createdAt: string;
}

export interface NetworkCreateSpec {
  readonly name: string;
  readonly driver?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly enableIPv6?: boolean;
  readonly ipam?: readonly NetworkIpamConfig[];
  readonly options?: Readonly<Record<string, string>>;
}

export interface VolumeInfo {
  readonly name: string;
  readonly driver: string;
  readonly mountpoint: string;
  readonly scope: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly createdAt: string | null;
}

export interface VolumeCreateSpec {
  readonly name: string;
  readonly driver?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly driverOpts?: Readonly<Record<string, string>>;
}

export interface ImageInfo {
  readonly id: string;
  /** `repo:tag` references; untagged images have none. */
  readonly tags: readonly string[];
  /** `repo@sha256:…` references (RepoDigests): only images that came from a registry have them. */
  readonly digests: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly created: string; // ISO
  /** Bytes, as the engine reports the image's size (absent when it does not). */
  readonly size?: number;
  /** What it runs on (inspection only; a listing has none): `linux`, `amd64`, `v8`. */
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
}

/** `GET /system/df`, the images part. */
export interface DiskUsage {
  /** Bytes all image layers take, each counted once. */
  readonly layersSize: number;
  /** By image id: its tags, its size with its parents' layers, and the part other images share. */
  readonly images: ReadonlyMap<
    string,
    { readonly tags: readonly string[]; readonly size: number; readonly sharedSize: number }
  >;
}

export type EngineObjectType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'plugin' | string;

export interface EngineEvent {
  readonly type: EngineObjectType;
  /** e.g. `start`, `die`, `health_status`, `exec_start` (without the text after `: `). */
  readonly action: string;
  /** The text after `: ` in actions such as `health_status: healthy`. */
  readonly actionDetail?: string;
  readonly id: string;
  readonly name?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Every actor attribute as the engine sent it (labels included). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly exitCode?: number; // on `die` events
  readonly time: number; // ms since the epoch
}

export type BuildEvent =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'done'; readonly imageId: string };

/** A pull's progress: status transitions (per-byte progress left out), then the image's id. */
export type PullEvent =
  | { readonly type: 'progress'; readonly line: string }
  | { readonly type: 'done'; readonly imageId: string };

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when output went past `maxOutputBytes` and the rest was dropped. */
  readonly truncated: boolean;
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
  /** The engine's RFC 3339 timestamp, when asked for. */
  readonly time?: string;
}

export interface EngineVersion {
  readonly apiVersion: string;
  readonly minApiVersion: string;
  readonly serverVersion: string;
  readonly os: string;
  readonly arch: string;
}
