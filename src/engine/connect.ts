import type Dockerode from 'dockerode';
import { type EngineAddress, parseEngineHost } from './address.js';
import type { EngineLogger } from './call-log.js';
import type { Engine } from './clients.js';
import { containerClient } from './containers.js';
import { loadDockerode } from './dockerode.js';
import { EngineError, isAbortError, UNAVAILABLE_HINT, unavailableError } from './errors.js';
import { eventClient } from './events.js';
import { execClient } from './exec.js';
import { imageClient } from './images.js';
import { logClient } from './logs.js';
import { networkClient } from './networks.js';
import { type RawVersion, systemClient, toEngineVersion } from './system.js';
import { modemTransport, type Transport } from './transport.js';
import { volumeClient } from './volumes.js';

/** The newest API this adapter was written against; newer engines are spoken to at this version. */
export const NEWEST_API_VERSION = '1.47';
/** Docker 20.10: older engines lack what Berth relies on. */
export const OLDEST_API_VERSION = '1.41';
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectConfig {
  /** DOCKER_HOST-style: `unix:///path` or `tcp://host:port`; absent: the default socket. */
  readonly host?: string;
  /** How long the engine gets to answer its version (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Where each Engine API call is logged at debug (the `engine` component); absent: nowhere. */
  readonly logger?: EngineLogger;
}

/** Numeric comparison of `major.minor` API versions. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The version to speak: the server's, capped at the newest this adapter knows. */
export function negotiateApiVersion(serverVersion: string, display: string): string {
  if (!/^\d+\.\d+$/.test(serverVersion)) {
    throw new EngineError(
      'ENGINE_UNAVAILABLE',
      `${display} did not report an API version; is it a Docker engine?`,
      {
        hint: UNAVAILABLE_HINT,
      },
    );
  }
  if (compareApiVersions(serverVersion, OLDEST_API_VERSION) < 0) {
    throw new EngineError(
      'ENGINE_UNAVAILABLE',
      `the engine at ${display} speaks API ${serverVersion}; Berth needs ${OLDEST_API_VERSION} (Docker 20.10) or newer`,
      { hint: 'upgrade Docker to 20.10 or newer' },
    );
  }
  return compareApiVersions(serverVersion, NEWEST_API_VERSION) > 0 ? NEWEST_API_VERSION : serverVersion;
}

function dockerode(Docker: typeof Dockerode, address: EngineAddress, version?: string): Dockerode {
  // Every connection field is set explicitly: docker-modem would otherwise
  // fill the gaps from DOCKER_HOST / DOCKER_CERT_PATH, and the caller's config is the only source.
  const common = {
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    protocol: 'http' as const,
    pathPrefix: '/',
    ...(version === undefined ? {} : { version: `v${version}` }),
  };
  const options: Dockerode.DockerOptions & { pathPrefix?: string } =
    address.kind === 'unix'
      ? { ...common, socketPath: address.socketPath, host: undefined, port: undefined }
      : { ...common, socketPath: undefined, host: address.host, port: address.port };
  try {
    return new Docker(options);
  } catch (err) {
    throw unavailableError(address.display, err instanceof Error ? err.message : String(err), err);
  }
}

export function createEngine(transport: Transport): Engine {
  return {
    endpoint: transport.endpoint,
    apiVersion: transport.apiVersion,
    system: systemClient(transport),
    containers: containerClient(transport),
    images: imageClient(transport),
    networks: networkClient(transport),
    volumes: volumeClient(transport),
    exec: execClient(transport),
    logs: logClient(transport),
    events: eventClient(transport),
  };
}

/**
 * Connects to the engine at `config.host` and agrees on an API version: the
 * unversioned `/version` says what the server speaks. Throws
 * ENGINE_UNAVAILABLE, naming the address, when nothing answers.
 */
export async function connectEngine(config: ConnectConfig = {}): Promise<Engine> {
  const address = parseEngineHost(config.host);
  const timeoutMs = config.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = config.signal ? AbortSignal.any([config.signal, timeout]) : timeout;
  const Docker = await loadDockerode();
  const probe = modemTransport(
    dockerode(Docker, address).modem,
    address.display,
    'unversioned',
    config.logger,
  );
  let raw: unknown;
  try {
    raw = await probe.json({ method: 'GET', path: '/version', signal, action: 'read the engine version' });
  } catch (err) {
    if (config.signal?.aborted) throw err;
    if (timeout.aborted && isAbortError(err)) {
      throw unavailableError(address.display, `no answer within ${timeoutMs} ms`, err);
    }
    throw err;
  }
  const serverVersion = toEngineVersion((raw ?? {}) as RawVersion).apiVersion;
  const apiVersion = negotiateApiVersion(serverVersion, address.display);
  return createEngine(
    modemTransport(dockerode(Docker, address, apiVersion).modem, address.display, apiVersion, config.logger),
  );
}
