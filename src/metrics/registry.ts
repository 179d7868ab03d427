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
  /** Docker Engine failures seen by requests and operations, by code (ENGINE_UNAVAILABLE…). */
  readonly engineErrors: Counter<'code'>;
  /** Per job: when it last succeeded (Unix seconds), and the exit code of its last run. */
  readonly jobLastSuccess: Gauge<'stack' | 'service' | 'job'>;
  readonly jobLastExitCode: Gauge<'stack' | 'service' | 'job'>;
  /** Per service with backups: when its newest good (drilled) backup was taken, and its last drill's result. */
  readonly backupLastGood: Gauge<'stack' | 'service'>;
  readonly backupLastDrillPassed: Gauge<'stack' | 'service'>;
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
    engineErrors: new Counter({
      name: 'berth_engine_errors_total',
      help: 'Docker Engine failures seen by API requests and operations, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
