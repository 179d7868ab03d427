import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard, notFound, StoreError } from './errors.js';
import { parseInput, parseRow } from './json.js';

export const LockOwnerSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string().min(1),
  /** Random per acquisition; the proof of ownership for release, since pids get reused. */
  token: z.string().min(1),
});
export type LockOwner = z.infer<typeof LockOwnerSchema>;

/**
 * Decides whether a recorded owner still runs. Injected: the CLI passes one that probes the pid on the
 * same host; the store never guesses, because a wrong "dead" would let two deploys run at once.
 */
export type IsAlive = (owner: LockOwner) => boolean;

export interface LockHolder {
  deploymentId?: number;
  owner: LockOwner;
  /** When the holder acquired the lock (ISO-8601). */
  since: string;
}

export type AcquireResult =
  /** `staleFrom`: the dead previous holder, whose deployment the caller should mark interrupted. */
  { ok: true; staleFrom?: LockHolder } | { ok: false; heldBy: LockHolder };

const AcquireInputSchema = z.object({
  owner: LockOwnerSchema,
  deploymentId: z.number().int().positive().optional(),
});
export type AcquireInput = z.input<typeof AcquireInputSchema>;

export interface LockStore {
  /** Takes the stack's lock. Re-acquiring with the same token succeeds (and updates the deployment id). */
  acquire(stack: string, input: AcquireInput): AcquireResult;
  /** Records which deployment the lock protects, for a lock taken before the deployment was created. */
  attach(stack: string, token: string, deploymentId: number): void;
  /** Frees the lock. False if nothing was held; STORE_LOCKED if someone else holds it. */
  release(stack: string, token: string): boolean;
  holder(stack: string): LockHolder | undefined;
  /** The holder while its owner is alive; undefined when the lock is free or its owner is dead (free to take). */
  liveHolder(stack: string): LockHolder | undefined;
}

const LockRowSchema = z.object({
  stack: z.string(),
  owner_pid: z.number().int(),
  owner_host: z.string(),
  token: z.string(),
  deployment_id: z.number().int().nullable(),
  acquired_at: z.string(),
});

function toHolder(row: unknown): LockHolder {
  const r = parseRow(row, LockRowSchema, 'stack lock');
  return {
    deploymentId: r.deployment_id ?? undefined,
    owner: { pid: r.owner_pid, host: r.owner_host, token: r.token },
    since: r.acquired_at,
  };
}

function heldByOther(stack: string, holder: LockHolder): StoreError {
  const by = holder.deploymentId === undefined ? '' : ` for deployment ${holder.deploymentId}`;
  return new StoreError(
    'STORE_LOCKED',
    `the lock of stack ${stack} is held by pid ${holder.owner.pid} on ${holder.owner.host}${by}`,
    'only the process that acquired a lock can change or release it',
  );
}

export function createLockStore(
  db: Database.Database,
  clock: Pick<Clock, 'now'>,
  isAlive: IsAlive,
): LockStore {
  const q = {
    get: db.prepare('SELECT * FROM stack_locks WHERE stack = ?'),
    put: db.prepare(
      `INSERT INTO stack_locks (stack, owner_pid, owner_host, token, deployment_id, acquired_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stack) DO UPDATE SET owner_pid = excluded.owner_pid, owner_host = excluded.owner_host,
         token = excluded.token, deployment_id = excluded.deployment_id, acquired_at = excluded.acquired_at`,
    ),
    attach: db.prepare('UPDATE stack_locks SET deployment_id = ? WHERE stack = ? AND token = ?'),
    release: db.prepare('DELETE FROM stack_locks WHERE stack = ? AND token = ?'),
    deploymentExists: db.prepare('SELECT 1 FROM deployments WHERE id = ?'),
  };

  const requireDeployment = (id: number): void => {
    if (q.deploymentExists.get(id) === undefined) {
      throw notFound(`deployment ${id}`, 'create the deployment before attaching it to a lock');
    }
  };

  // Check-and-take happens in one IMMEDIATE transaction: the write lock is held from the read on, so two
  // processes racing for the same stack are serialised by SQLite and exactly one of them wins.
  const acquireTx = db.transaction((stack: string, input: z.output<typeof AcquireInputSchema>) => {
    const { owner } = input;
    if (input.deploymentId !== undefined) requireDeployment(input.deploymentId);
    const row = q.get.get(stack);
    const current = row === undefined ? undefined : toHolder(row);
    if (current !== undefined && current.owner.token === owner.token) {
      const deploymentId = input.deploymentId ?? current.deploymentId ?? null;
      q.attach.run(deploymentId, stack, owner.token);
      return { ok: true } as const;
    }
    if (current !== undefined && isAlive(current.owner)) return { ok: false, heldBy: current } as const;
    const now = isoNow(clock);
    q.put.run(stack, owner.pid, owner.host, owner.token, input.deploymentId ?? null, now);
    return current === undefined ? ({ ok: true } as const) : ({ ok: true, staleFrom: current } as const);
  });

  const attachTx = db.transaction((stack: string, token: string, deploymentId: number) => {
    requireDeployment(deploymentId);
    if (q.attach.run(deploymentId, stack, token).changes === 1) return;
    const row = q.get.get(stack);
    if (row === undefined) throw notFound(`lock of stack ${stack}`, 'acquire the lock first');
    throw heldByOther(stack, toHolder(row));
  });

  const releaseTx = db.transaction((stack: string, token: string) => {
    if (q.release.run(stack, token).changes === 1) return true;
    const row = q.get.get(stack);
    if (row === undefined) return false;
    throw heldByOther(stack, toHolder(row));
  });

  return {
    acquire: (stack, input) =>
      guard(() => acquireTx.immediate(stack, parseInput(input, AcquireInputSchema, 'lock request'))),
    attach: (stack, token, deploymentId) => guard(() => attachTx.immediate(stack, token, deploymentId)),
    release: (stack, token) => guard(() => releaseTx.immediate(stack, token)),
    holder: (stack) =>
      guard(() => {
        const row = q.get.get(stack);
        return row === undefined ? undefined : toHolder(row);
      }),
    liveHolder: (stack) =>
      guard(() => {
        const row = q.get.get(stack);
        const holder = row === undefined ? undefined : toHolder(row);
        return holder !== undefined && isAlive(holder.owner) ? holder : undefined;
      }),
  };
}
