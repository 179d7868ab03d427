// Berth's own view of Engine objects: every response is mapped into these types,
// so the rest of Berth never depends on an API version's JSON shape.

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

export interface PortSpec {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  readonly hostIp?: string;
  /** A port or a `from-to` range; absent: the engine picks a free port. */
  readonly hostPort?: number | string;
}

export interface MountSpec {
  readonly type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind) or volume name (volume; absent: an anonymous volume). */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly volumeNoCopy?: boolean;
  readonly tmpfsSizeBytes?: number;
  readonly tmpfsMode?: number;
  /** Bind only: create a missing host path like `docker run -v`; sent as a legacy `Binds` entry, the only kind that does. */
  readonly createHostPath?: boolean;
  readonly bindPropagation?: 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';
}

export interface HealthcheckSpec {
  /** `['CMD', ...argv]`, `['CMD-SHELL', script]`, or `['NONE']` to disable the image's check. */
  readonly test: readonly string[];
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly startPeriodMs?: number;
  /** Needs API 1.44; older engines ignore it. */
  readonly startIntervalMs?: number;
  readonly retries?: number;
}

export interface ResourcesSpec {
  readonly nanoCpus?: number;
  readonly memoryBytes?: number;
  readonly memoryReservationBytes?: number;
  readonly memorySwapBytes?: number;
  readonly pidsLimit?: number;
  readonly shmSizeBytes?: number;
  readonly cpuShares?: number;
}

export interface NetworkAttachmentSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
}

export interface DeviceSpec {
  readonly pathOnHost: string;
  readonly pathInContainer: string;
  readonly cgroupPermissions?: string;
}

/** Everything Berth asks the engine for when it creates a container. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  /** Absent or null: the image's; `[]` clears it. */
  readonly command?: readonly string[] | null;
  readonly entrypoint?: readonly string[] | null;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostname?: string;
  readonly domainname?: string;
  readonly user?: string;
  readonly workingDir?: string;
  /** Published (and so also exposed). */
  readonly ports: readonly PortSpec[];
  /** Exposed only (compose `expose`). */
  readonly expose?: readonly { containerPort: number; protocol: PortProtocol }[];
  readonly mounts: readonly MountSpec[];
  /** Path → mount options such as `size=64m,mode=1777`. */
  readonly tmpfs: Readonly<Record<string, string>>;
  readonly healthcheck?: HealthcheckSpec;
  readonly restartPolicy?: {
    readonly name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
    readonly maximumRetryCount?: number;
  };
  readonly resources?: ResourcesSpec;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly readOnly: boolean;
  readonly privileged: boolean;
  readonly init?: boolean;
  readonly securityOpt: readonly string[];
  readonly ulimits: readonly { name: string; soft: number; hard: number }[];
  readonly extraHosts: readonly string[]; // host:ip
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  /** `host`, `none`, `container:<id>`, or a network name; default: the first of `networks`. */
  readonly networkMode?: string;
  /** The first is attached at create, the others right after (API < 1.44 takes one endpoint at create). */
  readonly networks: readonly NetworkAttachmentSpec[];
  readonly stopSignal?: string;
  readonly stopTimeoutSeconds?: number;
  readonly logging?: { readonly driver: string; readonly options: Readonly<Record<string, string>> };
  readonly tty?: boolean;
  readonly stdinOpen?: boolean;
  /** Container ids or names, optionally suffixed `:ro` / `:rw`. */
  readonly volumesFrom?: readonly string[];
  readonly devices?: readonly DeviceSpec[];
  readonly groupAdd?: readonly string[];
  readonly ipc?: string;
  readonly pid?: string;
  readonly platform?: string; // e.g. linux/amd64
}
