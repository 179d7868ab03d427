import type { ContainerRow } from '../api/deploy.js';
import type { LastDeployment } from '../api/stacks.js';
import { byStack, STATUS_COUNT_WORDS, type Status, serviceStatus, stackStatus } from './status.js';

// The stacks page's rows, from two API answers: the catalog with each stack's latest deployment
// (`include=last-deployment`), and the containers.

export interface StackSummaryView {
  readonly name: string;
  readonly group: string | null;
  readonly owner: string | null;
  readonly description: string | null;
  readonly valid: boolean;
  readonly services: number;
  /** Absent or null: no deployment recorded. */
  readonly lastDeployment?: Pick<LastDeployment, 'status' | 'startedAt' | 'finishedAt'> | null | undefined;
}

export interface StackRow {
  readonly name: string;
  readonly group: string | null;
  readonly owner: string | null;
  readonly description: string | null;
  readonly status: Status;
  /** Services per status (a declared service without a container is stopped). */
  readonly counts: Readonly<Partial<Record<Status, number>>>;
  readonly services: number;
  readonly last?: { readonly status: string; readonly at: string } | undefined;
}

/** What the row shows of the latest deployment: its status, and when it ended (or started, while running). */
export function lastOutcome(
  last: StackSummaryView['lastDeployment'],
): { readonly status: string; readonly at: string } | undefined {
  return last ? { status: last.status, at: last.finishedAt ?? last.startedAt } : undefined;
}

/** One row per stack, in the catalog's order; without containers (the engine did not answer) all unknown. */
export function stackRows(
  stacks: readonly StackSummaryView[],
  containers: readonly ContainerRow[] | undefined,
): StackRow[] {
  const grouped = byStack(containers ?? []);
  return stacks.map((s) => {
    const lastView = lastOutcome(s.lastDeployment);
    if (containers === undefined) {
      const { name, group, owner, description, services } = s;
      return { name, group, owner, description, services, status: 'unknown', counts: {}, last: lastView };
    }
    const rows = grouped.get(s.name) ?? [];
    const perService = new Map<string, ContainerRow[]>();
    for (const row of rows) perService.set(row.service, [...(perService.get(row.service) ?? []), row]);
    const counts: Partial<Record<Status, number>> = {};
    for (const list of perService.values()) {
      const status = serviceStatus(list);
      counts[status] = (counts[status] ?? 0) + 1;
    }
    const missing = Math.max(0, s.services - perService.size);
    if (missing > 0) counts.stopped = (counts.stopped ?? 0) + missing;
    return {
      name: s.name,
      group: s.group,
      owner: s.owner,
      description: s.description,
      status: stackStatus(s, rows),
      counts,
      services: s.services,
      last: lastView,
    };
  });
}

/** `19 healthy, 5 running (no health check), 1 completed`, in a fixed order. */
export function countsText(counts: Readonly<Partial<Record<Status, number>>>): string {
  const order: Status[] = ['healthy', 'running', 'completed', 'partial', 'unhealthy', 'stopped', 'unknown'];
  const parts = order.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${STATUS_COUNT_WORDS[s]}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}
