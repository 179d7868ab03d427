import type { Migration } from './migration.js';

// The store's schema, steps 1 to 5 (released: never edited). Step 6 on: ./migrations-6-on.ts.

/** Migrations 1–5: the first schema, auth, operations, jobs and backups. */
export const MIGRATIONS_1_TO_5: readonly Migration[] = [
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
];
