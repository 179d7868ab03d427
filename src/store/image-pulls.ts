import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** When a deploy last pulled an image reference (the engine does not record pulls: its LastTagTime is the tag's). */
export interface ImagePullRecord {
  /** As the compose file writes it. */
  readonly reference: string;
  readonly imageId: string;
  /** ISO 8601. */
  readonly pulledAt: string;
}

export interface ImagePullStore {
  get(reference: string): ImagePullRecord | undefined;
  /** A successful pull of `reference`, now. */
  record(reference: string, imageId: string): ImagePullRecord;
}

const RowSchema = z.object({ reference: z.string(), image_id: z.string(), pulled_at: z.string() });

function toRecord(row: unknown): ImagePullRecord {
  const r = parseRow(row, RowSchema, 'image pull');
  return { reference: r.reference, imageId: r.image_id, pulledAt: r.pulled_at };
}

export function createImagePullStore(db: Database.Database, clock: Pick<Clock, 'now'>): ImagePullStore {
  const q = {
    get: db.prepare('SELECT * FROM image_pulls WHERE reference = ?'),
    record: db.prepare(
      `INSERT INTO image_pulls (reference, image_id, pulled_at) VALUES (?, ?, ?)
       ON CONFLICT (reference) DO UPDATE SET image_id = excluded.image_id, pulled_at = excluded.pulled_at
       RETURNING *`,
    ),
  };
  return {
    get: (reference) =>
      guard(() => {
        const row = q.get.get(reference);
        return row === undefined ? undefined : toRecord(row);
      }),
    record: (reference, imageId) => guard(() => toRecord(q.record.get(reference, imageId, isoNow(clock)))),
  };
}
