import type { BackupSettings } from '../../config/backup-settings.js';
import { BackupError } from '../errors.js';
import { dirStore } from './dir.js';
import { s3Store } from './s3.js';
import type { ArtifactStore } from './types.js';

/** The stores of the server's settings, made once, and which one a policy means. */
export class StoreRegistry {
  private readonly stores: Map<string, ArtifactStore>;

  constructor(private readonly settings: BackupSettings) {
    this.stores = new Map(
      Object.entries(settings.stores).map(([n, st]) => [
        n,
        st.type === 'dir' ? dirStore(n, st.path) : s3Store(n, st),
      ]),
    );
  }

  /** The store a policy names, else the default one, else the only one. */
  get(name: string | undefined): ArtifactStore {
    const names = [...this.stores.keys()];
    const chosen = name ?? this.settings.defaultStore ?? (names.length === 1 ? names[0] : undefined);
    const store = chosen === undefined ? undefined : this.stores.get(chosen);
    if (!store) {
      throw new BackupError(
        'BACKUP_NOT_CONFIGURED',
        chosen === undefined
          ? 'the policy names no store and the server has several'
          : `no store named ${chosen}`,
        `stores of this server: ${names.join(', ')}; set \`store:\` in the policy or \`defaultStore\` in the config file`,
      );
    }
    return store;
  }
}
