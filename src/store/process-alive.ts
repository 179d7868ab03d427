import { hostname } from 'node:os';
import type { LockOwner } from './locks.js';

/**
 * The IsAlive of a real process: a lock holder on this host is alive while its pid exists (EPERM
 * means it exists under another user); one on another host is taken as alive, since it cannot be
 * checked from here.
 */
export function processIsAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
