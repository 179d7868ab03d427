import type { Manifest } from '../../src/api/backups.js';
import type { Store } from '../../src/store/index.js';

/** The age recipient the backup fixtures encrypt to (a public key; no identity needed in HTTP tests). */
export const TEST_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

/** Records the start of a scheduled mariadb backup `id` of `<stack>`/db in `store` (alpha by default). */
export function beginAlphaDbBackup(store: Pick<Store, 'backups'>, id: string, stack = 'alpha'): void {
  store.backups.begin({
    id,
    stack,
    service: 'db',
    kind: 'mariadb',
    store: 'local',
    trigger: 'schedule',
  });
}

/**
 * Records a completed mariadb backup `id` of `<stack>`/db (alpha by default) taken at `at`, with its
 * manifest, in `store`.
 */
export function completeAlphaDbBackup(
  store: Pick<Store, 'backups'>,
  id: string,
  at: string,
  stack = 'alpha',
): void {
  beginAlphaDbBackup(store, id, stack);
  const manifest: Manifest = {
    format: 1,
    id,
    stack,
    service: 'db',
    kind: 'mariadb',
    tool: 'mariadb-dump 11.4',
    image: 'mariadb:11.4',
    startedAt: at,
    finishedAt: at,
    artifact: {
      file: `${id}.sql.gz.age`,
      compression: 'gzip',
      encryption: 'age',
      recipients: [TEST_RECIPIENT],
      size: 10,
      sha256: 'ab',
      plainSize: 20,
    },
    facts: { tables: { 'shop.items': 3 } },
    timings: { totalMs: 5 },
  };
  store.backups.complete(id, { artifact: `${stack}/db/${id}.sql.gz.age`, manifest });
}
