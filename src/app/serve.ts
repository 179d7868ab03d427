import { chmodSync, existsSync, lstatSync, unlinkSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { dirname, join } from 'node:path';
import { getRequestListener, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import type { Clock } from '../clock.js';
import { workspaceValidator } from '../compose/workspace-source.js';
import type { AlertSettings } from '../config/alert-resolve.js';
import type { BackupSettings } from '../config/backup-settings.js';
import type { Loggers } from '../log/index.js';
import { createApp } from '../server/app.js';
import { authServiceAuthenticator } from '../server/authenticator.js';
import { requestPath } from '../server/edge.js';
import { labelledContainers, stackScope } from '../server/stack-scope.js';
import type { createWebApp } from '../web/app.js';
import { apiOwns } from '../web/paths.js';
import { type Berth, createBerth } from './berth.js';
import { workspaceFindings } from './findings.js';
import { httpListener, type ListenConfig } from './listener.js';

export interface ServeConfig extends ListenConfig {
  readonly stateDir: string;
  readonly workspace: string;
  readonly dockerHost?: string;
  /** Where `docker login` keeps registry credentials; absent: anonymous pulls. */
  readonly dockerConfigDir?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version: string;
  /** On shutdown, how long running operations get to finish before they are aborted (default 30 s). */
  readonly shutdownGraceMs?: number;
  /** Backup stores and keys; absent: backups are not configured. */
  readonly backup?: BackupSettings;
  /** Alert channels and rules; absent: none (alerts are still recorded). */
  readonly alerts?: AlertSettings;
  /** Open event and log streams per user and on the server; absent: DEFAULT_STREAM_LIMITS (10, 500). */
  readonly streams?: { readonly perUser: number; readonly total: number };
}

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:7300` and `unix:/run/berth.sock`. */
  readonly addresses: string[];
  /** Set on the first start only: the file holding the one-time setup token (mode 0600). */
  readonly setupTokenFile?: string;
  /** The composition root behind the listener (tests reach its services). */
  readonly berth: Berth;
  /** Stops the server: running work gets `graceMs` (default: the configured shutdown grace). */
  close(graceMs?: number): Promise<void>;
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
  if (config.socketPath && !existsSync(dirname(config.socketPath))) {
    throw new ServeConfigError(
      `the folder ${dirname(config.socketPath)} of --socket ${config.socketPath} does not exist`,
      'create the folder, or choose another --socket path',
    );
  }
  if (config.socketPath && existsSync(config.socketPath) && !lstatSync(config.socketPath).isSocket()) {
    throw new ServeConfigError(
      `${config.socketPath} exists and is not a socket`,
      'choose another --socket path; Berth removes only a stale socket of its own',
    );
  }
}

/**
 * On the first start, with no users, a one-time setup token (0600) in the state folder: there is
 * never a default password. A used token's file is removed, so the folder never holds a token that
 * looks valid. Returns the file when it wrote one, and the function that removes it.
 */
function setupToken(berth: Berth, stateDir: string) {
  const file = join(stateDir, 'setup-token');
  const remove = () => {
    if (existsSync(file)) unlinkSync(file);
  };
  const auth = berth.auth();
  if (!auth.setupNeeded()) {
    remove();
    return { remove };
  }
  writeFileSync(file, `${auth.issueSetupToken()}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, remove };
}

/**
 * `berth serve`: the composition root with an HTTP listener in front of it. The addresses are taken
 * first, so a port in use fails before the state is opened; a failure later closes what was opened.
 */
export async function startServer(
  config: ServeConfig,
  clock: Clock,
  loggers: Loggers,
): Promise<RunningServer> {
  checkServeConfig(config);
  const streams = new AbortController();
  // The listener answers 503 until Berth has started; the handler is set before that.
  let handle: RequestListener = () => undefined;
  const listener = httpListener(
    config,
    (req, res) => handle(req, res),
    () => streams.abort(),
  );
  await listener.bind();
  let berth: Berth | undefined;
  try {
    berth = createBerth({
      stateDir: config.stateDir,
      workspace: config.workspace,
      ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
      ...(config.dockerConfigDir ? { dockerConfigDir: config.dockerConfigDir } : {}),
      env: config.env,
      clock,
      loggers,
      allowPaths: false,
      process: 'serve',
      processMetrics: true,
      backup: () => config.backup,
      alerts: () => config.alerts,
    });
    const token = setupToken(berth, config.stateDir);
    handle = getRequestListener(serveRoutes(berth, config, clock, loggers, { token, streams }));
    berth.lifecycle.register(listener);
    await berth.start();
    loggers.for('server').info({ addresses: listener.addresses }, 'berth serve listening');
    const started = berth;
    return {
      addresses: listener.addresses,
      ...(token.file ? { setupTokenFile: token.file } : {}),
      berth: started,
      close: (graceMs) => started.stop(graceMs ?? config.shutdownGraceMs ?? 30_000),
    };
  } catch (error: unknown) {
    // Berth's own start stops what it started; what was opened before it (the store) and the
    // listener, which it may not have reached, are closed here.
    await berth?.stop(0).catch(() => undefined);
    await Promise.resolve(listener.close?.()).catch(() => undefined);
    throw error;
  }
}

/** The API, and the dashboard (src/web) for every path the API does not answer. */
function serveRoutes(
  berth: Berth,
  config: ServeConfig,
  clock: Clock,
  loggers: Loggers,
  { token, streams }: { token: { remove: () => void }; streams: AbortController },
) {
  const store = berth.store();
  const load = { env: config.env, registry: berth.registry };
  const listStacks = berth.listStacks;
  const app = createApp({
    authenticator: authServiceAuthenticator(berth.auth()),
    auditLog: store.auditLog,
    shutdown: streams.signal,
    metrics: berth.metrics,
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
      return [
        { name: 'store', ok: storeOk },
        { name: 'engine', ok: await berth.engine.probe(2000) },
      ];
    },
    listStacks,
    workspaceError: berth.workspaceError,
    lastDeployments: (stacks) => store.deployments.latest(stacks),
    validate: workspaceValidator(config.workspace, load),
    workspaceRoot: config.workspace,
    authRoutes: {
      auth: berth.auth(),
      auditLog: store.auditLog,
      clock,
      secureCookies: config.tls !== undefined,
      onSetupComplete: token.remove,
    },
    control: {
      stacks: berth.stacks(),
      runner: berth.runner(),
      operations: store.operations,
      hub: berth.events(),
      scope: stackScope({
        workspace: listStacks,
        recorded: (stack) => store.deployments.recorded(stack),
        traces: (stack) => store.stackRecords.any(stack),
        containers: labelledContainers(berth.stacks()),
        unreadable: berth.workspaceError,
      }),
      ...(config.streams
        ? { streamLimits: { perPrincipal: config.streams.perUser, total: config.streams.total } }
        : {}),
    },
    jobs: { jobs: berth.jobs(), summaries: berth.jobSummaries(), runner: berth.runner() },
    backups: { backups: berth.backups(), runner: berth.runner(), jobState: () => store.jobState },
    health: { health: berth.health() },
    alerts: { alerts: berth.alerts() },
    findings: {
      findings: workspaceFindings({
        workspace: config.workspace,
        load,
        clock,
        version: config.version,
        listStacks,
        workspaceError: berth.workspaceError,
      }),
    },
  });
  // The dashboard (src/web) answers every path the API does not, calling the API in-process. It is
  // loaded on the first page request: an API-only or idle server never holds its renderer.
  let web: Promise<ReturnType<typeof createWebApp>> | undefined;
  const dashboard = () => {
    if (web === undefined) {
      const loading = import('../web/app.js').then((module) =>
        module.createWebApp({
          api: async (request, env) => app.fetch(request, env),
          logger: loggers.for('web'),
          clock,
        }),
      );
      // A failed load is tried again by the next page request, not kept.
      loading.catch(() => {
        if (web === loading) web = undefined;
      });
      web = loading;
    }
    return web;
  };
  const route = (request: Request, env: HttpBindings | Http2Bindings) =>
    apiOwns(requestPath(request.url))
      ? app.fetch(request, env)
      : dashboard().then((w) => w.fetch(request, env));
  return route;
}
