import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Auth, createAuth } from '../access/auth.js';
import { raisesAlert } from '../alerts/classify.js';
import type { AlertService } from '../alerts/service.js';
import type { OperationRecord } from '../api/operations.js';
import { preDeployBackups } from '../backup/pre-deploy.js';
import { recoverRestore, restoreTraceOf } from '../backup/restore-recover.js';
import type { BackupService } from '../backup/service.js';
import type { Clock } from '../clock.js';
import type { WorkspaceLoad } from '../compose/stack.js';
import { type StackInfo, stackInfos, workspaceLoads } from '../compose/workspace-source.js';
import type { XBerthRegistry } from '../compose/xberth/registry.js';
import type { AlertSettings } from '../config/alert-resolve.js';
import type { BackupSettings } from '../config/backup-settings.js';
import type { DeployError } from '../deploy/errors.js';
import { workspaceUnreadable } from '../deploy/stack-source.js';
import { EventHub } from '../events/hub.js';
import type { HealthService } from '../health/service.js';
import type { JobService } from '../jobs/service.js';
import { JobSummaries } from '../jobs/summary.js';
import type { Loggers } from '../log/index.js';
import { recordOperation } from '../metrics/operations.js';
import { type AppMetrics, createMetrics } from '../metrics/registry.js';
import { deploymentRecorded } from '../operations/deployment-recorded.js';
import { interruptedError } from '../operations/interrupted.js';
import { OperationRunner } from '../operations/runner.js';
import { type OperationOwner, openStore, processIsAlive, type Store } from '../store/index.js';
import { wireBackground } from './background.js';
import { type EngineConnection, engineConnection } from './engine-connection.js';
import { lazyStackService, type Stacks } from './lazy-stacks.js';
import { markLeftDeployments } from './left-deployments.js';
import { Lifecycle } from './lifecycle.js';
import { once } from './once.js';
import { recoverLeftovers } from './operations-service.js';
import { withBackupPreview } from './plan-backups.js';
import { builtinXBerthRegistry } from './registry.js';
import { registryAuth } from './registry-auth.js';
import { secureStateDir } from './state-dir.js';
import { watchedWorkspace } from './workspace-watch.js';

/** What a Berth needs to know, from the validated configuration (src/config) and the process. */
export interface BerthOptions {
  /** Where the SQLite state lives (created 0700). */
  readonly stateDir: string;
  /** The workspace that stack names are looked up in. */
  readonly workspace: string;
  /** DOCKER_HOST-style address of the engine; absent: the default socket. */
  readonly dockerHost?: string;
  /** Where `docker login` keeps registry credentials (config.json); absent: images are pulled anonymously. */
  readonly dockerConfigDir?: string;
  /** Variables for compose interpolation (with each stack's `.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly loggers: Loggers;
  /** Stacks may be named by a path (the CLI in-process), not only by name (the API). */
  readonly allowPaths: boolean;
  /** Process metrics (CPU, memory): on for `berth serve`. */
  readonly processMetrics?: boolean;
  /** Backup stores and keys (the config file's `backup:`); undefined: not configured. May throw a located problem. */
  readonly backup?: () => BackupSettings | undefined;
  /** Alert channels and rules (the config file's `alerts:`); undefined: none (alerts are still recorded). */
  readonly alerts?: () => AlertSettings | undefined;
  /**
   * Which process this is, recorded as the owner of its operations: a `berth serve` at start takes
   * every other server's running operation for a previous one's (OperationOwner).
   */
  readonly process: OperationOwner['process'];
}

/**
 * One Berth: the store, one engine connection, the stack service, the operation runner, the event
 * hub, authentication and the background services, wired once. `berth serve` adds an HTTP listener
 * (app/serve.ts); the CLI's `--local` uses the stack service without one (app/local-client.ts).
 * Parts are built on first use, so a command that fails early opens no state file and no engine.
 */
export interface Berth {
  readonly options: BerthOptions;
  readonly clock: Clock;
  readonly registry: XBerthRegistry;
  readonly engine: EngineConnection;
  readonly metrics: AppMetrics;
  readonly lifecycle: Lifecycle;
  store(): Store;
  /** The stack service; its code (src/deploy) loads on the first call of one of its methods. */
  stacks(): Stacks;
  events(): EventHub;
  runner(): OperationRunner;
  auth(): Auth;
  /** The workspace as it loads now; loaded again only when a file it was read from changed. */
  workspace(): Promise<WorkspaceLoad>;
  /**
   * The stacks of the workspace as the API lists them, as fresh as `workspace()`, but answered from
   * file-change notifications instead of a stat of every file while they are being watched (`berth serve`).
   */
  listStacks(): Promise<readonly StackInfo[]>;
  /**
   * Why the workspace's catalog (berth.yaml) cannot be read now, as the coded error plan and up give
   * (file:line:col, hint); undefined when it loads. From the same load as `listStacks`.
   */
  workspaceError(): Promise<DeployError | undefined>;
  jobs(): JobService;
  jobSummaries(): JobSummaries;
  backups(): BackupService;
  /** Probes, container watch, uptime history. */
  health(): HealthService;
  /** Alerts from events, delivered to channels on a persistent queue. */
  alerts(): AlertService;
  /**
   * What operations of `stack` a process now gone left running (a killed `berth --local` restore):
   * recorded as interrupted, what they left put back (a restore's stopped services started again),
   * each alerted. A `--local` command calls it before it changes the stack; `berth serve` does the
   * same for every stack at start. Returns the operations it recorded as interrupted.
   */
  recoverInterrupted(stack: string): Promise<readonly OperationRecord[]>;
  /** Starts the background services (the store first). */
  start(): Promise<void>;
  /**
   * Drains and closes the background services, newest first; running operations get `graceMs`.
   * Without a start, it closes what was opened on use.
   */
  stop(graceMs: number): Promise<void>;
}

export function createBerth(options: BerthOptions): Berth {
  const { clock, loggers } = options;
  const log = loggers.for('server');
  const registry = builtinXBerthRegistry();
  const engine = engineConnection({
    clock,
    logger: loggers.for('engine'),
    ...(options.dockerHost ? { host: options.dockerHost } : {}),
  });
  const metrics = createMetrics({ processMetrics: options.processMetrics === true });
  const lifecycle = new Lifecycle(log, clock);
  const owner: OperationOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(12).toString('hex'),
    process: options.process,
  };

  let opened: Store | undefined;
  const store = once(() => {
    const { tightenedFrom } = secureStateDir(options.stateDir);
    if (tightenedFrom !== undefined) {
      log.warn(
        { stateDir: options.stateDir, mode: tightenedFrom },
        'the state folder was open to other users; its mode is now 0700',
      );
    }
    opened = openStore({
      path: join(options.stateDir, 'berth.db'),
      clock,
      isAlive: processIsAlive,
      self: owner,
    });
    const copy = opened.upgradeCopy;
    if (copy !== undefined)
      log.warn(
        { copy: copy.path, from: copy.from, to: copy.to },
        'upgraded the state file to this Berth; a copy from before the upgrade is kept, to go back to the older Berth',
      );
    return opened;
  });
  const events = once(() => new EventHub(store().events));
  // What a restore recorded of its steps (its events): what its recovery starts, which safety backup.
  const restoreTrace = (operation: string) => restoreTraceOf((...a) => events().backlog(...a), operation);
  const restores = (op: OperationRecord) =>
    recoverRestore({ engine, events: events(), trace: restoreTrace }, op);
  const runner = once(() => {
    const r = new OperationRunner({
      operations: store().operations,
      events: events(),
      clock,
      newId: () => `op_${randomUUID()}`,
      markInterrupted: markLeftDeployments(store, owner),
      // A restore's error names its safety backup, as its recorded steps tell.
      interruptedError: (op, stopped) =>
        interruptedError(op.kind, op.stack, op.kind === 'restore' ? restoreTrace(op.id) : undefined, stopped),
      owner: { self: owner, isAlive: processIsAlive },
      logger: log,
      // An operation whose own events raised an alert (a deploy's `done`) is not alerted again.
      raisesAlert,
    });
    r.onFinished(recordOperation(metrics, deploymentRecorded(store())));
    return r;
  });
  const auth = once(() => createAuth({ store: store(), clock }));
  const workspace = workspaceLoads(options.workspace, { env: options.env, registry });
  const watched = once(() => watchedWorkspace(workspace));
  let listed: { load: WorkspaceLoad; stacks: readonly StackInfo[] } | undefined;
  const listStacks = async (): Promise<readonly StackInfo[]> => {
    const load = await watched().load();
    if (listed?.load !== load) listed = { load, stacks: stackInfos(load) };
    return listed.stacks;
  };
  const workspaceError = async (): Promise<DeployError | undefined> =>
    workspaceUnreadable(await watched().load(), options.workspace);
  const deployStacks = once(() =>
    lazyStackService({
      engine,
      store,
      clock,
      owner,
      workspace: options.workspace,
      env: options.env,
      registry,
      allowPaths: options.allowPaths,
      logger: loggers.for('deploy'),
      preDeploy: (loaded, services, context) =>
        preDeployBackups(background.backups(), loaded, services, context),
      ...registryAuth(options.dockerConfigDir),
    }),
  );
  // The plan says which pre-deploy backups `up` would take, and which would fail.
  const stacks = once(() =>
    withBackupPreview(deployStacks(), { engine, backups: () => background.backups() }),
  );

  lifecycle.register({
    name: 'store',
    start: () => {
      store();
    },
    close: () => opened?.close(),
  });
  lifecycle.register({
    name: 'workspace-watch',
    start: () => undefined,
    close: () => watched().close(),
  });
  // What runs without a request: alerts, the runner's recovery, stack files, schedulers, health.
  const background = wireBackground(lifecycle, {
    engine,
    store,
    clock,
    events,
    loggers,
    metrics,
    workspace,
    owner,
    backupSettings: options.backup ?? (() => undefined),
    alertSettings: options.alerts ?? (() => undefined),
    runner,
    stacks,
    restores,
    auth,
  });
  const { jobs, backups, health, alerts } = background;
  const jobSummaries = once(() => new JobSummaries({ store, clock, jobs: jobs() }));

  return {
    options,
    clock,
    registry,
    engine,
    metrics,
    lifecycle,
    store,
    stacks,
    events,
    runner,
    auth,
    workspace,
    listStacks,
    workspaceError,
    jobs,
    jobSummaries,
    backups,
    health,
    alerts,
    recoverInterrupted: async (stack) => {
      const recovered = runner().recover(stack);
      await recoverLeftovers(
        recovered,
        { stacks, restores, events, log },
        `Before a berth --local command on ${stack}`,
      );
      return recovered;
    },
    start: () => lifecycle.start(),
    stop: async (graceMs) => {
      // Used without starting (the CLI in-process), only the store may be open.
      if (lifecycle.status === 'new') opened?.close();
      else await lifecycle.stop(graceMs);
    },
  };
}
