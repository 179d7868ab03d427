import type { BackupOperations } from '../backup/client.js';
import type { StackOperations } from '../deploy/service.js';
import type { HealthOperations } from '../health/client.js';
import type { JobOperations } from '../jobs/client.js';

/**
 * What the commands need from Berth: the stack operations, by HTTP through `berth serve`
 * (HttpClient) or in-process with `--local` (LocalClient). Commands never know which.
 */
export interface BerthClient extends StackOperations, JobOperations, BackupOperations, HealthOperations {
  close(): Promise<void>;
}
