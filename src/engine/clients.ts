import type { Readable } from 'node:stream';
import type {
  BuildEvent,
  ContainerInfo,
  ContainerSpec,
  ContainerSummary,
  DiskUsage,
  EngineEvent,
  EngineVersion,
  ExecResult,
  ImageInfo,
  LabelSelector,
  LogLine,
  NetworkCreateSpec,
  NetworkInfo,
  PullEvent,
  VolumeCreateSpec,
  VolumeInfo,
} from './types.js';

// One narrow interface per resource, so a caller (and its test double) only
// depends on what it uses. Every method throws EngineError on failure.

export interface ContainerClient {
  /** Containers carrying every label of `selector`; stopped ones too unless `all: false`. */
  /** `volume`: only the containers that mount that volume (the engine's own filter). */
  list(selector: LabelSelector, options?: { all?: boolean; volume?: string }): Promise<ContainerSummary[]>;
  inspect(idOrName: string): Promise<ContainerInfo>;
  /**
   * Creates the container and attaches `spec.networks` beyond the first. If an
   * attach fails, the half-made container is removed and the error thrown.
   */
  create(spec: ContainerSpec): Promise<{ id: string; warnings: string[] }>;
  /** A no-op on a running container. */
  start(idOrName: string): Promise<void>;
  /** SIGTERM (or the stop signal), then SIGKILL after `timeoutSeconds`; a no-op on a stopped container. */
  stop(idOrName: string, timeoutSeconds?: number): Promise<void>;
  kill(idOrName: string, signal?: string): Promise<void>;
  /** Anonymous volumes are kept unless `volumes: true`. */
  remove(idOrName: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  rename(idOrName: string, newName: string): Promise<void>;
  /** Resolves when the condition is met (default `not-running`); `signal` stops waiting. */
  wait(
    idOrName: string,
    options?: { condition?: 'not-running' | 'next-exit' | 'removed'; signal?: AbortSignal },
  ): Promise<{ exitCode: number; error?: string }>;
  restart(idOrName: string, timeoutSeconds?: number): Promise<void>;
  /** `path` of the container as a tar stream; a stopped container's volumes are read too. */
  getArchive(idOrName: string, path: string, signal?: AbortSignal): Promise<Readable>;
  /** Extracts a tar stream into `path` (an existing directory) of the container. */
  putArchive(idOrName: string, path: string, tar: Readable): Promise<void>;
}

export interface ImageBuildOptions {
  readonly contextDir: string;
  /** Relative to `contextDir`; default `Dockerfile`. */
  readonly dockerfile?: string;
  readonly tag: string;
  readonly args?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly target?: string;
  /** `os/arch[/variant]` to build for; absent: the engine's own. */
  readonly platform?: string;
  /** Run every step again instead of reusing cached ones. */
  readonly noCache?: boolean;
  readonly signal?: AbortSignal;
}

/** Credentials for one registry, as the engine's X-Registry-Auth header carries them. */
export interface RegistryAuth {
  readonly serveraddress: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
}

export interface ImagePullOptions {
  /** As written in compose: 'nginx', 'nginx:1.27', 'host:5000/a/b:tag', 'repo@sha256:...'; no tag means latest. */
  readonly reference: string;
  /** Sent as the X-Registry-Auth header (base64url JSON), never logged. */
  readonly auth?: RegistryAuth;
  /** `os/arch[/variant]` (compose's `platform:`); absent: the engine's own. */
  readonly platform?: string;
  readonly signal?: AbortSignal;
}

export interface ImageClient {
  inspect(reference: string): Promise<ImageInfo>;
  /** False only when the engine says the image is missing; other failures throw. */
  exists(reference: string): Promise<boolean>;
  list(selector: LabelSelector): Promise<ImageInfo[]>;
  remove(
    reference: string,
    options?: { force?: boolean; noPrune?: boolean },
  ): Promise<{ untagged: string[]; deleted: string[] }>;
  /**
   * Streams the build's progress; ends with `done`, or yields `error` and then
   * throws EngineError('ENGINE_FAILED') whose details hold the last log lines.
   */
  build(options: ImageBuildOptions): AsyncIterable<BuildEvent>;
  /** Streams the pull's progress; ends with `done`, or throws EngineError whose message says what the registry answered. */
  pull(options: ImagePullOptions): AsyncIterable<PullEvent>;
}

export interface NetworkClient {
  list(selector: LabelSelector): Promise<NetworkInfo[]>;
  inspect(idOrName: string): Promise<NetworkInfo>;
  create(spec: NetworkCreateSpec): Promise<{ id: string }>;
  remove(idOrName: string): Promise<void>;
  connect(
    network: string,
    container: string,
    options?: { aliases?: readonly string[]; ipv4Address?: string; ipv6Address?: string },
  ): Promise<void>;
  disconnect(network: string, container: string, options?: { force?: boolean }): Promise<void>;
}

export interface VolumeClient {
  list(selector: LabelSelector): Promise<VolumeInfo[]>;
  inspect(name: string): Promise<VolumeInfo>;
  /** The engine returns the existing volume when the name is taken (no conflict). */
  create(spec: VolumeCreateSpec): Promise<VolumeInfo>;
  remove(name: string, options?: { force?: boolean }): Promise<void>;
}

export interface ExecOptions {
  readonly user?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  /**
   * Past this, the call fails with ENGINE_TIMEOUT. The process and its descendants are killed first
   * when Berth can prove from this host's /proc which process it is (Berth beside dockerd, as root);
   * otherwise the error says the process may still run.
   */
  readonly timeoutMs?: number;
  /** Output kept per stream; the rest is dropped and `truncated` set. Default 8 MiB. */
  readonly maxOutputBytes?: number;
  readonly signal?: AbortSignal;
  /** Each piece of output as it arrives, before the process ends (a job's live output, its pid line). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  /**
   * Streamed into the process's standard input (with backpressure), which is closed when it ends.
   * When it fails, the connection is cut (the process sees its input end early) and `run` fails.
   */
  readonly stdin?: Readable;
}

/** A command's standard output as a stream (a database dump), and how the command ended. */
export interface ExecStream {
  /** Standard output as it comes; reading slowly slows the command down (backpressure). */
  readonly stdout: Readable;
  /** Settles once stdout has ended: the exit code, and the last bytes of standard error. */
  readonly done: Promise<{ readonly exitCode: number; readonly stderr: string }>;
}

export interface ExecClient {
  /** Runs `argv` (never a shell string) in a running container and collects its output. */
  run(containerId: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs `argv` in a running container and streams its standard output, in bounded memory. */
  stream(
    containerId: string,
    argv: readonly string[],
    options?: Pick<ExecOptions, 'user' | 'env' | 'workdir' | 'signal'>,
  ): Promise<ExecStream>;
}

export interface LogOptions {
  readonly tail?: number;
  /** Milliseconds since the epoch. */
  readonly since?: number;
  readonly follow?: boolean;
  readonly timestamps?: boolean;
  /** Ends a followed stream (quietly: the iteration just stops). */
  readonly signal?: AbortSignal;
}

export interface LogClient {
  logs(containerId: string, options?: LogOptions): AsyncIterable<LogLine>;
}

export interface EventFilters {
  readonly types?: readonly string[];
  readonly labels?: LabelSelector;
  /** Event actions, e.g. `start`, `die`. */
  readonly actions?: readonly string[];
  readonly containers?: readonly string[];
}

export interface EventClient {
  /** Events from `since` (ms; default: now) until `signal` aborts. */
  stream(
    options: { filters?: EventFilters; since?: number },
    signal: AbortSignal,
  ): AsyncIterable<EngineEvent>;
}

export interface SystemClient {
  ping(signal?: AbortSignal): Promise<void>;
  version(signal?: AbortSignal): Promise<EngineVersion>;
  /** What images take on disk (`docker system df`): the engine adds up every layer once. */
  diskUsage(signal?: AbortSignal): Promise<DiskUsage>;
}

export interface Engine {
  /** Where the engine is, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** The API version in use: the server's, capped at the newest this adapter knows. */
  readonly apiVersion: string;
  readonly system: SystemClient;
  readonly containers: ContainerClient;
  readonly images: ImageClient;
  readonly networks: NetworkClient;
  readonly volumes: VolumeClient;
  readonly exec: ExecClient;
  readonly logs: LogClient;
  readonly events: EventClient;
}
