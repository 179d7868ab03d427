import type { ContainerRow } from '../api/deploy.js';

// How a container, a service and a stack are doing, in one word: pure, from the API's answers.

export const STATUSES = ['healthy', 'unhealthy', 'stopped', 'partial', 'unknown'] as const;
export type Status = (typeof STATUSES)[number];

/** Each status in words with an icon: never colour alone. */
export const STATUS_LABEL: Readonly<Record<Status, { readonly icon: string; readonly text: string }>> = {
  healthy: { icon: '✔', text: 'healthy' },
  unhealthy: { icon: '✖', text: 'unhealthy' },
  stopped: { icon: '■', text: 'stopped' },
  partial: { icon: '◐', text: 'partly running' },
  unknown: { icon: '?', text: 'unknown' },
};

/** One container: running (and healthy, or without a health check), unhealthy, or stopped. */
export function containerStatus(row: Pick<ContainerRow, 'state' | 'health'>): Status {
  if (row.state === 'restarting' || row.state === 'dead') return 'unhealthy';
  if (row.state !== 'running') return 'stopped';
  if (row.health === 'unhealthy') return 'unhealthy';
  if (row.health === 'starting') return 'partial';
  return 'healthy';
}

/** The worst of several statuses: one unhealthy makes the whole unhealthy; a mix is partial. */
export function combine(statuses: readonly Status[]): Status {
  if (statuses.length === 0) return 'stopped';
  if (statuses.includes('unhealthy')) return 'unhealthy';
  if (statuses.every((s) => s === 'healthy')) return 'healthy';
  if (statuses.every((s) => s === 'stopped')) return 'stopped';
  if (statuses.every((s) => s === 'unknown')) return 'unknown';
  return 'partial';
}

/** A service from its containers: none is stopped. */
export function serviceStatus(rows: readonly Pick<ContainerRow, 'state' | 'health'>[]): Status {
  return combine(rows.map(containerStatus));
}

/**
 * A stack from its containers and how many services it declares: an invalid stack is unknown; a
 * service without a container makes a running stack partial.
 */
export function stackStatus(
  stack: { readonly valid: boolean; readonly services: number },
  rows: readonly Pick<ContainerRow, 'service' | 'state' | 'health'>[],
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
