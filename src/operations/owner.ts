import type { IsAlive, OperationOwner } from '../store/index.js';

/**
 * Whether the process that ran an operation is gone, so that the operation it left running is to
 * be recorded as interrupted. `self` is the process deciding (a `berth serve` at its start, or a
 * `berth --local` command before it changes a stack); `isAlive` is the stack lock's liveness check
 * (processIsAlive: a pid on this host, a process elsewhere taken as alive). Pure.
 *
 * - No owner: recorded before owners, by a server (only the runner records operations): gone for a
 *   server starting (as before owners), left alone by a `--local` command (it cannot tell).
 * - Its own (same token): running here.
 * - Another server's, seen by a server: a previous server process of this state (one server runs
 *   over a state folder; a server in a container may come back under another hostname or the same pid).
 * - This process's pid on this host under another token: that process ended, the pid is reused.
 * - Otherwise: gone once `isAlive` says it is.
 */
export function ownerGone(
  owner: OperationOwner | undefined,
  self: OperationOwner,
  isAlive: IsAlive,
): boolean {
  if (owner === undefined) return self.process === 'serve';
  if (owner.token === self.token) return false;
  if (owner.process === 'serve' && self.process === 'serve') return true;
  if (owner.host === self.host && owner.pid === self.pid) return true;
  return !isAlive(owner);
}

/** The process an operation's owner was, in words: what stopped during it. */
export function ownerText(owner: OperationOwner | undefined): string {
  if (owner === undefined || owner.process === 'serve') return 'a previous berth serve process';
  return `the berth --local process (pid ${owner.pid} on ${owner.host})`;
}
