import { randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Clock } from '../clock.js';
import { builtinXBerthRegistry } from '../composition.js';
import { StackService } from '../deploy/service.js';
import { connectEngine, type Engine } from '../engine/index.js';
import type { Loggers } from '../log/index.js';
import { openStore, processIsAlive } from '../store/index.js';
import { createApp } from './app.js';
import { createAuth } from './auth/index.js';
import { authServiceAuthenticator } from './authenticator.js';
import { watchContainerEvents } from './container-events.js';
import { EventHub } from './events.js';
import { createMetrics } from './metrics.js';
import { OperationRunner } from './operations.js';
import { workspaceStacks, workspaceValidator } from './workspace-source.js';

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  /** Also listen on this unix socket (created mode 0600). */
  readonly socketPath?: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly stateDir: string;
  readonly workspace: string;
  readonly dockerHost?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version: string;
  /** On shutdown, how long running operations get to finish before they are aborted (default 30 s). */
  readonly shutdownGraceMs?: number;
}

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:7300` and `unix:/run/berth.sock`. */
  readonly addresses: string[];
  /** Set on the first start only: the file holding the one-time setup token (mode 0600). */
  readonly setupTokenFile?: string;
  close(): Promise<void>;
}

export class ServeConfigError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly code = 'SERVE_CONFIG_INVALID',
  ) {
    super(message);
  }
}

/** Refuses a configuration that cannot work, before anything is opened. */
export function checkServeConfig(config: ServeConfig): void {
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new ServeConfigError(
      `--port ${config.port} is not a TCP port`,
      'use a port from 1 to 65535 (0 picks a free one)',
    );
  }
  for (const file of config.tls ? [config.tls.certFile, config.tls.keyFile] : []) {
    if (!existsSync(file))
      throw new ServeConfigError(
        `TLS file ${file} does not exist`,
        'give the PEM certificate and key with --tls-cert and --tls-key',
      );
  }
  if (config.socketPath && existsSync(config.socketPath) && !lstatSync(config.socketPath).isSocket()) {
    throw new ServeConfigError(
      `${config.socketPath} exists and is not a socket`,
      'choose another --socket path; Berth removes only a stale socket of its own',
    );
  }
}

function listen(server: Server, target: { port: number; host: string } | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof target === 'string') server.listen(target, () => resolve());
    else server.listen(target.port, target.host, () => resolve());
  });
}

/**
 * `berth serve`: the API on TCP (127.0.0.1 by default) and optionally a 0600 unix socket. On the
 * first start, with no users, it writes a one-time setup token (0600) to the state folder: there
 * is never a default password.
 */
export async function startServer(
  config: ServeConfig,
  clock: Clock,
  loggers: Loggers,
): Promise<RunningServer> {
  checkServeConfig(config);
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const store = openStore({ path: join(config.stateDir, 'berth.db'), clock, isAlive: processIsAlive });
  const auth = createAuth({ store, clock });
  const log = loggers.for('server');
  let setupTokenFile: string | undefined;
  const tokenPath = join(config.stateDir, 'setup-token');
  // A used token's file is removed, so the state folder never holds a token that looks valid.
  const removeSetupToken = () => {
    if (existsSync(tokenPath)) unlinkSync(tokenPath);
  };
  if (auth.setupNeeded()) {
    setupTokenFile = tokenPath;
    writeFileSync(setupTokenFile, `${auth.issueSetupToken()}\n`, { mode: 0o600 });
    chmodSync(setupTokenFile, 0o600);
  } else {
    removeSetupToken();
  }
  const registry = builtinXBerthRegistry();
  const load = { env: config.env, registry };
  const engineOptions = { ...(config.dockerHost ? { host: config.dockerHost } : {}) };
  // Connected on first use and kept; a failed connection is retried on the next call.
  let engineConnection: Promise<Engine> | undefined;
  const engine = () => {
    engineConnection ??= connectEngine(engineOptions).catch((error: unknown) => {
      engineConnection = undefined;
      throw error;
    });
    return engineConnection;
  };
  const shutdown = new AbortController();
  const hub = new EventHub(store.events);
  const runner = new OperationRunner({
    operations: store.operations,
    hub,
    clock,
    newId: () => `op_${randomUUID()}`,
    markInterrupted: (stack, reason) => store.deployments.markInterrupted(stack, reason),
    logger: log,
  });
  const recovered = runner.recover();
  if (recovered.length > 0) {
    log.warn(
      { operations: recovered.map((o) => o.id) },
      'operations of a previous run recorded as interrupted',
    );
  }
  const stacks = new StackService({
    engine,
    store: () => store,
    clock,
    owner: { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') },
    workspace: config.workspace,
    env: config.env,
    registry,
    allowPaths: false,
    logger: loggers.for('deploy'),
  });
  const app = createApp({
    authenticator: authServiceAuthenticator(auth),
    auditLog: store.auditLog,
    shutdown: shutdown.signal,
    metrics: createMetrics({ processMetrics: true }),
    clock,
    version: config.version,
    logger: loggers.for('http'),
    ready: async () => {
      const storeOk = (() => {
        try {
          return store.schemaVersion() > 0;
        } catch {
          return false;
        }
      })();
      const engineOk = await connectEngine({ ...engineOptions, timeoutMs: 2000 })
        .then(() => true)
        .catch(() => false);
      return [
        { name: 'store', ok: storeOk },
        { name: 'engine', ok: engineOk },
      ];
    },
    listStacks: workspaceStacks(config.workspace, load),
    validate: workspaceValidator(config.workspace, load),
    workspaceRoot: config.workspace,
    authRoutes: {
      auth,
      auditLog: store.auditLog,
      clock,
      secureCookies: config.tls !== undefined,
      onSetupComplete: removeSetupToken,
    },
    control: { stacks, runner, operations: store.operations, hub },
  });
  const listener = getRequestListener(app.fetch);
  const servers: Server[] = [];
  const addresses: string[] = [];
  try {
    const tcp = config.tls
      ? createHttpsServer(
          { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
          listener,
        )
      : createHttpServer(listener);
    await listen(tcp, { port: config.port, host: config.host });
    servers.push(tcp);
    const bound = tcp.address();
    const port = typeof bound === 'object' && bound ? bound.port : config.port;
    addresses.push(
      `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    );
    if (config.socketPath) {
      if (existsSync(config.socketPath)) unlinkSync(config.socketPath);
      const unix = createHttpServer(listener);
      await listen(unix, config.socketPath);
      chmodSync(config.socketPath, 0o600);
      servers.push(unix);
      addresses.push(`unix:${config.socketPath}`);
    }
  } catch (error: unknown) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
    store.close();
    throw error;
  }
  // Sessions and throttling records that expired are pruned hourly; the timer never keeps the process alive.
  const prune = setInterval(() => auth.prune(), 3_600_000);
  prune.unref();
  const watching = watchContainerEvents({ engine, hub, signal: shutdown.signal, logger: log });
  log.info({ addresses }, 'berth serve listening');
  return {
    addresses,
    ...(setupTokenFile ? { setupTokenFile } : {}),
    close: async () => {
      clearInterval(prune);
      // No new connections; running operations get their grace period, then are recorded as
      // interrupted; streams (events, logs) end; then the listeners and the store close.
      const closed = Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
      const interrupted = await runner.shutdown(config.shutdownGraceMs ?? 30_000);
      if (interrupted.length > 0) {
        log.warn({ operations: interrupted.map((o) => o.id) }, 'operations interrupted by shutdown');
      }
      shutdown.abort();
      await watching;
      for (const server of servers) server.closeIdleConnections();
      await closed;
      if (config.socketPath && existsSync(config.socketPath)) unlinkSync(config.socketPath);
      store.close();
    },
  };
}
