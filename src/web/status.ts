import type { ContainerRow } from '../api/deploy.js';

// How a container, a service and a stack are doing, in one word: pure, from the API's answers.

export const STATUSES = [
  'healthy',
  'running',
  'completed',
  'unhealthy',
  'stopped',
  'partial',
  'unknown',
] as const;
export type Status = (typeof STATUSES)[number];

/**
 * Each status in words with an icon: never colour alone. `running` is up without a health check
 * (Berth cannot say it is healthy); `completed` is a one-shot service (one another waits for with
 * `service_completed_successfully`, a migration) that exited 0, as it is meant to.
 */
export const STATUS_LABEL: Readonly<Record<Status, { readonly icon: string; readonly text: string }>> = {
  healthy: { icon: '✔', text: 'healthy' },
  running: { icon: '▶', text: 'running' },
  completed: { icon: '☑', text: 'completed' },
  unhealthy: { icon: '✖', text: 'unhealthy' },
  stopped: { icon: '■', text: 'stopped' },
  partial: { icon: '◐', text: 'partly running' },
  unknown: { icon: '?', text: 'unknown' },
};

/** What a status says of one service, for the stacks page's counts (`5 running (no health check)`). */
export const STATUS_COUNT_WORDS: Readonly<Record<Status, string>> = {
  healthy: 'healthy',
  running: 'running (no health check)',
  completed: 'completed',
  unhealthy: 'unhealthy',
  stopped: 'stopped',
  partial: 'partly running',
  unknown: 'unknown',
};

type ContainerFacts = Pick<ContainerRow, 'state' | 'health' | 'exitCode' | 'oneShot'>;

/**
 * One container. Restarting or dead: unhealthy. Exited: a one-shot service's container is
 * completed with exit code 0 and unhealthy with another (as `berth health` says UP and DOWN); any
 * other stopped container is stopped. Running: its health check's word (`starting` is partial), or
 * `running` without a health check.
 */
export function containerStatus(row: ContainerFacts): Status {
  if (row.state === 'restarting' || row.state === 'dead') return 'unhealthy';
  if (row.state === 'exited' && row.oneShot === true) return row.exitCode === 0 ? 'completed' : 'unhealthy';
  if (row.state !== 'running') return 'stopped';
  if (row.health === 'unhealthy') return 'unhealthy';
  if (row.health === 'starting') return 'partial';
  if (row.health === 'healthy') return 'healthy';
  return 'running';
}

/**
 * Several statuses as one. None: stopped. One unhealthy makes the whole unhealthy. A completed
 * one-shot is done, so it counts for nothing beside the others (all completed: completed). Then:
 * all healthy is healthy; all up, healthy or without a health check, is running; all stopped is
 * stopped; all unknown is unknown; any other mix is partial.
 */
export function combine(statuses: readonly Status[]): Status {
  if (statuses.length === 0) return 'stopped';
  if (statuses.includes('unhealthy')) return 'unhealthy';
  const rest = statuses.filter((s) => s !== 'completed');
  if (rest.length === 0) return 'completed';
  if (rest.every((s) => s === 'healthy')) return 'healthy';
  if (rest.every((s) => s === 'healthy' || s === 'running')) return 'running';
  if (rest.every((s) => s === 'stopped')) return 'stopped';
  if (rest.every((s) => s === 'unknown')) return 'unknown';
  return 'partial';
}

/** A service from its containers: none is stopped. */
export function serviceStatus(rows: readonly ContainerFacts[]): Status {
  return combine(rows.map(containerStatus));
}

/**
 * A stack from its containers and how many services it declares: an invalid stack is unknown; a
 * service without a container makes a running stack partial.
 */
export function stackStatus(
  stack: { readonly valid: boolean; readonly services: number },
  rows: readonly (ContainerFacts & Pick<ContainerRow, 'service'>)[],
): Status {
  if (!stack.valid) return 'unknown';
  const byService = new Map<string, Status[]>();
  for (const row of rows) {
    const list = byService.get(row.service) ?? [];
    list.push(containerStatus(row));
    byService.set(row.service, list);
  }
  const services = [...byService.values()].map(combine);
  const missing = Math.max(0, stack.services - services.length);
  return combine([...services, ...Array<Status>(missing).fill('stopped')]);
}

/** Containers grouped by stack, in one pass. */
export function byStack<T extends { readonly stack: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.stack);
    if (list) list.push(row);
    else out.set(row.stack, [row]);
  }
  return out;
}
