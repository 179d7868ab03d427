import type { Migration } from './migration.js';

// The store's schema from step 6 on. A new migration is appended here (see ./migrations.ts).

/** Migrations 6 on. */
export const MIGRATIONS_6_ON: readonly Migration[] = [
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
  {
    version: 11,
    name: 'probe output',
    // What a checked program printed (a container's last health check, a command probe), kept apart
    // from the detail every role reads: like logs, it is for the stack's operators.
    up: `
      ALTER TABLE probe_state ADD COLUMN last_output TEXT;
      ALTER TABLE probe_failures ADD COLUMN output TEXT;
    `,
  },
  {
    version: 12,
    name: 'image pulls',
    // When a deploy last pulled each image reference: `pull_policy: daily`, `weekly`, `every_…` count
    // from it (the engine records no pull time; its LastTagTime belongs to the image and to `docker tag`).
    up: `
      CREATE TABLE image_pulls (
        reference TEXT PRIMARY KEY,
        image_id TEXT NOT NULL,
        pulled_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'stack images',
    // The image versions Berth itself put on the engine for a stack (pulled or built), per service,
    // and when each was last deployed: image pruning removes only these, beyond the retention.
    up: `
      CREATE TABLE stack_images (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        image_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        origin TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        deployed_at TEXT,
        PRIMARY KEY (stack, service, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX stack_images_by_image ON stack_images (image_id);
    `,
  },
  {
    version: 14,
    name: 'stack image references',
    // One row per reference a version had (several tags of one image are all Berth's), each with the
    // stack's secret values masked. The rows 13 kept are dropped, not copied: their references were
    // stored as written and may hold a secret. Without its record an image is never pruned, so
    // dropping them removes nothing from the engine.
    up: `
      DROP TABLE stack_images;
      CREATE TABLE stack_images (
        stack TEXT NOT NULL,
        service TEXT NOT NULL,
        image_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        origin TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        deployed_at TEXT,
        PRIMARY KEY (stack, service, image_id, reference)
      ) WITHOUT ROWID;
      CREATE INDEX stack_images_by_image ON stack_images (image_id);
    `,
  },
  {
    version: 15,
    name: 'operation owners',
    // The process that runs an operation (pid, host, token, and whether it is `berth serve` or
    // `berth --local`): at start a server records as interrupted only what a process that is gone
    // left running, not the restore a live `berth --local` is still running. Without one (recorded
    // before this step): a previous server's, as before.
    up: `
      ALTER TABLE operations ADD COLUMN owner_json TEXT;
    `,
  },
];
