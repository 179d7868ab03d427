import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  BackupStatusSchema,
  type BackupTrigger,
  BackupTriggerSchema,
  type BackupView,
  DrillStatusSchema,
  type Manifest,
  ManifestSchema,
} from '../api/backups.js';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard, notFound, StoreError } from './errors.js';
import { fromJsonText, parseRow, toJsonText } from './json.js';
import { type IsAlive, type LockOwner, LockOwnerSchema } from './locks.js';

export interface BeginBackupInput {
  readonly id: string;
  readonly stack: string;
  readonly service: string;
  readonly kind: BackupView['kind'];
  readonly store: string;
  readonly trigger: BackupTrigger;
}

/** A backup with what Berth needs beyond the view: its key in the store, and who reads it now. */
export interface BackupRecord extends BackupView {
  readonly artifact?: string;
  readonly inUse?: string;
}

export interface BackupStore {
  begin(input: BeginBackupInput): BackupRecord;
  /** The artifact and manifest are in the store: the backup is listed from now on. */
  complete(id: string, done: { artifact: string; manifest: Manifest }): BackupRecord;
  fail(id: string, reason: string): BackupRecord;
  drillStarted(id: string): void;
  drillFinished(id: string, result: { passed: boolean; durationMs: number; reason?: string }): BackupRecord;
  get(id: string): BackupRecord | undefined;
  /** Newest first. */
  list(filter: {
    stack: string;
    service?: string;
    status?: BackupView['status'];
    limit?: number;
  }): BackupRecord[];
  /** Marks (or, with undefined, unmarks) a backup as read by a drill or restore. */
  use(id: string, what: string | undefined): void;
  remove(id: string): void;
  /** Per service, its latest finished drill (passed or failed) and when. */
  lastDrills(): Array<{ stack: string; service: string; lastDrill: 'passed' | 'failed'; at: string }>;
  /**
   * Backups and drills that a process which is gone left running: recorded as failed (and what
   * it read released). Work of a live process (another Berth on the same state file) is left be.
   */
  interruptRunning(reason: string, drillReason?: string): BackupRecord[];
  /** Ids of backups a live process is taking, drilling or restoring from (after interruptRunning). */
  liveIds(): string[];
}

const Row = z.object({
  id: z.string(),
  stack: z.string(),
  service: z.string(),
  kind: z.string(),
  store: z.string(),
  trigger: BackupTriggerSchema,
  status: BackupStatusSchema,
  started_at: z.string(),
  finished_at: z.string().nullable(),
  reason: z.string().nullable(),
  artifact: z.string().nullable(),
  size: z.number().int().nullable(),
  manifest_json: z.string().nullable(),
  drill_status: DrillStatusSchema,
  drill_at: z.string().nullable(),
  drill_ms: z.number().int().nullable(),
  drill_reason: z.string().nullable(),
  in_use: z.string().nullable(),
  owner_json: z.string().nullable(),
});

const KindSchema = ManifestSchema.shape.kind;

function toRecord(raw: unknown): BackupRecord {
  const r = parseRow(raw, Row, 'backup');
  const manifest =
    r.manifest_json === null ? undefined : fromJsonText(r.manifest_json, ManifestSchema, 'backup manifest');
  return {
    id: r.id,
    stack: r.stack,
    service: r.service,
    kind: KindSchema.parse(r.kind),
    store: r.store,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.size !== null ? { size: r.size } : {}),
    ...(manifest ? { manifest } : {}),
    drill: {
      status: r.drill_status,
      ...(r.drill_at !== null ? { at: r.drill_at } : {}),
      ...(r.drill_ms !== null ? { durationMs: r.drill_ms } : {}),
      ...(r.drill_reason !== null ? { reason: r.drill_reason } : {}),
    },
    ...(r.artifact !== null ? { artifact: r.artifact } : {}),
    ...(r.in_use !== null ? { inUse: r.in_use } : {}),
  };
}

export function createBackupStore(
  db: Database.Database,
  clock: Pick<Clock, 'now'>,
  isAlive: IsAlive = () => false,
  self?: LockOwner,
): BackupStore {
  const owner = self ? toJsonText(LockOwnerSchema.parse(self), 'backup owner') : null;
  const q = {
    insert: db.prepare(
      `INSERT INTO backups (id, stack, service, kind, store, trigger, status, started_at, owner_json)
       VALUES (@id, @stack, @service, @kind, @store, @trigger, 'running', @started_at, @owner)`,
    ),
    get: db.prepare('SELECT * FROM backups WHERE id = ?'),
    complete: db.prepare(
      `UPDATE backups SET status = 'completed', finished_at = @at, artifact = @artifact, size = @size,
         manifest_json = @manifest WHERE id = @id AND status = 'running'`,
    ),
    fail: db.prepare(
      `UPDATE backups SET status = 'failed', finished_at = @at, reason = @reason WHERE id = @id AND status = 'running'`,
    ),
    drillStarted: db.prepare(
      `UPDATE backups SET drill_status = 'running', owner_json = @owner WHERE id = @id AND status = 'completed'`,
    ),
    drillFinished: db.prepare(
      `UPDATE backups SET drill_status = @status, drill_at = @at, drill_ms = @ms, drill_reason = @reason WHERE id = @id`,
    ),
    use: db.prepare(
      'UPDATE backups SET in_use = @what, owner_json = COALESCE(@owner, owner_json) WHERE id = @id',
    ),
    remove: db.prepare('DELETE FROM backups WHERE id = ?'),
    running: db.prepare(
      `SELECT * FROM backups WHERE status = 'running' OR drill_status = 'running' OR in_use IS NOT NULL`,
    ),
    interrupt: db.prepare(
      `UPDATE backups SET status = 'failed', finished_at = @at, reason = @reason WHERE id = @id AND status = 'running'`,
    ),
    interruptDrill: db.prepare(
      `UPDATE backups SET drill_status = 'failed', drill_at = @at, drill_reason = @reason
       WHERE id = @id AND drill_status = 'running'`,
    ),
    release: db.prepare('UPDATE backups SET in_use = NULL WHERE id = ?'),
    lastDrills: db.prepare(
      `SELECT stack, service, drill_status, drill_at FROM backups b
       WHERE drill_status IN ('passed', 'failed') AND drill_at = (
         SELECT MAX(drill_at) FROM backups c WHERE c.stack = b.stack AND c.service = b.service
           AND c.drill_status IN ('passed', 'failed'))
       ORDER BY stack, service`,
    ),
  };
  const get = (id: string) => {
    const row = q.get.get(id);
    return row === undefined ? undefined : toRecord(row);
  };
  const must = (id: string) => {
    const record = get(id);
    if (!record) throw notFound(`backup ${id}`, '`berth backup list STACK` shows the backups');
    return record;
  };
  const changed = (result: Database.RunResult, id: string, what: string) => {
    if (result.changes === 0) {
      must(id);
      throw new StoreError(
        'STORE_INVALID_STATE',
        `backup ${id} is not running: it cannot be ${what}`,
        'a backup ends once',
      );
    }
  };
  const runningRows = () => q.running.all().map((raw) => parseRow(raw, Row, 'backup'));
  /**
   * Whether a live process holds the row. One without an owner predates owners (or comes from a
   * test store): nothing can still run it.
   */
  const liveOwned = (row: { owner_json: string | null }) =>
    row.owner_json !== null && isAlive(fromJsonText(row.owner_json, LockOwnerSchema, 'backup owner'));
  return {
    begin: (input) =>
      guard(() => {
        q.insert.run({ ...input, started_at: isoNow(clock), owner });
        return must(input.id);
      }),
    complete: (id, done) =>
      guard(() => {
        const manifest = toJsonText(ManifestSchema.parse(done.manifest), 'backup manifest');
        changed(
          q.complete.run({
            id,
            at: isoNow(clock),
            artifact: done.artifact,
            size: done.manifest.artifact.size,
            manifest,
          }),
          id,
          'completed',
        );
        return must(id);
      }),
    fail: (id, reason) =>
      guard(() => {
        changed(q.fail.run({ id, at: isoNow(clock), reason }), id, 'failed');
        return must(id);
      }),
    drillStarted: (id) =>
      guard(() => {
        if (q.drillStarted.run({ id, owner }).changes === 0) {
          must(id);
          throw new StoreError(
            'STORE_INVALID_STATE',
            `backup ${id} is not complete: it cannot be drilled`,
            'drill a completed backup',
          );
        }
      }),
    drillFinished: (id, result) =>
      guard(() => {
        q.drillFinished.run({
          id,
          status: result.passed ? 'passed' : 'failed',
          at: isoNow(clock),
          ms: Math.round(result.durationMs),
          reason: result.reason ?? null,
        });
        return must(id);
      }),
    get: (id) => guard(() => get(id)),
    list: (filter) =>
      guard(() => {
        const where = ['stack = @stack'];
        if (filter.service !== undefined) where.push('service = @service');
        if (filter.status !== undefined) where.push('status = @status');
        const rows = db
          .prepare(
            `SELECT * FROM backups WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT @limit`,
          )
          .all({
            stack: filter.stack,
            service: filter.service,
            status: filter.status,
            limit: filter.limit ?? 1000,
          });
        return rows.map(toRecord);
      }),
    use: (id, what) =>
      guard(() => {
        if (q.use.run({ id, what: what ?? null, owner: what === undefined ? null : owner }).changes === 0)
          must(id);
      }),
    remove: (id) =>
      guard(() => {
        q.remove.run(id);
      }),
    lastDrills: () =>
      guard(() =>
        (
          q.lastDrills.all() as Array<{
            stack: string;
            service: string;
            drill_status: 'passed' | 'failed';
            drill_at: string;
          }>
        ).map((r) => ({ stack: r.stack, service: r.service, lastDrill: r.drill_status, at: r.drill_at })),
      ),
    liveIds: () =>
      guard(() =>
        runningRows()
          .filter(liveOwned)
          .map((row) => row.id),
      ),
    interruptRunning: (reason, drillReason = reason) =>
      guard(() =>
        db.transaction(() => {
          const at = isoNow(clock);
          const gone = runningRows().filter((row) => !liveOwned(row));
          for (const row of gone) {
            q.interrupt.run({ id: row.id, at, reason });
            q.interruptDrill.run({ id: row.id, at, reason: drillReason });
            q.release.run(row.id);
          }
          return gone.map((row) => must(row.id));
        })(),
      ),
  };
}
