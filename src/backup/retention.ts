import type { BackupTrigger } from '../api/backups.js';
import type { Retain } from './xberth.js';

/** What retention needs to know of one backup of a service. */
export interface Kept {
  readonly id: string;
  readonly startedAt: string;
  /** What took it: `safety` (before a restore) and `pre-deploy` backups stay outside the period buckets. */
  readonly trigger: BackupTrigger;
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

const DAY_MS = 86_400_000;
/** The shortest time a safety or pre-deploy backup is kept, whatever the policy. */
export const MIN_PROTECTED_DAYS = 7;

/** How the backups taken before a restore or a deploy are named in the reasons. */
const PROTECTED: ReadonlyArray<readonly [BackupTrigger, string]> = [
  ['safety', 'safety backup (taken before a restore)'],
  ['pre-deploy', 'pre-deploy backup (taken before a deploy)'],
];
const isProtected = (trigger: BackupTrigger) => PROTECTED.some(([t]) => t === trigger);

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);
/** ISO week, e.g. 2026-W49 (weeks start on Monday; the year is the week's Thursday's). */
function week(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const start = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  const n = Math.ceil(((t.getTime() - start.getTime()) / DAY_MS + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(n).padStart(2, '0')}`;
}

/** How many days a safety or pre-deploy backup is kept under this policy: its `daily` days, at least 7. */
export function protectedDays(retain: Retain): number {
  return Math.max(MIN_PROTECTED_DAYS, retain.daily ?? 0);
}

/**
 * Grandfather-father-son retention over the completed backups of one service (pure). `last`,
 * `daily`, `weekly` and `monthly` count scheduled and manual backups only. Buckets count periods
 * that HAVE a backup, not calendar periods: `daily: 7` keeps the newest backup of each of the seven
 * most recent days with one, so a week without backups never empties the store.
 *
 * Safety backups (taken before a restore) and pre-deploy backups hold what was there before an
 * operator changed something, often the only copy of it: they never take (or lose) a period's slot.
 * Each is kept until `protectedDays(retain)` days after it was taken (compared with `now`), and the newest
 * safety and the newest pre-deploy backup are kept however old they are.
 *
 * Whatever the policy says, the newest backup and the newest whose drill passed (each also among the
 * scheduled and manual ones), and any backup in use or being drilled are kept. So the scheduled and
 * manual backups kept are the same as if no safety or pre-deploy backup existed. Days, weeks and
 * months are UTC.
 */
export function retention(backups: readonly Kept[], retain: Retain, now: Date): RetentionDecision[] {
  const sorted = [...backups].sort((a, b) =>
    a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1,
  );
  const regular = sorted.filter((b) => !isProtected(b.trigger));
  const reasons = new Map<string, string[]>(sorted.map((b) => [b.id, []]));
  const keep = (id: string, why: string) => reasons.get(id)?.push(why);
  for (const [i, b] of regular.slice(0, retain.last ?? 0).entries()) {
    keep(b.id, `one of the last ${retain.last} (#${i + 1})`);
  }
  const bucket = (count: number | undefined, key: (d: Date) => string, name: string) => {
    if (!count) return;
    const seen = new Set<string>();
    for (const b of regular) {
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
  const days = protectedDays(retain);
  const gone = new Map<string, string>();
  for (const [trigger, name] of PROTECTED) {
    const taken = sorted.filter((b) => b.trigger === trigger);
    for (const [i, b] of taken.entries()) {
      const until = new Date(new Date(b.startedAt).getTime() + days * DAY_MS);
      const stamp = Number.isNaN(until.getTime()) ? 'unknown' : `${until.toISOString().slice(0, 19)}Z`;
      if (i === 0) keep(b.id, `the newest ${name}`);
      if (until > now) keep(b.id, `a ${name}, kept ${days} days: until ${stamp}`);
      else gone.set(b.id, `a ${name} past its ${days} days (${stamp}), and not the newest one`);
    }
  }
  // The newest, and the newest drilled: of all backups, and (when that one is a safety or
  // pre-deploy backup) of the scheduled and manual ones too, so that they never take its place.
  const newest = (of: readonly Kept[], drilled: boolean) => of.find((b) => !drilled || b.drill === 'passed');
  for (const [drilled, what] of [
    [false, 'backup'],
    [true, 'backup whose drill passed'],
  ] as const) {
    const any = newest(sorted, drilled);
    if (any) keep(any.id, `the newest ${what}`);
    const own = newest(regular, drilled);
    if (own && own !== any) keep(own.id, `the newest scheduled or manual ${what}`);
  }
  for (const b of sorted) {
    if (b.inUse) keep(b.id, 'in use by a drill or restore');
    if (b.drill === 'running') keep(b.id, 'its drill is running');
  }
  return sorted.map((b) => {
    const why = reasons.get(b.id) ?? [];
    return why.length > 0
      ? { id: b.id, keep: true, reasons: why }
      : { id: b.id, keep: false, reasons: [gone.get(b.id) ?? 'outside every retention rule'] };
  });
}
