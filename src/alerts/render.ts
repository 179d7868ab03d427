import type { AlertMessage } from './message.js';

/**
 * The words of a message, the same on every channel: a one-line title (what a phone shows) and a
 * plain-text body (no markup, no links: every channel shows it as written). Channel formats
 * (render-channels.ts) wrap these.
 */

export interface RenderedText {
  readonly title: string;
  readonly text: string;
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** `1h 5m`, `42s`, `2d`: the two largest units, for "down for …" (seconds and up). */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  for (const [i, [unit, size]] of UNITS.entries()) {
    const n = Math.floor(seconds / size);
    if (n === 0) continue;
    const next = UNITS[i + 1];
    const m = next === undefined ? 0 : Math.floor((seconds % size) / next[1]);
    return next !== undefined && m > 0 ? `${n}${unit} ${m}${next[0]}` : `${n}${unit}`;
  }
  return '0s';
}

const since = (from: string | undefined, to: string): string | undefined =>
  from === undefined ? undefined : humanDuration(Date.parse(to) - Date.parse(from));

/** `shop/web`, `shop`, or nothing. */
export function placeOf(m: Pick<AlertMessage, 'stack' | 'service'>): string | undefined {
  if (m.stack === undefined) return m.service;
  return m.service === undefined ? m.stack : `${m.stack}/${m.service}`;
}

/** One line, so a summary cannot add header lines to an email or a title. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

export function renderTitle(m: AlertMessage): string {
  const place = placeOf(m);
  const what = oneLine(place === undefined ? m.summary : `${place}: ${m.summary}`);
  const severity = m.severity.toUpperCase();
  switch (m.kind) {
    case 'open':
    case 'notice':
      return `${severity} ${what}`;
    case 'reminder':
      return `STILL ${severity} after ${since(m.openedAt, m.at) ?? '?'}: ${what}`;
    case 'resolve':
      return `RESOLVED after ${since(m.openedAt, m.resolvedAt ?? m.at) ?? '?'}: ${what}`;
    case 'test':
      return `TEST ${what}`;
  }
}

export function renderText(m: AlertMessage): RenderedText {
  const lines = [m.summary];
  if (m.kind === 'resolve' && m.openSummary !== undefined) lines.push(`It began with: ${m.openSummary}`);
  lines.push('');
  if (m.stack !== undefined) lines.push(`Stack: ${m.stack}`);
  if (m.service !== undefined) lines.push(`Service: ${m.service}`);
  lines.push(`Severity: ${m.severity}`);
  lines.push(`Event: ${m.event.kind}/${m.event.type} at ${m.event.at}`);
  if (m.openedAt !== undefined) {
    const open = m.kind === 'resolve' ? 'Was open since' : 'Open since';
    lines.push(`${open}: ${m.openedAt} (${since(m.openedAt, m.resolvedAt ?? m.at)})`);
  }
  if (m.resolvedAt !== undefined) lines.push(`Resolved at: ${m.resolvedAt}`);
  lines.push(`Alert: ${m.key}`);
  return { title: renderTitle(m), text: lines.join('\n') };
}

/** An email: the title as subject, the text and a line saying where it came from. */
export function renderEmail(m: AlertMessage): { subject: string; text: string } {
  const { title, text } = renderText(m);
  return { subject: title, text: `${text}\n\n-- \nSent by Berth. Recent alerts: berth alert list\n` };
}
