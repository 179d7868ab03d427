import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { type AlertStore, createAlertStore } from './alerts.js';
import { type AppliedSpecStore, createAppliedSpecStore } from './applied-specs.js';
import { type AuditLogStore, createAuditLogStore } from './audit-log.js';
import { type AuthStore, createAuthStore } from './auth-store.js';
import { type BackupStore, createBackupStore } from './backups.js';
import { createDeploymentStore, type DeploymentStore } from './deployments.js';
import { guard, StoreError, toStoreError } from './errors.js';
import { createEventCursorStore, type EventCursorStore } from './event-cursors.js';
import { createEventStore, type EventStore } from './events.js';
import { createImagePullStore, type ImagePullStore } from './image-pulls.js';
import { createInstallStateStore, type InstallStateStore } from './install-state.js';
import { createJobRunStore, type JobRunStore } from './job-runs.js';
import {
  createJobBudgetStore,
  createJobStateStore,
  type JobBudgetStore,
  type JobStateStore,
} from './job-state.js';
import { createLockStore, type IsAlive, type LockOwner, type LockStore } from './locks.js';
import { appliedVersion, assertNotTooNew, MIGRATIONS, migrate } from './migrations.js';
import { createOperationStore, type OperationStore } from './operation-records.js';
import { createProbeStore, type ProbeStore } from './probes.js';
import { createStackDownStore, type StackDownStore } from './stack-downs.js';
import { createStackImageStore, type StackImageStore } from './stack-images.js';
import { createStackRecordStore, type StackRecordStore } from './stack-records.js';
import { copyBeforeMigration } from './upgrade-copy.js';

export interface OpenStoreOptions {
  /** The state file; missing folders are created 0700 and the file 0600. */
  path: string;
  clock: Pick<Clock, 'now'>;
  /** This process, recorded on the backups it runs (so a restart tells its own from another's). */
  self?: LockOwner;
  /** Decides whether a lock holder still runs; see IsAlive. */
  isAlive: IsAlive;
  /** How long a write waits for another process's write before failing with STORE_LOCKED. */
  busyTimeoutMs?: number;
}

export interface Store {
  readonly path: string;
  readonly deployments: DeploymentStore;
  readonly installState: InstallStateStore;
  readonly imagePulls: ImagePullStore;
  /** The image versions Berth pulled or built for each stack (what image pruning may remove). */
  readonly stackImages: StackImageStore;
  readonly locks: LockStore;
  readonly appliedSpecs: AppliedSpecStore;
  /** The last successful `berth down` of each stack (whether a stack runs: src/health/stack-run.ts). */
  readonly stackDowns: StackDownStore;
  /** Users, grants, sessions, API tokens, setup token, login attempts (the control plane's auth). */
  readonly auth: AuthStore;
  /** The API's append-only record of who did what. */
  readonly auditLog: AuditLogStore;
  /** The API's long-running calls (up, down, restart) and how they ended. */
  readonly operations: OperationStore;
  /** What `GET /api/v1/events` streams and resumes from. */
  readonly events: EventStore;
  /** How far readers of the event log got (the server's alert routing), and whether another process wrote. */
  readonly eventCursors: EventCursorStore;
  /** Scheduled jobs: every run with its output tail, where the scheduler is, the budget ledger. */
  readonly jobRuns: JobRunStore;
  readonly jobState: JobStateStore;
  readonly jobBudget: JobBudgetStore;
  readonly backups: BackupStore;
  /** Probes' state, uptime buckets and recent failures (health). */
  readonly probes: ProbeStore;
  /** Alerts (open conditions, notices) and the queue of their deliveries to channels. */
  readonly alerts: AlertStore;
  /** Whether anything of a stack is recorded (deployments, backups, job runs, probes). */
  readonly stackRecords: StackRecordStore;
  schemaVersion(): number;
  /** The copy of the state file this opening made before it upgraded the file's schema (absent: no upgrade). */
  readonly upgradeCopy?: { readonly path: string; readonly from: number; readonly to: number };
  /** The connection's effective settings, for `berth doctor` and tests. */
  settings(): StoreSettings;
  close(): void;
}

export interface StoreSettings {
  journalMode: string;
  foreignKeys: boolean;
  busyTimeoutMs: number;
  /** SQLite's numeric level: 1 is NORMAL. */
  synchronous: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function ioError(message: string, hint: string, cause: unknown): StoreError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StoreError('STORE_IO', `${message}: ${detail}`, hint, { cause });
}

/**
 * Creates the file ourselves so it is born 0600 (SQLite would use the umask, typically 0644), and
 * tightens an existing one: it holds applied specs, whose environment may contain secrets. SQLite gives
 * the -wal and -shm files the same mode as the database file.
 */
function prepareFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw ioError(`cannot create the state folder ${dirname(path)}`, 'check the path and permissions', error);
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
  } catch (error) {
    throw ioError(`cannot open the state file ${path}`, 'check that it is a file this user can write', error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function configure(db: Database.Database, path: string, wal: boolean): void {
  // Checked before any pragma that writes: a file from a newer Berth must be left exactly as it was.
  assertNotTooNew(db, MIGRATIONS, path);
  if (wal) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new StoreError(
        'STORE_IO',
        `the state database could not switch to WAL mode (got ${String(mode)})`,
        'put the state file on a local filesystem; network filesystems do not support WAL',
      );
    }
  }
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

function buildStore(
  db: Database.Database,
  path: string,
  clock: Pick<Clock, 'now'>,
  isAlive: IsAlive,
  self?: LockOwner,
  upgradeCopy?: Store['upgradeCopy'],
): Store {
  return {
    path,
    ...(upgradeCopy ? { upgradeCopy } : {}),
    deployments: createDeploymentStore(db, clock),
    installState: createInstallStateStore(db, clock),
    imagePulls: createImagePullStore(db, clock),
    stackImages: createStackImageStore(db, clock),
    locks: createLockStore(db, clock, isAlive),
    appliedSpecs: createAppliedSpecStore(db, clock),
    stackDowns: createStackDownStore(db, clock),
    auth: createAuthStore(db),
    auditLog: createAuditLogStore(db),
    operations: createOperationStore(db, clock),
    events: createEventStore(db, clock),
    eventCursors: createEventCursorStore(db, clock),
    jobRuns: createJobRunStore(db, clock),
    jobState: createJobStateStore(db),
    jobBudget: createJobBudgetStore(db),
    backups: createBackupStore(db, clock, isAlive, self),
    probes: createProbeStore(db),
    alerts: createAlertStore(db, clock),
    stackRecords: createStackRecordStore(db),
    schemaVersion: () => guard(() => appliedVersion(db)),
    settings: () =>
      guard(() => ({
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        foreignKeys: db.pragma('foreign_keys', { simple: true }) === 1,
        busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
        synchronous: Number(db.pragma('synchronous', { simple: true })),
      })),
    close: () => {
      if (db.open) db.close();
    },
  };
}

/**
 * A copy of a state file whose schema this Berth is about to upgrade (an older Berth wrote it), so
 * that a return to that Berth keeps what the file held; nothing for a new file or an in-memory store.
 */
function copyIfUpgrading(db: Database.Database, path: string, isAlive: IsAlive): Store['upgradeCopy'] {
  const from = appliedVersion(db);
  const to = MIGRATIONS.at(-1)?.version ?? 0;
  if (path === ':memory:' || from === 0 || from >= to) return undefined;
  // A half-written copy is left by a process on this host: its pid tells whether it still writes.
  const alive = (pid: number) => isAlive({ pid, host: hostname(), token: 'upgrade-copy' });
  const copy = copyBeforeMigration(db, path, from, alive);
  return copy === undefined ? undefined : { path: copy, from, to };
}

function open(
  path: string,
  clock: Pick<Clock, 'now'>,
  isAlive: IsAlive,
  busyTimeoutMs: number,
  wal: boolean,
  self?: LockOwner,
): Store {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    // The `timeout` option is SQLite's busy_timeout, set without building SQL from a value.
    configure(db, path, wal);
    const upgradeCopy = copyIfUpgrading(db, path, isAlive);
    migrate(db, clock);
    return buildStore(db, path, clock, isAlive, self, upgradeCopy);
  } catch (error) {
    db?.close();
    throw toStoreError(error);
  }
}

/** Opens (creating and migrating as needed) the state database at `options.path`. */
export function openStore(options: OpenStoreOptions): Store {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StoreError(
      'STORE_INVALID_INPUT',
      `invalid busyTimeoutMs ${busyTimeoutMs}`,
      'pass whole milliseconds',
    );
  }
  prepareFile(options.path);
  return open(options.path, options.clock, options.isAlive, busyTimeoutMs, true, options.self);
}

/**
 * A private in-memory store for other modules' tests. With a single connection nothing can die while
 * holding a lock, so by default every holder counts as alive (a second acquire is refused, not stolen).
 */
export function openMemoryStore(clock: Pick<Clock, 'now'>, isAlive: IsAlive = () => true): Store {
  return open(':memory:', clock, isAlive, DEFAULT_BUSY_TIMEOUT_MS, false);
}
