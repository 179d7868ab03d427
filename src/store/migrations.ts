import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { StoreError } from './errors.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
}

/**
 * Append-only: a released migration is never edited, only followed by a new one, because databases in
 * the field already recorded it as applied.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: `
      CREATE TABLE deployments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stack TEXT NOT NULL,
        trigger TEXT NOT NULL CHECK (trigger IN ('cli', 'api', 'schedule', 'webhook', 'install-phase')),
        actor TEXT,
        plan_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'rolled-back', 'interrupted')),
        summary TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX deployments_stack_id ON deployments (stack, id DESC);
      CREATE INDEX deployments_running ON deployments (stack) WHERE status = 'running';

      CREATE TABLE deployment_events (
        deployment_id INTEGER NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        service TEXT,
        message TEXT NOT NULL,
        data_json TEXT,
        PRIMARY KEY (deployment_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE service_results (
        deployment_id INTEGER NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('unchanged', 'succeeded', 'failed', 'rolled-back', 'skipped')),
        reason TEXT,
        exit_code INTEGER,
        log_tail_json TEXT,
        health_output TEXT,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (deployment_id, service)
      ) WITHOUT ROWID;

      CREATE TABLE stack_locks (
        stack TEXT PRIMARY KEY,
        owner_pid INTEGER NOT NULL,
        owner_host TEXT NOT NULL,
        token TEXT NOT NULL,
        deployment_id INTEGER REFERENCES deployments (id) ON DELETE SET NULL,
        acquired_at TEXT NOT NULL
      );

      CREATE TABLE install_state (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'completed')),
        condition TEXT NOT NULL,
        started_at TEXT NOT NULL,
        completed_at TEXT,
        PRIMARY KEY (stack, service)
      ) WITHOUT ROWID;

      CREATE TABLE applied_specs (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        replica INTEGER NOT NULL,
        container_id TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        deployment_id INTEGER REFERENCES deployments (id) ON DELETE SET NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (stack, service, replica)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'auth',
    // Secrets are stored only as hashes: argon2id for passwords, sha256 (hex) for random tokens.
    // user_grants.stack is '' for a grant on every stack: stack names are never empty, and a NOT NULL key
    // keeps one role per user and stack. The audit log refuses UPDATE and DELETE in the file itself.
    up: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
      );

      CREATE TABLE user_grants (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        stack TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        PRIMARY KEY (user_id, stack)
      ) WITHOUT ROWID;
      CREATE INDEX user_grants_role ON user_grants (role, stack);

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        stacks_json TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens (user_id);
      CREATE INDEX api_tokens_expires ON api_tokens (expires_at);

      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        idle_expires_at TEXT NOT NULL,
        absolute_expires_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_idle_expires ON sessions (idle_expires_at);

      CREATE TABLE setup_tokens (
        slot INTEGER PRIMARY KEY CHECK (slot = 1),
        token_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );

      CREATE TABLE login_attempts (
        scope TEXT NOT NULL CHECK (scope IN ('account', 'ip')),
        key TEXT NOT NULL,
        failures INTEGER NOT NULL CHECK (failures >= 0),
        last_failure_at TEXT NOT NULL,
        locked_until TEXT,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;
      CREATE INDEX login_attempts_last_failure ON login_attempts (last_failure_at);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
        request_id TEXT NOT NULL,
        detail_json TEXT
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'operations and the event log',
    // Operations are the API's long-running calls (up, down, restart): the caller gets an id at
    // once and follows the events. Both survive a restart, so `Last-Event-ID` resumes across one
    // and an operation cut short by a shutdown is recorded as interrupted, not forgotten.
    up: `
      CREATE TABLE operations (
        id TEXT PRIMARY KEY,
        stack TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        request_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        result_json TEXT,
        error_json TEXT
      );
      CREATE INDEX operations_stack ON operations (stack, started_at);
      CREATE INDEX operations_running ON operations (status) WHERE status = 'running';

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        stack TEXT,
        service TEXT,
        operation TEXT,
        message TEXT NOT NULL,
        data_json TEXT
      );
      CREATE INDEX events_operation ON events (operation, id) WHERE operation IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'scheduled jobs',
    // When each job runs next (so a restart neither repeats nor loses a run), every run with its
    // output tail, and the budget ledger per period (so a restart cannot reset a quota).
    up: `
      CREATE TABLE job_state (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        job TEXT NOT NULL,
        schedule TEXT NOT NULL,
        anchor_at TEXT NOT NULL,
        next_at TEXT NOT NULL,
        last_success_at TEXT,
        overdue_since TEXT,
        PRIMARY KEY (stack, service, job)
      );

      CREATE TABLE job_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        job TEXT NOT NULL,
        trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catchup')),
        status TEXT NOT NULL CHECK (status IN
          ('running', 'succeeded', 'failed', 'timed-out', 'skipped', 'missed', 'interrupted')),
        attempt INTEGER NOT NULL,
        scheduled_at TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        exit_code INTEGER,
        reason TEXT,
        output TEXT,
        budget_consumed INTEGER,
        missed_json TEXT,
        -- Where a running run runs (its container, and the process group of an exec job), so that a
        -- restarted Berth can end what a stopped one left running.
        container TEXT,
        pid INTEGER
      );
      CREATE INDEX job_runs_job ON job_runs (stack, service, job, id);
      CREATE INDEX job_runs_running ON job_runs (status) WHERE status = 'running';

      CREATE TABLE job_budget (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        job TEXT NOT NULL,
        period_start TEXT NOT NULL,
        consumed INTEGER NOT NULL,
        PRIMARY KEY (stack, service, job, period_start)
      );
    `,
  },
  {
    version: 5,
    name: 'backups',
    // Every backup Berth took or tried: where its artifact is, its manifest once complete, and the
    // last restore drill. A row is listed as a backup only when completed; `in_use` keeps pruning
    // away from one a drill or restore reads. The schedules of backup policies are kept in
    // job_state under the reserved names @backup and @drill.
    up: `
      CREATE TABLE backups (
        id TEXT PRIMARY KEY,
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        kind TEXT NOT NULL,
        store TEXT NOT NULL,
        trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'pre-deploy', 'safety')),
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        reason TEXT,
        artifact TEXT,
        size INTEGER,
        manifest_json TEXT,
        drill_status TEXT NOT NULL DEFAULT 'none'
          CHECK (drill_status IN ('none', 'running', 'passed', 'failed')),
        drill_at TEXT,
        drill_ms INTEGER,
        drill_reason TEXT,
        in_use TEXT
      );
      CREATE INDEX backups_service ON backups (stack, service, started_at);
    `,
  },
  {
    version: 6,
    name: 'backup owners',
    // The process that runs a backup, drills one or reads one (pid, host, token): at start, only
    // what a process that is gone left running is marked interrupted, so `berth --local` and
    // `berth serve` sharing a state file never fail each other's work.
    up: `
      ALTER TABLE backups ADD COLUMN owner_json TEXT;
    `,
  },
  {
    version: 7,
    name: 'health',
    // Each probe's state (so a restart neither forgets a DOWN nor repeats its event) with its last
    // result, uptime in hourly and daily buckets (a page of many probes reads a few rows each), and
    // the recent failures with what went wrong. Container probes are probes named `container`.
    up: `
      CREATE TABLE probe_state (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        probe TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('unknown', 'up', 'down')),
        since TEXT,
        failures INTEGER NOT NULL,
        successes INTEGER NOT NULL,
        changes_json TEXT NOT NULL,
        flapping INTEGER NOT NULL,
        last_at TEXT,
        last_ok INTEGER,
        last_latency_ms REAL,
        last_detail TEXT,
        PRIMARY KEY (stack, service, probe)
      ) WITHOUT ROWID;

      CREATE TABLE probe_buckets (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        probe TEXT NOT NULL,
        size TEXT NOT NULL CHECK (size IN ('hour', 'day')),
        start INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        total INTEGER NOT NULL,
        latency_sum REAL NOT NULL,
        latency_count INTEGER NOT NULL,
        PRIMARY KEY (stack, service, probe, size, start)
      ) WITHOUT ROWID;
      CREATE INDEX probe_buckets_period ON probe_buckets (size, start);

      CREATE TABLE probe_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        probe TEXT NOT NULL,
        at TEXT NOT NULL,
        latency_ms REAL,
        detail TEXT NOT NULL
      );
      CREATE INDEX probe_failures_probe ON probe_failures (stack, service, probe, id);
    `,
  },
  {
    version: 8,
    name: 'alerts',
    // Alerts (a condition open by key until resolved, or a one-off notice) and their deliveries:
    // one row per message per channel, kept pending with its next attempt time until delivered or
    // given up (dead), so what was queued when Berth stopped is sent after it starts again. At most
    // one open alert per key: an open that repeats while open is not sent again.
    up: `
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'notice')),
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info')),
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        stack TEXT,
        service TEXT,
        message TEXT NOT NULL,
        event_id INTEGER,
        opened_at TEXT NOT NULL,
        last_sent_at TEXT,
        resolved_at TEXT,
        routes_json TEXT NOT NULL
      );
      CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE state = 'open';

      CREATE TABLE alert_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        alert_id INTEGER REFERENCES alerts (id) ON DELETE CASCADE,
        alert_key TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('open', 'reminder', 'resolve', 'notice', 'test')),
        payload_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      );
      CREATE INDEX alert_deliveries_due ON alert_deliveries (channel, next_at, id) WHERE status = 'pending';
      CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id);
    `,
  },
  {
    version: 9,
    name: 'audit entries at the start, login familiarity',
    // An audited request is recorded when it starts (outcome 'started') and given its outcome once when
    // it ends, so a long call whose client went away is visible at once. The triggers keep the log
    // append-only otherwise: no delete, and the only update is that one transition from 'started'.
    // Logins are throttled per account and address pair as well ('pair'), first-run setup per address
    // ('setup'); login_familiar remembers the (account, address) pairs that logged in recently, which
    // the account- and address-wide throttles spare. Keys are hashes, never usernames.
    up: `
      CREATE TABLE audit_log_v9 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('started', 'ok', 'denied', 'failed')),
        request_id TEXT NOT NULL,
        detail_json TEXT,
        ended_at TEXT
      );
      INSERT INTO audit_log_v9 (id, at, actor, action, target, outcome, request_id, detail_json, ended_at)
        SELECT id, at, actor, action, target, outcome, request_id, detail_json, NULL FROM audit_log;
      DROP TABLE audit_log;
      ALTER TABLE audit_log_v9 RENAME TO audit_log;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        WHEN OLD.outcome <> 'started' OR NEW.outcome = 'started' OR NEW.ended_at IS NULL
          OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
          OR NEW.action IS NOT OLD.action OR NEW.request_id IS NOT OLD.request_id
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry only gets its outcome, once'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      CREATE TABLE login_attempts_v9 (
        scope TEXT NOT NULL CHECK (scope IN ('account', 'ip', 'pair', 'setup')),
        key TEXT NOT NULL,
        failures INTEGER NOT NULL CHECK (failures >= 0),
        last_failure_at TEXT NOT NULL,
        locked_until TEXT,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;
      INSERT INTO login_attempts_v9 (scope, key, failures, last_failure_at, locked_until)
        SELECT scope, key, failures, last_failure_at, locked_until FROM login_attempts;
      DROP TABLE login_attempts;
      ALTER TABLE login_attempts_v9 RENAME TO login_attempts;
      CREATE INDEX login_attempts_last_failure ON login_attempts (last_failure_at);

      CREATE TABLE login_familiar (
        key TEXT PRIMARY KEY,
        last_success_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX login_familiar_last_success ON login_familiar (last_success_at);
    `,
  },
  {
    version: 10,
    name: 'event cursors',
    // How far a reader of the event log got (`alerts`: the server's alert routing), so a restart
    // goes on after the last event it read and routes what other processes stored meanwhile.
    up: `
      CREATE TABLE event_cursors (
        name TEXT PRIMARY KEY,
        event_id INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(
        `migration versions must be increasing positive integers (at ${m.version} "${m.name}")`,
      );
    }
    previous = m.version;
  }
}

/** The highest version recorded in the file, or 0 for a database Berth never touched. Read-only. */
export function appliedVersion(db: Database.Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Refuses a database written by a newer Berth before anything touches it: downgrading would silently drop
 * whatever the newer schema records, and the older code cannot know what that is.
 */
export function assertNotTooNew(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const known = migrations.at(-1)?.version ?? 0;
  const found = appliedVersion(db);
  if (found > known) {
    throw new StoreError(
      'STORE_SCHEMA_TOO_NEW',
      `the state database has schema version ${found}, but this Berth only knows up to ${known}`,
      'a newer Berth wrote this file: upgrade Berth, or restore a state file from before the upgrade',
    );
  }
}

/** Applies every migration the file lacks, each in its own transaction, and returns the versions applied. */
export function migrate(
  db: Database.Database,
  clock: Pick<Clock, 'now'>,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  assertOrdered(migrations);
  assertNotTooNew(db, migrations);
  db.exec(CREATE_MIGRATIONS_TABLE);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations) {
    // IMMEDIATE: two processes opening a fresh file at once must not both run the same migration.
    const step = db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return false;
      db.exec(m.up);
      record.run(m.version, m.name, isoNow(clock));
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}
