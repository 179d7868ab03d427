import type { Severity } from '../api/alert-hint.js';
import type { AlertSettings } from '../config/alert-resolve.js';

/** A channel an alert goes to, and how often it is reminded while open (absent: never). */
export interface ChannelRoute {
  readonly channel: string;
  readonly remindEveryMs?: number;
}

export interface Routable {
  readonly kind: string;
  readonly type: string;
  readonly stack?: string;
}

/**
 * The channels of every rule that matches: its kinds, types, severities and stacks (a rule naming
 * stacks never matches an event of no stack). A channel named by several rules is sent to once,
 * reminded at the shortest of their intervals. Channels that are not configured are left out.
 */
export function routeFor(
  event: Routable,
  severity: Severity,
  settings: Pick<AlertSettings, 'channels' | 'rules'> | undefined,
): ChannelRoute[] {
  if (settings === undefined) return [];
  const routes = new Map<string, number | undefined>();
  for (const rule of settings.rules) {
    if (rule.kinds !== undefined && !rule.kinds.includes(event.kind)) continue;
    if (rule.types !== undefined && !rule.types.includes(event.type)) continue;
    if (!rule.severities.includes(severity)) continue;
    if (rule.stacks !== undefined && (event.stack === undefined || !rule.stacks.includes(event.stack)))
      continue;
    for (const channel of rule.channels) {
      if (!Object.hasOwn(settings.channels, channel)) continue;
      const known = routes.get(channel);
      const every = [known, rule.remindMs].filter((ms): ms is number => ms !== undefined);
      routes.set(channel, every.length > 0 ? Math.min(...every) : undefined);
    }
  }
  return [...routes].map(([channel, every]) =>
    every === undefined ? { channel } : { channel, remindEveryMs: every },
  );
}
