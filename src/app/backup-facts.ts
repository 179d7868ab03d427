import { join } from 'node:path';
import type { LiveFacts } from '../audit/types.js';
import type { Clock } from '../clock.js';
import { readLastDrills } from '../store/index.js';

/**
 * How the latest restore drill of each service went, from the state file of this machine's Berth
 * (`berth audit --live`): a backup policy counts only once a drill proved it. No state file: none.
 * The file is only read: one of another schema version is left as it is, and the audit says so.
 */
export function backupFacts(stateDir: string, clock: Clock): Pick<LiveFacts, 'backups' | 'backupsUnread'> {
  const read = readLastDrills(join(stateDir, 'berth.db'), clock);
  return 'unread' in read ? { backups: [], backupsUnread: read.unread } : { backups: read.drills };
}
