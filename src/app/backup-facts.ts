import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveFacts } from '../audit/types.js';
import type { Clock } from '../clock.js';
import { openStore, processIsAlive } from '../store/index.js';

/**
 * How the latest restore drill of each service went, from the state file of this machine's Berth
 * (`berth audit --live`): a backup policy counts only once a drill proved it. No state file: none.
 */
export function backupFacts(stateDir: string, clock: Clock): NonNullable<LiveFacts['backups']> {
  const path = join(stateDir, 'berth.db');
  if (!existsSync(path)) return [];
  const store = openStore({ path, clock, isAlive: processIsAlive });
  try {
    return store.backups.lastDrills();
  } finally {
    store.close();
  }
}
