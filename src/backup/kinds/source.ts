import type { BackupKind } from '../xberth.js';

/**
 * The container a dump of a service is read from, or why there is none (`has …` completes it): database kinds need a
 * running container (they exec the dump tool in it); volumes are read from any container of the
 * service (running first). Pure: `startDump` and the plan's pre-deploy preview both decide with it.
 */
export function dumpSource<C extends { readonly state: string }>(
  kind: BackupKind,
  containers: readonly C[],
): { readonly container: C } | { readonly problem: string } {
  const running = containers.find((c) => c.state === 'running');
  const chosen = kind === 'volume' ? (running ?? containers[0]) : running;
  if (chosen) return { container: chosen };
  if (containers.length === 0)
    return { problem: `no ${kind === 'volume' ? '' : 'running '}container to back up (it has none)` };
  const states = [...new Set(containers.map((c) => c.state))].join(', ');
  const its = containers.length === 1 ? 'its container is' : 'its containers are';
  return { problem: `no running container to back up (${its} ${states})` };
}
