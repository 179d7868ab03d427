import type { BackupTrigger } from '../api/backups.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import type { BackupSettings } from '../config/backup-settings.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import type { Store } from '../store/index.js';

export interface BackupServiceDeps {
  readonly engine: () => Promise<Engine>;
  /** `locks`: a manual or scheduled backup is refused while a live process holds the stack's lock. */
  readonly store: () => Pick<Store, 'backups' | 'locks'>;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  /** Stores and keys from the config file; undefined: backups are not configured (may throw a located problem). */
  readonly settings: () => BackupSettings | undefined;
  readonly logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Holds a stack's deploy lock around a restore; default: no lock (tests). */
  readonly lock?: <T>(stack: string, action: () => Promise<T>) => Promise<T>;
}

export interface BackupRequest {
  readonly trigger: BackupTrigger;
  readonly signal?: AbortSignal;
  /** Steps and bytes as they happen (a manual run shows them live). */
  readonly onProgress?: (message: string, data?: Record<string, number | string>) => void;
  /** Drill after the backup even when the policy drills on a schedule (default: as the policy says). */
  readonly drill?: boolean;
}
