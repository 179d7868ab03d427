import type { Auth } from '../access/auth.js';
import { AlertService } from '../alerts/service.js';
import type { OperationRecord } from '../api/operations.js';
import { BackupScheduler } from '../backup/scheduler.js';
import { BackupService } from '../backup/service.js';
import type { WorkspaceLoad } from '../compose/stack.js';
import type { AlertSettings } from '../config/alert-resolve.js';
import type { BackupSettings } from '../config/backup-settings.js';
import { withStackLock } from '../deploy/lock.js';
import { watchContainerEvents } from '../events/container-watcher.js';
import { HealthService } from '../health/service.js';
import { Scheduler } from '../jobs/scheduler.js';
import { JobService } from '../jobs/service.js';
import { recordBackup } from '../metrics/backups.js';
import { recordHealth } from '../metrics/health.js';
import { recordJobRun } from '../metrics/jobs.js';
import type { OperationRunner } from '../operations/runner.js';
import type { LockOwner } from '../store/index.js';
import { alertRouting } from './alert-routing.js';
import type { Stacks } from './lazy-stacks.js';
import type { Lifecycle } from './lifecycle.js';
import { once } from './once.js';
import { operationsService } from './operations-service.js';
import type { BerthParts } from './parts.js';
import { servesStack } from './serves.js';
import { StackFiles } from './stack-files.js';

/** What the work that runs without a request needs of a Berth (createBerth builds each part on first use). */
export interface BackgroundOptions extends BerthParts {
  /** The workspace as it loads now (workspaceLoads). */
  readonly workspace: () => Promise<WorkspaceLoad>;
  /** This process, as the owner of the stack locks backups take. */
  readonly owner: LockOwner;
  /** Backup stores and keys (BerthOptions.backup). */
  readonly backupSettings: () => BackupSettings | undefined;
  /** Alert channels and rules (BerthOptions.alerts). */
  readonly alertSettings: () => AlertSettings | undefined;
  readonly runner: () => OperationRunner;
  /** The stack service: interrupted deploys are put back at start. */
  readonly stacks: () => Pick<Stacks, 'recover'>;
  /** Starts again what an interrupted restore stopped, as its recorded steps tell; says what it did. */
  readonly restores: (op: OperationRecord) => Promise<string | undefined>;
  readonly auth: () => Auth;
}

/** The services that run without a request, built on first use; the API reads them too. */
export interface BackgroundServices {
  readonly jobs: () => JobService;
  readonly backups: () => BackupService;
  /** Probes, container watch, uptime history. */
  readonly health: () => HealthService;
  /** Alerts from events, delivered to channels on a persistent queue. */
  readonly alerts: () => AlertService;
}

/**
 * Builds the services that run without a request and registers them with `lifecycle`, after the
 * store (createBerth registers it first): alert routing, the operation runner (its recovery of
 * interrupted deploys and restores), the stacks' files, then registerBackground's. What runs without
 * a request reads the workspace's stacks through StackFiles: the last good version of a stack whose
 * files stop loading.
 */
export function wireBackground(lifecycle: Lifecycle, options: BackgroundOptions): BackgroundServices {
  const { engine, store, clock, events, loggers, metrics, owner, runner, stacks, restores } = options;
  const log = loggers.for('server');
  // What runs without a request keeps the last good version of a stack whose files stop loading.
  const stackFiles = once(
    () =>
      new StackFiles({
        load: options.workspace,
        events,
        openAlertKeys: () =>
          store()
            .alerts.openAlerts()
            .map((a) => a.key),
        logger: log,
      }),
  );
  const scheduledStacks = () => stackFiles().stacks();
  // What each service that runs without a request is built on: its stacks are StackFiles'.
  const scheduled = { engine, store, clock, events, stacks: scheduledStacks };
  const jobs = once(() => {
    const service = new JobService({ ...scheduled, logger: loggers.for('jobs') });
    service.onRunFinished(recordJobRun(metrics));
    return service;
  });
  const backups = once(() => {
    const service = new BackupService({
      ...scheduled,
      settings: options.backupSettings,
      logger: loggers.for('backup'),
      lock: (stack, action) => withStackLock({ store: store(), owner }, stack, action),
    });
    service.onFinished(recordBackup(metrics));
    return service;
  });
  const alerts = once(
    () =>
      new AlertService({
        store,
        clock,
        settings: options.alertSettings,
        logger: loggers.for('alerts'),
        events,
      }),
  );
  const serves = servesStack(store, options.workspace);
  const health = once(() => {
    const service = new HealthService({
      ...scheduled,
      serves,
      subscribe: (listener) => events().subscribe(listener),
      logger: loggers.for('health'),
    });
    recordHealth(metrics, service);
    return service;
  });

  // Alerts start before the runner (what recovering it records is routed at once) and drain after it:
  // a deploy the shutdown interrupts is alerted before this process ends, not on the next start.
  lifecycle.register(alertRouting({ store, clock, events, loggers, alerts }));
  lifecycle.register(
    operationsService({
      runner,
      stacks,
      log,
      events,
      restores,
    }),
  );
  lifecycle.register({
    name: 'stack-files',
    start: async () => {
      stackFiles().startReporting();
      await scheduledStacks().catch((error: unknown) =>
        log.warn({ err: error }, 'could not read the workspace to check its stacks load'),
      );
    },
    close: () => undefined,
  });
  const services = { jobs, backups, health, alerts };
  registerBackground(lifecycle, { ...options, ...services, serves });
  return services;
}

/** The parts of a Berth that its background services need (built on first use by createBerth). */
interface BackgroundParts extends BerthParts, BackgroundServices {
  /** Whether the server answers for a stack (servesStack). */
  readonly serves: (stack: string) => Promise<boolean>;
  readonly auth: () => Auth;
}

/**
 * The services that run without a request, registered in the order they start (and drain in
 * reverse): the engine's container events, the job scheduler, backups, health, and the hourly auth
 * pruning. The store (createBerth), alert routing (alertRouting below), the operation runner and the
 * stacks' files are registered before these, so alerts see every event the others publish and drain last.
 */
function registerBackground(lifecycle: Lifecycle, parts: BackgroundParts): void {
  const { engine, store, clock, events, loggers, metrics, serves, jobs, backups, health, auth } = parts;
  const log = loggers.for('server');
  const watching = new AbortController();
  let watcher: Promise<void> | undefined;
  lifecycle.register({
    name: 'container-events',
    start: () => {
      watcher = watchContainerEvents({
        engine,
        events: events(),
        // Only this server's stacks: another Berth's containers on the same engine are not its events.
        accept: serves,
        signal: watching.signal,
        logger: log,
      });
    },
    close: async () => {
      watching.abort();
      await watcher;
    },
  });
  let scheduler: Scheduler | undefined;
  lifecycle.register({
    name: 'scheduler',
    start: () => {
      scheduler = new Scheduler({ jobs: jobs(), engine, store, clock, events, logger: loggers.for('jobs') });
      scheduler.start();
    },
    drain: (graceMs) => scheduler?.drain(graceMs),
  });
  let backupScheduler: BackupScheduler | undefined;
  lifecycle.register({
    name: 'backups',
    // What a stopped Berth left (running records, partial files, scratch containers) goes first.
    // Cleaning up needs the engine, which may be down: it goes on in the background, and backups
    // wait for it (a partial being cleaned must not be a new backup's).
    start: () => {
      const recovered = backups()
        .recover()
        .catch((error: unknown) =>
          loggers.for('backup').warn({ err: error }, 'could not clean up after a previous process'),
        );
      // The gauges start from what the store knows: a restart does not blank them until the next drill.
      void backups()
        .entries()
        .then((entries) => {
          for (const e of entries) {
            const drilled = backups()
              .list(e.stack, { service: e.service })
              .filter((b) => b.drill.status === 'passed' || b.drill.status === 'failed');
            const good = drilled.find((b) => b.drill.status === 'passed');
            if (good) recordBackup(metrics)(good);
            if (drilled[0]) recordBackup(metrics)(drilled[0]);
          }
        })
        .catch(() => undefined);
      backupScheduler = new BackupScheduler({
        backups: backups(),
        store,
        clock,
        events,
        logger: loggers.for('backup'),
      });
      void recovered.then(() => backupScheduler?.start());
    },
    drain: (graceMs) => backupScheduler?.drain(graceMs),
  });
  let healthStarted = false;
  lifecycle.register({
    name: 'health',
    // Probes and the container watch run in `berth serve`; the CLI in-process only reads.
    start: () => {
      health().start();
      healthStarted = true;
    },
    drain: (graceMs) => (healthStarted ? health().drain(graceMs) : undefined),
  });
  let prune: NodeJS.Timeout | undefined;
  lifecycle.register({
    name: 'auth-prune',
    // Sessions and throttling records that expired are pruned hourly; the timer never keeps the process alive.
    start: () => {
      prune = setInterval(() => auth().prune(), 3_600_000);
      prune.unref();
    },
    drain: () => clearInterval(prune),
  });
}
