import type Database from 'better-sqlite3';
import { z } from 'zod';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/**
 * Probes' state, uptime buckets and recent failures. Results arrive in batches (the monitor writes
 * once a second, in one transaction), so a thousand probes cost a few hundred statements a second
 * and the event log sees only changes.
 */

export interface ProbeKey {
  readonly stack: string;
  readonly service: string;
  readonly probe: string;
}

export type StoredProbeStatus = 'unknown' | 'up' | 'down';

export interface ProbeRecord extends ProbeKey {
  readonly status: StoredProbeStatus;
  readonly since?: string;
  readonly failures: number;
  readonly successes: number;
  /** Times (ms) of the recent status changes, for flapping. */
  readonly changes: readonly number[];
  readonly flapping: boolean;
  readonly last?: {
    readonly at: string;
    readonly ok: boolean;
    readonly latencyMs?: number;
    readonly detail: string;
    /** What the checked program printed (a health check, a command probe), masked: operators only. */
    readonly output?: string;
  };
}

/** One result to record, with the probe's state after it. */
export interface ProbeWrite {
  readonly state: ProbeRecord & { readonly last: NonNullable<ProbeRecord['last']> };
  /** Bucket starts (ms) of the hour and the day the result falls in. */
  readonly hour: number;
  readonly day: number;
  /**
   * False for a result taken while Berth itself was changing the stack (its lock held): it becomes
   * the probe's last result, but goes to neither the uptime buckets nor the failure history.
   */
  readonly counted?: boolean;
}

export interface StoredBucket extends ProbeKey {
  readonly start: number;
  readonly ok: number;
  readonly total: number;
  readonly latencySumMs: number;
  readonly latencyCount: number;
}

export interface ProbeFailure {
  readonly at: string;
  readonly latencyMs?: number;
  readonly detail: string;
  /** As ProbeRecord's `last.output`: operators only. */
  readonly output?: string;
}

export interface ProbeStore {
  /** Every probe's state, optionally of one stack. */
  states(stack?: string): ProbeRecord[];
  get(key: ProbeKey): ProbeRecord | undefined;
  /** Results of a batch: state, both buckets, and a failure row for each failed result. */
  record(batch: readonly ProbeWrite[]): void;
  /** Buckets of `size` starting at or after `since` (ms), optionally of one stack. */
  buckets(size: 'hour' | 'day', since: number, stack?: string): StoredBucket[];
  /** Per probe, the sums of its buckets of `size` starting at or after `since` (ms), optionally of one stack. */
  totals(size: 'hour' | 'day', since: number, stack?: string): StoredBucket[];
  /** One probe's buckets of `size` starting at or after `since`, oldest first. */
  bucketsOf(key: ProbeKey, size: 'hour' | 'day', since: number): StoredBucket[];
  failures(key: ProbeKey, limit: number): ProbeFailure[];
  /** Drops hours and days before the cut-offs and all but the newest `keepFailures` failures per probe. */
  prune(options: { hoursBefore: number; daysBefore: number; keepFailures: number }): number;
  /** Forgets probes no longer defined (their state only; history ages out by retention). */
  forget(keys: readonly ProbeKey[]): void;
}

const StateRow = z.object({
  stack: z.string(),
  service: z.string(),
  probe: z.string(),
  status: z.enum(['unknown', 'up', 'down']),
  since: z.string().nullable(),
  failures: z.number(),
  successes: z.number(),
  changes_json: z.string(),
  flapping: z.number(),
  last_at: z.string().nullable(),
  last_ok: z.number().nullable(),
  last_latency_ms: z.number().nullable(),
  last_detail: z.string().nullable(),
  last_output: z.string().nullable(),
});

const BucketRow = z.object({
  stack: z.string(),
  service: z.string(),
  probe: z.string(),
  start: z.number(),
  ok: z.number(),
  total: z.number(),
  latency_sum: z.number(),
  latency_count: z.number(),
});

const FailureRow = z.object({
  at: z.string(),
  latency_ms: z.number().nullable(),
  detail: z.string(),
  output: z.string().nullable(),
});

function toRecord(row: unknown): ProbeRecord {
  const r = parseRow(row, StateRow, 'probe state');
  const changes = z.array(z.number()).safeParse(JSON.parse(r.changes_json));
  return {
    stack: r.stack,
    service: r.service,
    probe: r.probe,
    status: r.status,
    ...(r.since !== null ? { since: r.since } : {}),
    failures: r.failures,
    successes: r.successes,
    changes: changes.success ? changes.data : [],
    flapping: r.flapping === 1,
    ...(r.last_at !== null
      ? {
          last: {
            at: r.last_at,
            ok: r.last_ok === 1,
            ...(r.last_latency_ms !== null ? { latencyMs: r.last_latency_ms } : {}),
            detail: r.last_detail ?? '',
            ...(r.last_output !== null ? { output: r.last_output } : {}),
          },
        }
      : {}),
  };
}

export function createProbeStore(db: Database.Database): ProbeStore {
  const q = {
    all: db.prepare('SELECT * FROM probe_state ORDER BY stack, service, probe'),
    ofStack: db.prepare('SELECT * FROM probe_state WHERE stack = ? ORDER BY service, probe'),
    get: db.prepare('SELECT * FROM probe_state WHERE stack = ? AND service = ? AND probe = ?'),
    upsert: db.prepare(
      `INSERT INTO probe_state (stack, service, probe, status, since, failures, successes, changes_json,
         flapping, last_at, last_ok, last_latency_ms, last_detail, last_output)
       VALUES (@stack, @service, @probe, @status, @since, @failures, @successes, @changes_json,
         @flapping, @last_at, @last_ok, @last_latency_ms, @last_detail, @last_output)
       ON CONFLICT (stack, service, probe) DO UPDATE SET status = excluded.status, since = excluded.since,
         failures = excluded.failures, successes = excluded.successes, changes_json = excluded.changes_json,
         flapping = excluded.flapping, last_at = excluded.last_at, last_ok = excluded.last_ok,
         last_latency_ms = excluded.last_latency_ms, last_detail = excluded.last_detail,
         last_output = excluded.last_output`,
    ),
    bucket: db.prepare(
      `INSERT INTO probe_buckets (stack, service, probe, size, start, ok, total, latency_sum, latency_count)
       VALUES (@stack, @service, @probe, @size, @start, @ok, 1, @latency, @timed)
       ON CONFLICT (stack, service, probe, size, start) DO UPDATE SET ok = ok + excluded.ok,
         total = total + 1, latency_sum = latency_sum + excluded.latency_sum,
         latency_count = latency_count + excluded.latency_count`,
    ),
    failure: db.prepare(
      'INSERT INTO probe_failures (stack, service, probe, at, latency_ms, detail, output) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    buckets: db.prepare(
      'SELECT * FROM probe_buckets WHERE size = ? AND start >= ? ORDER BY stack, service, probe, start',
    ),
    bucketsOfStack: db.prepare(
      'SELECT * FROM probe_buckets WHERE size = ? AND start >= ? AND stack = ? ORDER BY service, probe, start',
    ),
    totals: db.prepare(
      `SELECT stack, service, probe, MIN(start) AS start, SUM(ok) AS ok, SUM(total) AS total,
         SUM(latency_sum) AS latency_sum, SUM(latency_count) AS latency_count
       FROM probe_buckets WHERE size = @size AND start >= @since AND (@stack IS NULL OR stack = @stack)
       GROUP BY stack, service, probe`,
    ),
    bucketsOf: db.prepare(
      `SELECT * FROM probe_buckets WHERE stack = ? AND service = ? AND probe = ? AND size = ? AND start >= ?
       ORDER BY start`,
    ),
    failures: db.prepare(
      `SELECT at, latency_ms, detail, output FROM probe_failures WHERE stack = ? AND service = ? AND probe = ?
       ORDER BY id DESC LIMIT ?`,
    ),
    pruneHours: db.prepare("DELETE FROM probe_buckets WHERE size = 'hour' AND start < ?"),
    pruneDays: db.prepare("DELETE FROM probe_buckets WHERE size = 'day' AND start < ?"),
    pruneFailures: db.prepare(
      `DELETE FROM probe_failures WHERE id IN (
         SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY stack, service, probe ORDER BY id DESC) AS n
           FROM probe_failures) WHERE n > ?)`,
    ),
    forget: db.prepare('DELETE FROM probe_state WHERE stack = ? AND service = ? AND probe = ?'),
  };
  const record = db.transaction((batch: readonly ProbeWrite[]) => {
    for (const { state: s, hour, day, counted } of batch) {
      q.upsert.run({
        stack: s.stack,
        service: s.service,
        probe: s.probe,
        status: s.status,
        since: s.since ?? null,
        failures: s.failures,
        successes: s.successes,
        changes_json: JSON.stringify(s.changes),
        flapping: s.flapping ? 1 : 0,
        last_at: s.last.at,
        last_ok: s.last.ok ? 1 : 0,
        last_latency_ms: s.last.latencyMs ?? null,
        last_detail: s.last.detail,
        last_output: s.last.output ?? null,
      });
      if (counted === false) continue;
      const timed = s.last.latencyMs !== undefined && Number.isFinite(s.last.latencyMs);
      for (const [size, start] of [
        ['hour', hour],
        ['day', day],
      ] as const) {
        q.bucket.run({
          stack: s.stack,
          service: s.service,
          probe: s.probe,
          size,
          start,
          ok: s.last.ok ? 1 : 0,
          latency: timed ? (s.last.latencyMs ?? 0) : 0,
          timed: timed ? 1 : 0,
        });
      }
      if (!s.last.ok) {
        q.failure.run(
          s.stack,
          s.service,
          s.probe,
          s.last.at,
          s.last.latencyMs ?? null,
          s.last.detail,
          s.last.output ?? null,
        );
      }
    }
  });
  const forget = db.transaction((keys: readonly ProbeKey[]) => {
    for (const k of keys) q.forget.run(k.stack, k.service, k.probe);
  });
  const toBucket = (row: unknown): StoredBucket => {
    const r = parseRow(row, BucketRow, 'probe bucket');
    return {
      stack: r.stack,
      service: r.service,
      probe: r.probe,
      start: r.start,
      ok: r.ok,
      total: r.total,
      latencySumMs: r.latency_sum,
      latencyCount: r.latency_count,
    };
  };
  return {
    states: (stack) => guard(() => (stack === undefined ? q.all.all() : q.ofStack.all(stack)).map(toRecord)),
    get: (key) =>
      guard(() => {
        const row = q.get.get(key.stack, key.service, key.probe);
        return row === undefined ? undefined : toRecord(row);
      }),
    record: (batch) =>
      guard(() => {
        if (batch.length > 0) record(batch);
      }),
    buckets: (size, since, stack) =>
      guard(() =>
        (stack === undefined ? q.buckets.all(size, since) : q.bucketsOfStack.all(size, since, stack)).map(
          toBucket,
        ),
      ),
    totals: (size, since, stack) =>
      guard(() => q.totals.all({ size, since, stack: stack ?? null }).map(toBucket)),
    bucketsOf: (key, size, since) =>
      guard(() => q.bucketsOf.all(key.stack, key.service, key.probe, size, since).map(toBucket)),
    failures: (key, limit) =>
      guard(() =>
        q.failures.all(key.stack, key.service, key.probe, limit).map((row) => {
          const r = parseRow(row, FailureRow, 'probe failure');
          return {
            at: r.at,
            ...(r.latency_ms !== null ? { latencyMs: r.latency_ms } : {}),
            detail: r.detail,
            ...(r.output !== null ? { output: r.output } : {}),
          };
        }),
      ),
    prune: (o) =>
      guard(
        () =>
          q.pruneHours.run(o.hoursBefore).changes +
          q.pruneDays.run(o.daysBefore).changes +
          q.pruneFailures.run(o.keepFailures).changes,
      ),
    forget: (keys) =>
      guard(() => {
        if (keys.length > 0) forget(keys);
      }),
  };
}
