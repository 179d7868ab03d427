import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import {
  type CreateDeploymentInput,
  CreateDeploymentInputSchema,
  type Deployment,
  type DeploymentEvent,
  type DeploymentPage,
  DeploymentRowSchema,
  type EventInput,
  EventInputSchema,
  EventRowSchema,
  type FinishOutcome,
  FinishOutcomeSchema,
  type ListOptions,
  ListOptionsSchema,
  type ServiceResult,
  type ServiceResultInput,
  ServiceResultInputSchema,
  ServiceResultRowSchema,
} from './deployment-schemas.js';
import { guard, notFound, StoreError } from './errors.js';
import { fromJsonText, JsonSchema, parseInput, parseRow, toJsonText } from './json.js';

export interface DeploymentStore {
  create(input: CreateDeploymentInput): Deployment;
  get(id: number): Deployment | undefined;
  list(stack: string | undefined, options: ListOptions): DeploymentPage;
  /** The latest deployment of each of these stacks that has one, by stack, in one query. */
  latest(stacks: readonly string[]): Map<string, LatestDeployment>;
  /** Whether the stack has any deployment recorded here (the server answers for it). */
  recorded(stack: string): boolean;
  running(stack: string): Deployment | undefined;
  appendEvent(id: number, event: EventInput): DeploymentEvent;
  events(id: number): DeploymentEvent[];
  /**
   * The events that putting the deployment back recorded (recoverInterrupted marks them
   * `data.recovery`; records written before it did are found by their `recovered from` message),
   * without reading the rest (a build's output lines).
   */
  recoveryEvents(id: number): DeploymentEvent[];
  setServiceResult(id: number, service: string, result: ServiceResultInput): ServiceResult;
  serviceResults(id: number): ServiceResult[];
  finish(id: number, outcome: FinishOutcome, summary?: string): Deployment;
  markInterrupted(stack: string, reason: string): number[];
}

/** A deployment without its plan: what a list of stacks shows of the latest one. */
export type LatestDeployment = Pick<Deployment, 'id' | 'stack' | 'status' | 'startedAt' | 'finishedAt'>;

const LatestRowSchema = DeploymentRowSchema.pick({
  id: true,
  stack: true,
  status: true,
  started_at: true,
  finished_at: true,
});

const StringListSchema = z.array(z.string());
// SQLite integers are 64-bit, but ids stay far below this; it only stands in for "no cursor".
const NO_CURSOR = Number.MAX_SAFE_INTEGER;

function toDeployment(row: unknown): Deployment {
  const r = parseRow(row, DeploymentRowSchema, 'deployment');
  return {
    id: r.id,
    stack: r.stack,
    trigger: r.trigger,
    actor: r.actor ?? undefined,
    plan: fromJsonText(r.plan_json, JsonSchema, `plan of deployment ${r.id}`),
    status: r.status,
    summary: r.summary ?? undefined,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? undefined,
  };
}

function toEvent(row: unknown): DeploymentEvent {
  const r = parseRow(row, EventRowSchema, 'deployment event');
  const what = `data of event ${r.seq} of deployment ${r.deployment_id}`;
  return {
    deploymentId: r.deployment_id,
    seq: r.seq,
    at: r.at,
    type: r.type,
    service: r.service ?? undefined,
    message: r.message,
    data: r.data_json === null ? undefined : fromJsonText(r.data_json, JsonSchema, what),
  };
}

function toServiceResult(row: unknown): ServiceResult {
  const r = parseRow(row, ServiceResultRowSchema, 'service result');
  const what = `log tail of ${r.service} in deployment ${r.deployment_id}`;
  return {
    deploymentId: r.deployment_id,
    service: r.service,
    outcome: r.outcome,
    reason: r.reason ?? undefined,
    exitCode: r.exit_code ?? undefined,
    logTail: r.log_tail_json === null ? undefined : fromJsonText(r.log_tail_json, StringListSchema, what),
    healthOutput: r.health_output ?? undefined,
    recordedAt: r.recorded_at,
  };
}

const missing = (id: number) => notFound(`deployment ${id}`, 'list deployments to see which ids exist');

export function createDeploymentStore(db: Database.Database, clock: Pick<Clock, 'now'>): DeploymentStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO deployments (stack, trigger, actor, plan_json, status, started_at)
       VALUES (?, ?, ?, ?, 'running', ?) RETURNING *`,
    ),
    get: db.prepare('SELECT * FROM deployments WHERE id = ?'),
    exists: db.prepare('SELECT 1 FROM deployments WHERE id = ?'),
    listAll: db.prepare('SELECT * FROM deployments WHERE id < ? ORDER BY id DESC LIMIT ?'),
    listStack: db.prepare('SELECT * FROM deployments WHERE stack = ? AND id < ? ORDER BY id DESC LIMIT ?'),
    recorded: db.prepare('SELECT 1 FROM deployments WHERE stack = ? LIMIT 1'),
    // Per name, one seek of the (stack, id DESC) index: the cost follows the names asked, not the history.
    latest: db.prepare(
      `SELECT d.id, d.stack, d.status, d.started_at, d.finished_at
       FROM json_each(?) AS n
       JOIN deployments AS d
         ON d.id = (SELECT id FROM deployments WHERE stack = n.value ORDER BY id DESC LIMIT 1)`,
    ),
    running: db.prepare(
      "SELECT * FROM deployments WHERE stack = ? AND status = 'running' ORDER BY id DESC LIMIT 1",
    ),
    runningIds: db.prepare("SELECT id FROM deployments WHERE stack = ? AND status = 'running' ORDER BY id"),
    finish: db.prepare(
      `UPDATE deployments SET status = ?, summary = ?, finished_at = ?
       WHERE id = ? AND status = 'running' RETURNING *`,
    ),
    // The sequence number is computed inside the INSERT, under the write lock, so two writers cannot
    // hand out the same number.
    insertEvent: db.prepare(
      `INSERT INTO deployment_events (deployment_id, seq, at, type, service, message, data_json)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM deployment_events WHERE deployment_id = ?), ?, ?, ?, ?, ?)
       RETURNING *`,
    ),
    events: db.prepare('SELECT * FROM deployment_events WHERE deployment_id = ? ORDER BY seq'),
    recoveryEvents: db.prepare(
      `SELECT * FROM deployment_events WHERE deployment_id = ?
         AND (json_extract(data_json, '$.recovery') = 1 OR message LIKE 'recovered from %')
       ORDER BY seq`,
    ),
    upsertResult: db.prepare(
      `INSERT INTO service_results
         (deployment_id, service, outcome, reason, exit_code, log_tail_json, health_output, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (deployment_id, service) DO UPDATE SET
         outcome = excluded.outcome, reason = excluded.reason, exit_code = excluded.exit_code,
         log_tail_json = excluded.log_tail_json, health_output = excluded.health_output,
         recorded_at = excluded.recorded_at
       RETURNING *`,
    ),
    results: db.prepare('SELECT * FROM service_results WHERE deployment_id = ? ORDER BY service'),
  };

  const requireExists = (id: number): void => {
    if (q.exists.get(id) === undefined) throw missing(id);
  };

  const appendEventTx = db.transaction((id: number, event: z.output<typeof EventInputSchema>) => {
    requireExists(id);
    const data = event.data === undefined ? null : toJsonText(event.data, 'event data');
    return toEvent(
      q.insertEvent.get(id, id, isoNow(clock), event.type, event.service ?? null, event.message, data),
    );
  });

  const setResultTx = db.transaction(
    (id: number, service: string, r: z.output<typeof ServiceResultInputSchema>) => {
      requireExists(id);
      const row = q.upsertResult.get(
        id,
        service,
        r.outcome,
        r.reason ?? null,
        r.exitCode ?? null,
        r.logTail === undefined ? null : toJsonText(r.logTail, 'log tail'),
        r.healthOutput ?? null,
        isoNow(clock),
      );
      return toServiceResult(row);
    },
  );

  const finishTx = db.transaction((id: number, outcome: FinishOutcome, summary: string | null) => {
    const row = q.finish.get(outcome, summary, isoNow(clock), id);
    if (row !== undefined) return toDeployment(row);
    const current = q.get.get(id);
    if (current === undefined) throw missing(id);
    const status = toDeployment(current).status;
    throw new StoreError(
      'STORE_INVALID_STATE',
      `deployment ${id} is already finished (${status})`,
      'a deployment is finished exactly once; this usually means two code paths both tried to end it',
    );
  });

  const markInterruptedTx = db.transaction((stack: string, reason: string) => {
    const ids = (q.runningIds.all(stack) as { id: number }[]).map((r) => r.id);
    const now = isoNow(clock);
    for (const id of ids) q.finish.get('interrupted', reason, now, id);
    return ids;
  });

  return {
    create: (input) =>
      guard(() => {
        const i = parseInput(input, CreateDeploymentInputSchema, 'deployment');
        const plan = toJsonText(i.plan, 'deployment plan');
        return toDeployment(q.insert.get(i.stack, i.trigger, i.actor ?? null, plan, isoNow(clock)));
      }),
    get: (id) =>
      guard(() => {
        const row = q.get.get(id);
        return row === undefined ? undefined : toDeployment(row);
      }),
    list: (stack, options) =>
      guard(() => {
        const { limit, before } = parseInput(options, ListOptionsSchema, 'list options');
        const cursor = before ?? NO_CURSOR;
        // One extra row tells whether another page exists without a COUNT query.
        const rows =
          stack === undefined ? q.listAll.all(cursor, limit + 1) : q.listStack.all(stack, cursor, limit + 1);
        const items = rows.slice(0, limit).map(toDeployment);
        const last = items.at(-1);
        return rows.length > limit && last !== undefined ? { items, nextBefore: last.id } : { items };
      }),
    latest: (stacks) =>
      guard(() => {
        const found = new Map<string, LatestDeployment>();
        if (stacks.length === 0) return found;
        for (const row of q.latest.all(JSON.stringify(stacks))) {
          const r = parseRow(row, LatestRowSchema, 'deployment');
          found.set(r.stack, {
            id: r.id,
            stack: r.stack,
            status: r.status,
            startedAt: r.started_at,
            finishedAt: r.finished_at ?? undefined,
          });
        }
        return found;
      }),
    recorded: (stack) => guard(() => q.recorded.get(stack) !== undefined),
    running: (stack) =>
      guard(() => {
        const row = q.running.get(stack);
        return row === undefined ? undefined : toDeployment(row);
      }),
    appendEvent: (id, event) =>
      guard(() => appendEventTx.immediate(id, parseInput(event, EventInputSchema, 'event'))),
    events: (id) =>
      guard(() => {
        requireExists(id);
        return q.events.all(id).map(toEvent);
      }),
    recoveryEvents: (id) => guard(() => q.recoveryEvents.all(id).map(toEvent)),
    setServiceResult: (id, service, result) =>
      guard(() =>
        setResultTx.immediate(id, service, parseInput(result, ServiceResultInputSchema, 'service result')),
      ),
    serviceResults: (id) =>
      guard(() => {
        requireExists(id);
        return q.results.all(id).map(toServiceResult);
      }),
    finish: (id, outcome, summary) =>
      guard(() =>
        finishTx.immediate(id, parseInput(outcome, FinishOutcomeSchema, 'outcome'), summary ?? null),
      ),
    markInterrupted: (stack, reason) => guard(() => markInterruptedTx.immediate(stack, reason)),
  };
}
