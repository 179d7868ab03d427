// What Berth asks the engine for when it creates a container: the create request in Berth's own
// terms, which src/engine/create-options.ts maps to the Engine API's JSON.
import type { PortProtocol } from './types.js';

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
