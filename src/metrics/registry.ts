import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The app's metrics, in a registry of its own (never prom-client's global one), so two apps in one
 * process (tests) never share or double-register series.
 */
export interface AppMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** One increment per finished deploy (`up` operation), by how it ended. */
  readonly deploys: Counter<'stack' | 'outcome'>;
  readonly deployDuration: Histogram<'outcome'>;
  /** One increment per `up` refused before it recorded a deployment, by error code. */
  readonly deploysRefused: Counter<'stack' | 'code'>;
  /** Docker Engine failures seen by requests and operations, by code (ENGINE_UNAVAILABLE…). */
  readonly engineErrors: Counter<'code'>;
  /** Per job: when it last succeeded (Unix seconds), and the exit code of its last run. */
  readonly jobLastSuccess: Gauge<'stack' | 'service' | 'job'>;
  readonly jobLastExitCode: Gauge<'stack' | 'service' | 'job'>;
  /** Per service with backups: when its newest good (drilled) backup was taken, and its last drill's result. */
  readonly backupLastGood: Gauge<'stack' | 'service'>;
  readonly backupLastDrillPassed: Gauge<'stack' | 'service'>;
  /** Per probe: 1 up, 0 down (absent while unknown); how long its runs take; how late they start. */
  readonly probeUp: Gauge<'stack' | 'service' | 'probe'>;
  /** Run durations by stack and probe type (a histogram per probe would cost 13 series each). */
  readonly probeDuration: Histogram<'stack' | 'type'>;
  readonly probeLastDuration: Gauge<'stack' | 'service' | 'probe'>;
  readonly probeLag: Histogram;
  /** Per service container: how often the engine restarted it. */
  readonly containerRestarts: Gauge<'stack' | 'service' | 'container'>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop): on for `berth serve`, off in tests. */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): AppMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'berth_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'berth_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    deploys: new Counter({
      name: 'berth_deploys_total',
      help: 'Finished deploys by stack and outcome (unchanged, succeeded, failed, rolled-back)',
      labelNames: ['stack', 'outcome'],
      registers: [registry],
    }),
    deploysRefused: new Counter({
      name: 'berth_deploys_refused_total',
      help: 'Deploys refused before they started, recording no deployment (invalid stack, refused plan, lock held), by stack and error code',
      labelNames: ['stack', 'code'],
      registers: [registry],
    }),
    deployDuration: new Histogram({
      name: 'berth_deploy_duration_seconds',
      help: 'Deploy duration by outcome',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      registers: [registry],
    }),
    jobLastSuccess: new Gauge({
      name: 'berth_job_last_success_timestamp_seconds',
      help: 'When each scheduled job last succeeded, as Unix seconds',
      labelNames: ['stack', 'service', 'job'],
      registers: [registry],
    }),
    jobLastExitCode: new Gauge({
      name: 'berth_job_last_exit_code',
      help: 'The exit code of the last run of each scheduled job that ran a command',
      labelNames: ['stack', 'service', 'job'],
      registers: [registry],
    }),
    backupLastGood: new Gauge({
      name: 'berth_backup_last_good_timestamp_seconds',
      help: 'When the newest backup whose restore drill passed was taken, per service, as Unix seconds (age: time() minus this)',
      labelNames: ['stack', 'service'],
      registers: [registry],
    }),
    backupLastDrillPassed: new Gauge({
      name: 'berth_backup_last_drill_passed',
      help: 'Whether the last restore drill of each service’s backups passed (1) or failed (0)',
      labelNames: ['stack', 'service'],
      registers: [registry],
    }),
    probeUp: new Gauge({
      name: 'berth_probe_up',
      help: 'Whether each probe is UP (1) or DOWN (0) after its thresholds; absent while unknown',
      labelNames: ['stack', 'service', 'probe'],
      registers: [registry],
    }),
    probeDuration: new Histogram({
      name: 'berth_probe_duration_seconds',
      help: 'How long probe runs took (response time of the check), by stack and probe type',
      labelNames: ['stack', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    probeLastDuration: new Gauge({
      name: 'berth_probe_last_duration_seconds',
      help: 'How long the last run of each probe took',
      labelNames: ['stack', 'service', 'probe'],
      registers: [registry],
    }),
    probeLag: new Histogram({
      name: 'berth_probe_schedule_lag_seconds',
      help: 'How late probe runs start after they are due (the monitor keeping up)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    containerRestarts: new Gauge({
      name: 'berth_container_restarts',
      help: 'How often the engine restarted each service container (its restart count)',
      labelNames: ['stack', 'service', 'container'],
      registers: [registry],
    }),
    engineErrors: new Counter({
      name: 'berth_engine_errors_total',
      help: 'Docker Engine failures seen by API requests and operations, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
