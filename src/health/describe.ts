import type { ContainerInfo, HealthLogEntry } from '../engine/types.js';

/** The most recent health check's result, if the engine kept one. */
export function lastHealthCheck(info: ContainerInfo): HealthLogEntry | undefined {
  const log = info.health?.log;
  return log === undefined ? undefined : log[log.length - 1];
}

/** The most recent health check's output, trimmed; undefined when there is none or it is blank. */
export function lastHealthOutput(info: ContainerInfo): string | undefined {
  const output = lastHealthCheck(info)?.output.trim();
  return output === undefined || output === '' ? undefined : output;
}

/** Whitespace runs (newlines included) become one space, so the text fits on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * At most `max` characters (code points, so no emoji is cut in half). By default long text keeps
 * its start and its end, because health checks and crashing programs often print the actual error
 * last; `start` keeps only the start, for one-line summaries (and limits under 40 always do).
 */
export function clip(text: string, max: number, keep: 'both' | 'start' = 'both'): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (keep === 'start' || max < 40)
    return `${chars
      .slice(0, Math.max(0, max - 1))
      .join('')
      .trimEnd()}…`;
  const tail = Math.floor((max - 3) / 3);
  const head = max - 3 - tail;
  return `${chars.slice(0, head).join('').trimEnd()} … ${chars
    .slice(chars.length - tail)
    .join('')
    .trimStart()}`;
}

const SIGNALS: Readonly<Record<number, string>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

/**
 * What an exit code usually means, for the codes an operator cannot read at a glance.
 * ContainerInfo does not carry the engine's OOMKilled flag, so 137 can only hint at it.
 */
export function explainExitCode(code: number): string | undefined {
  if (code === 126) return 'command cannot be executed';
  if (code === 127) return 'command not found';
  if (code === 137) return 'SIGKILL: killed, often for running out of memory';
  if (code > 128 && code < 160) return SIGNALS[code - 128] ?? `signal ${code - 128}`;
  return undefined;
}

/** `code 137 (SIGKILL: …)` or just `code 1`. */
export function exitCodeText(code: number): string {
  const meaning = explainExitCode(code);
  return meaning === undefined ? `code ${code}` : `code ${code} (${meaning})`;
}

function parseTime(iso: string | null): number | undefined {
  if (iso === null) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `42s ago`, `2m ago`, `5h ago`, `3d ago`; `just now` under a second or when the clocks disagree. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - thenMs) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/**
 * An unhealthy container says its last check's exit code, not what the check printed: `berth ps` and
 * the container list are read by every role, and that output is, like logs, for operators.
 */
function describeHealth(info: ContainerInfo): string | undefined {
  const health = info.health;
  if (health === undefined) return undefined;
  if (health.status === 'healthy') return 'healthy';
  if (health.status === 'starting') {
    return health.failingStreak > 0 ? `health: starting, ${health.failingStreak} failed` : 'health: starting';
  }
  const last = lastHealthCheck(info);
  return last === undefined ? 'unhealthy' : `unhealthy: check exited ${last.exitCode}`;
}

function restarts(info: ContainerInfo): string | undefined {
  return info.restartCount > 0 ? `restarted ${info.restartCount}×` : undefined;
}

function parenthesized(parts: readonly (string | undefined)[]): string {
  const present = parts.filter((part): part is string => part !== undefined);
  return present.length === 0 ? '' : ` (${present.join(', ')})`;
}

/**
 * One line for `berth ps` and failure reports: `running (healthy)`,
 * `running (unhealthy: check exited 7)`, `exited (137) 2m ago`,
 * `restarting (restarted 5×)`. Without `now`, times are left out.
 */
export function describeContainer(info: ContainerInfo, now?: Date | number): string {
  const nowMs = now instanceof Date ? now.getTime() : now;
  switch (info.state) {
    case 'running':
    case 'paused':
      return `${info.state}${parenthesized([describeHealth(info), restarts(info)])}`;
    case 'restarting':
      return `restarting${parenthesized([restarts(info), info.exitCode === 0 ? undefined : `last exit ${info.exitCode}`])}`;
    case 'exited':
    case 'dead': {
      const finished = parseTime(info.finishedAt);
      const ago = finished === undefined || nowMs === undefined ? '' : ` ${formatAgo(finished, nowMs)}`;
      const restarted = restarts(info);
      return `${info.state} (${info.exitCode})${ago}${restarted === undefined ? '' : `, ${restarted}`}`;
    }
    case 'created':
      // The engine leaves a container whose start failed in `created`, with a non-zero exit code.
      return info.exitCode === 0
        ? 'created (never started)'
        : `created (start failed: exit ${info.exitCode})`;
    case 'removing':
      return 'removing';
  }
}
