import { shortImageId } from '../api/bytes-text.js';
import type { ContainerSpec } from '../engine/model.js';
import { isSecretName } from '../secrets/detect.js';
import { canonicalJson } from './hash.js';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : canonicalJson(value));

const short = (value: unknown, max = 80): string => {
  const text = textOf(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** How much of what comes before the first difference a cut pair keeps, for context. */
const CONTEXT = 16;

/**
 * `before → after`, each cut to `max` characters around where they first differ: two long values
 * that share a beginning (a healthcheck whose URL changed at its end) do not look the same.
 */
export function changeText(before: unknown, after: unknown, max = 80): string {
  const a = textOf(before);
  const b = textOf(after);
  if (a.length <= max && b.length <= max) return `${a} → ${b}`;
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  const start = same <= max - CONTEXT ? 0 : Math.max(0, same - CONTEXT);
  const cut = (text: string) => {
    const head = start > 0 ? '…' : '';
    const room = max - head.length;
    const rest = text.slice(start);
    return rest.length > room ? `${head}${rest.slice(0, room - 1)}…` : `${head}${rest}`;
  };
  return `${cut(a)} → ${cut(b)}`;
}

/** Fields whose change is explained by name only (their values are long or noisy). */
const LABEL_PREFIXES = ['dev.berth.', 'com.docker.compose.'];

function envReasons(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    if (a === undefined) out.push(`env ${key} added`);
    else if (b === undefined) out.push(`env ${key} removed`);
    else if (isSecretName(key)) out.push(`env ${key} changed (value hidden)`);
    else out.push(`env ${key} changed: ${changeText(a, b, 40)}`);
  }
  return out;
}

function labelReasons(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const own = (labels: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(labels).filter(([k]) => !LABEL_PREFIXES.some((p) => k.startsWith(p))));
  const a = own(before);
  const b = own(after);
  return canonicalJson(a) === canonicalJson(b) ? [] : [`labels changed: ${changeText(a, b)}`];
}

/**
 * Why a container must be recreated, field by field, from the spec it was created with to the one
 * wanted now. Secret-looking environment values are never shown.
 */
export function specDiff(
  before: ContainerSpec,
  after: ContainerSpec,
  imageIds?: { before?: string; after?: string },
): string[] {
  const reasons: string[] = [];
  if (before.image !== after.image) reasons.push(`image ${before.image} → ${after.image}`);
  else if (imageIds?.before && imageIds.after && imageIds.before !== imageIds.after) {
    reasons.push(
      `image ${after.image} changed (${shortImageId(imageIds.before)} → ${shortImageId(imageIds.after)}: rebuilt or pulled)`,
    );
  }
  reasons.push(...envReasons(before.env, after.env));
  reasons.push(...labelReasons(before.labels, after.labels));
  const skip = new Set(['image', 'env', 'labels']);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !skip.has(k))
    .sort();
  for (const key of keys) {
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) continue;
    if (a === undefined) reasons.push(`${key} set: ${short(b)}`);
    else if (b === undefined) reasons.push(`${key} removed (was ${short(a)})`);
    else reasons.push(`${key} ${changeText(a, b)}`);
  }
  return reasons;
}
