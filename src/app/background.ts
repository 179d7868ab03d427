import type { Auth } from '../access/auth.js';
import type { AlertService } from '../alerts/service.js';
import { EventTail } from '../alerts/tail.js';
import type { OperationRecord } from '../api/operations.js';
import { BackupScheduler } from '../backup/scheduler.js';
import type { BackupService } from '../backup/service.js';
import type { Clock } from '../clock.js';
import { watchContainerEvents } from '../events/container-watcher.js';
import type { EventHub, EventPublisher } from '../events/hub.js';
import type { HealthService } from '../health/service.js';
import { Scheduler } from '../jobs/scheduler.js';
import type { JobService } from '../jobs/service.js';
import type { Logger, Loggers } from '../log/index.js';
import { recordBackup } from '../metrics/backups.js';
import type { AppMetrics } from '../metrics/registry.js';
import { type OperationRunner, progressEventInput } from '../operations/runner.js';
import type { Store } from '../store/index.js';
import type { EngineConnection } from './engine-connection.js';
import type { Stacks } from './lazy-stacks.js';
import type { BackgroundService, Lifecycle } from './lifecycle.js';

/** The parts of a Berth that its background services need (built on first use by createBerth). */
export interface BackgroundParts {
  readonly engine: EngineConnection;
  readonly store: () => Store;
  readonly clock: Clock;
  readonly events: () => EventHub;
  readonly loggers: Loggers;
  readonly metrics: AppMetrics;
  /** Whether the server answers for a stack (servesStack). */
  readonly serves: (stack: string) => Promise<boolean>;
  readonly jobs: () => JobService;
  readonly backups: () => BackupService;
  readonly health: () => HealthService;
  readonly alerts: () => AlertService;
  readonly auth: () => Auth;
}

/**
 * The services that run without a request, registered in the order they start (and drain in
 * reverse): the engine's container events, the job scheduler, backups, health, and the hourly auth
 * pruning. The store, alert routing (alertRouting below) and the operation runner are registered
 * before these by createBerth, so alerts see every event the others publish and drain last.
 */
export function registerBackground(lifecycle: Lifecycle, parts: BackgroundParts): void {
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

/**
 * Alerts, as a background service. They start before anything publishes and drain after the
 * producers, so their last events are still routed; `handle` only writes rows and wakes the channel
 * lanes: it never waits on one. This process's events are handled as they are published; the tail
 * reads, once a second, what other processes stored in the state file (`berth --local backup` from
 * cron) and routes it too, and on start what was stored while the server was stopped (up to a day
 * old: see src/alerts/tail.ts).
 */
export function alertRouting(
  parts: Pick<BackgroundParts, 'store' | 'clock' | 'events' | 'loggers' | 'alerts'>,
): BackgroundService {
  const { store, clock, events, loggers, alerts } = parts;
  const log = loggers.for('alerts');
  let stopLive: (() => void) | undefined;
  let tail: EventTail | undefined;
  return {
    name: 'alerts',
    start: () => {
      alerts().start();
      const started = new EventTail({
        store,
        clock,
        handle: (e) => alerts().handle(e),
        onError: (error) => log.warn({ err: error }, 'the events of other processes could not be read'),
        onTooOld: (count) =>
          log.warn({ events: count }, 'events stored more than a day ago were not routed to alerts'),
      });
      tail = started;
      stopLive = events().subscribe((e) => started.live(e));
      started.start();
    },
    drain: (graceMs) => alerts().drain(graceMs),
    close: async () => {
      stopLive?.();
      await tail?.stop();
    },
  };
}

/**
 * The operation runner as a background service. At start it records what a previous process left
 * running as interrupted, and puts back what its interrupted deploys left (unverified containers under
 * the services' names, the last good ones parked), in the background, as the stack's next `up` or
 * `restart` would; each step is in the deployment's events. An interrupted restore's stopped services
 * are started again (`restores`). At drain, running operations get the grace.
 */
export function operationsService(parts: {
  readonly runner: () => OperationRunner;
  readonly stacks: () => Pick<Stacks, 'recover'>;
  /** Starts again what an interrupted restore stopped; says what it did (undefined: nothing recorded). */
  readonly restores?: (op: OperationRecord) => Promise<string | undefined>;
  /** Where each step of putting back an interrupted deploy is told, as an event of its operation. */
  readonly events?: () => EventPublisher;
  readonly log: Logger;
}): BackgroundService {
  const { runner, stacks, restores, events, log } = parts;
  return {
    name: 'operations',
    start: () => {
      const recovered = runner().recover();
      if (recovered.length > 0) {
        log.warn(
          { operations: recovered.map((o) => o.id) },
          'operations of a previous run recorded as interrupted',
        );
      }
      for (const stack of new Set(recovered.filter((o) => o.kind === 'up').map((o) => o.stack))) {
        // Told as the stack's deploy events (its deployments keep them too). Not as the interrupted
        // operation's: its stream ended with the `finished` event that recorded it interrupted.
        stacks()
          .recover(stack, (e) => {
            log.warn({ stack, service: e.service }, e.message);
            events?.().publish(progressEventInput('deploy', stack, e));
          })
          .catch((error: unknown) =>
            log.warn(
              { err: error, stack },
              'could not put back what an interrupted deploy left; the next berth up of the stack will try again',
            ),
          );
      }
      for (const op of recovered.filter((o) => o.kind === 'restore')) {
        restores?.(op)
          .then((message) => {
            if (message) log.warn({ stack: op.stack, operation: op.id }, message);
          })
          .catch((error: unknown) =>
            log.warn(
              { err: error, stack: op.stack, operation: op.id },
              `could not start again what the interrupted restore ${op.id} stopped: \`berth up ${op.stack}\` starts it; its error names the safety backup to restore`,
            ),
          );
      }
    },
    drain: async (graceMs) => {
      const interrupted = await runner().shutdown(graceMs);
      if (interrupted.length > 0) {
        log.warn({ operations: interrupted.map((o) => o.id) }, 'operations interrupted by shutdown');
      }
    },
  };
}
