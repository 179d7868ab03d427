import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** How an image version came onto the engine: Berth pulled it, or built it. */
export type StackImageOrigin = 'pull' | 'build';

/** One image version Berth put on the engine for a service of a stack. */
export interface StackImageRecord {
  readonly stack: string;
  readonly service: string;
  readonly imageId: string;
  /**
   * A reference it was pulled or built as (a tag may move on to a newer version since), with the
   * stack's secret values masked: one row per reference.
   */
  readonly reference: string;
  readonly origin: StackImageOrigin;
  /** ISO 8601: when Berth pulled or built it. */
  readonly recordedAt: string;
  /** ISO 8601: the last deploy that ended with the service running it; absent: never deployed. */
  readonly deployedAt?: string;
}

export interface StackImageStore {
  /** Berth pulled or built `imageId` for the service as `reference` now; a first record's time is kept. */
  record(input: Omit<StackImageRecord, 'recordedAt' | 'deployedAt'>): void;
  /** A deploy ended with the service running `imageId` (every reference of it): no-op for an image Berth did not put there. */
  deployed(stack: string, service: string, imageId: string): void;
  /** The stack's image versions, newest deploy first (never deployed last, newest recorded first). */
  list(stack: string): StackImageRecord[];
  /** Every stack's records of one image. */
  holders(imageId: string): StackImageRecord[];
  /** Drops the stack's records of an image that is gone from the engine; returns how many. */
  forget(stack: string, imageId: string): number;
}

const RowSchema = z.object({
  stack: z.string(),
  service: z.string(),
  image_id: z.string(),
  reference: z.string(),
  origin: z.enum(['pull', 'build']),
  recorded_at: z.string(),
  deployed_at: z.string().nullable(),
});

function toRecord(row: unknown): StackImageRecord {
  const r = parseRow(row, RowSchema, 'stack image');
  return {
    stack: r.stack,
    service: r.service,
    imageId: r.image_id,
    reference: r.reference,
    origin: r.origin,
    recordedAt: r.recorded_at,
    ...(r.deployed_at === null ? {} : { deployedAt: r.deployed_at }),
  };
}

const ORDER =
  'ORDER BY deployed_at IS NULL, deployed_at DESC, recorded_at DESC, service, image_id, reference';

export function createStackImageStore(db: Database.Database, clock: Pick<Clock, 'now'>): StackImageStore {
  const q = {
    record: db.prepare(
      `INSERT INTO stack_images (stack, service, image_id, reference, origin, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stack, service, image_id, reference) DO NOTHING`,
    ),
    deployed: db.prepare(
      'UPDATE stack_images SET deployed_at = ? WHERE stack = ? AND service = ? AND image_id = ?',
    ),
    list: db.prepare(`SELECT * FROM stack_images WHERE stack = ? ${ORDER}`),
    holders: db.prepare(`SELECT * FROM stack_images WHERE image_id = ? ${ORDER}`),
    forget: db.prepare('DELETE FROM stack_images WHERE stack = ? AND image_id = ?'),
  };
  return {
    record: (input) =>
      guard(() => {
        q.record.run(input.stack, input.service, input.imageId, input.reference, input.origin, isoNow(clock));
      }),
    deployed: (stack, service, imageId) =>
      guard(() => {
        q.deployed.run(isoNow(clock), stack, service, imageId);
      }),
    list: (stack) => guard(() => q.list.all(stack).map(toRecord)),
    holders: (imageId) => guard(() => q.holders.all(imageId).map(toRecord)),
    forget: (stack, imageId) => guard(() => q.forget.run(stack, imageId).changes),
  };
}
