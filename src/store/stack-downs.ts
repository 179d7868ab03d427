import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { type DeploymentStatus, DeploymentStatusSchema } from './deployment-schemas.js';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** The last successful `berth down` of a stack. */
export interface StackDown {
  /** ISO 8601; absent for a stack taken down before Berth recorded when (migration 16). */
  readonly at?: string;
  /** The newest deployment of the stack when it went down: the down came after it. */
  readonly deploymentId?: number;
}

/** A deployment as the run state of its stack needs it. */
export interface DeploymentOutcome {
  readonly id: number;
  readonly status: DeploymentStatus;
  readonly finishedAt?: string;
}

/**
 * What the store records about whether a stack runs: its last down, and the deployments since
 * (since ever without a down), newest first, down to the newest one that did not put the stack
 * back as it was (a rolled-back or interrupted deploy does) inclusive.
 */
export interface StackRunFacts {
  readonly down?: StackDown;
  readonly deployments: readonly DeploymentOutcome[];
}

export interface StackDownStore {
  /** A successful `berth down` of `stack`, now (after its newest deployment). */
  record(stack: string): StackDown;
  facts(stack: string): StackRunFacts;
}

const DownRow = z.object({ at: z.string().nullable(), deployment_id: z.number().int().nullable() });
const DeploymentRow = z.object({
  id: z.number().int(),
  status: DeploymentStatusSchema,
  finished_at: z.string().nullable(),
});

const toDown = (row: unknown): StackDown => {
  const r = parseRow(row, DownRow, 'stack down');
  return {
    ...(r.at !== null ? { at: r.at } : {}),
    ...(r.deployment_id !== null ? { deploymentId: r.deployment_id } : {}),
  };
};

/** Deployments after the down read at once; beyond that, the first that did not put the stack back ends the walk. */
const PAGE = 20;

export function createStackDownStore(db: Database.Database, clock: Pick<Clock, 'now'>): StackDownStore {
  const q = {
    record: db.prepare(
      `INSERT INTO stack_downs (stack, at, deployment_id)
       VALUES (@stack, @at, (SELECT MAX(id) FROM deployments WHERE stack = @stack))
       ON CONFLICT (stack) DO UPDATE SET at = excluded.at, deployment_id = excluded.deployment_id
       RETURNING at, deployment_id`,
    ),
    get: db.prepare('SELECT at, deployment_id FROM stack_downs WHERE stack = ?'),
    after: db.prepare(
      `SELECT id, status, finished_at FROM deployments WHERE stack = ? AND id > ? AND id < ?
       ORDER BY id DESC LIMIT ${PAGE}`,
    ),
  };
  const deploymentsAfter = (stack: string, after: number): DeploymentOutcome[] => {
    const found: DeploymentOutcome[] = [];
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = q.after.all(stack, after, before).map((row) => {
        const r = parseRow(row, DeploymentRow, 'deployment');
        return {
          id: r.id,
          status: r.status,
          ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
        };
      });
      for (const d of page) {
        found.push(d);
        if (d.status !== 'rolled-back' && d.status !== 'interrupted') return found;
      }
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) return found;
      before = last.id;
    }
  };
  return {
    record: (stack) => guard(() => toDown(q.record.get({ stack, at: isoNow(clock) }))),
    facts: (stack) =>
      guard(() => {
        const row = q.get.get(stack);
        const down = row === undefined ? undefined : toDown(row);
        return {
          ...(down ? { down } : {}),
          deployments: deploymentsAfter(stack, down?.deploymentId ?? 0),
        };
      }),
  };
}
