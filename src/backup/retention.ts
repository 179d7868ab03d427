import type { Retain } from './xberth.js';

/** What retention needs to know of one backup of a service. */
export interface Kept {
  readonly id: string;
  readonly startedAt: string;
  readonly drill: 'none' | 'running' | 'passed' | 'failed';
  /** Read by a drill or a restore right now. */
  readonly inUse: boolean;
}

export interface RetentionDecision {
  readonly id: string;
  readonly keep: boolean;
  /** Why it stays (every rule that keeps it) or why it goes. */
  readonly reasons: readonly string[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);
/** ISO week, e.g. 2026-W49 (weeks start on Monday; the year is the week's Thursday's). */
function week(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const start = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  const n = Math.ceil(((t.getTime() - start.getTime()) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(n).padStart(2, '0')}`;
}

/**
 * Grandfather-father-son retention over the completed backups of one service (pure). Buckets count
 * periods that HAVE a backup, not calendar periods: `daily: 7` keeps the newest backup of each of the
 * seven most recent days with one, so a week without backups never empties the store. Whatever the
 * policy says, the newest backup, the newest whose drill passed, and any backup in use or being
 * drilled are kept. Days, weeks and months are UTC.
 */
export function retention(backups: readonly Kept[], retain: Retain): RetentionDecision[] {
  const sorted = [...backups].sort((a, b) =>
    a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1,
  );
  const reasons = new Map<string, string[]>(sorted.map((b) => [b.id, []]));
  const keep = (id: string, why: string) => reasons.get(id)?.push(why);
  for (const [i, b] of sorted.slice(0, retain.last ?? 0).entries()) {
    keep(b.id, `one of the last ${retain.last} (#${i + 1})`);
  }
  const bucket = (count: number | undefined, key: (d: Date) => string, name: string) => {
    if (!count) return;
    const seen = new Set<string>();
    for (const b of sorted) {
      const k = key(new Date(b.startedAt));
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep(b.id, `newest of ${name} ${k}`);
    }
  };
  bucket(retain.daily, day, 'day');
  bucket(retain.weekly, week, 'week');
  bucket(retain.monthly, month, 'month');
  const newest = sorted[0];
  if (newest) keep(newest.id, 'the newest backup');
  const drilled = sorted.find((b) => b.drill === 'passed');
  if (drilled) keep(drilled.id, 'the newest backup whose drill passed');
  for (const b of sorted) {
    if (b.inUse) keep(b.id, 'in use by a drill or restore');
    if (b.drill === 'running') keep(b.id, 'its drill is running');
  }
  return sorted.map((b) => {
    const why = reasons.get(b.id) ?? [];
    return why.length > 0
      ? { id: b.id, keep: true, reasons: why }
      : { id: b.id, keep: false, reasons: ['outside every retention rule'] };
  });
}
