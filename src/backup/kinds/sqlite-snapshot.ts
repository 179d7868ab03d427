// Where a sqlite backup keeps its snapshot in the service's container, and the files SQLite makes
// beside it. Pure: the dump (sqlite.ts) and the cleanup at start (snapshot-leftovers.ts) share it.

/** A backup id as Berth makes them (take.ts `newBackupId`): `20261204T181502Z-3fa9`. */
export const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** The snapshot file of backup `id` in the container; undefined for an id Berth did not make. */
export function snapshotPath(id: string): string | undefined {
  return BACKUP_ID.test(id) ? `/tmp/berth-backup-${id}.db` : undefined;
}

/**
 * The snapshot and its companions: reading a snapshot of a WAL database opens it in WAL mode, which
 * makes `-wal` and `-shm` files; a rollback journal is `-journal`. All go when the snapshot goes.
 */
export function snapshotFiles(snapshot: string): string[] {
  return [snapshot, `${snapshot}-wal`, `${snapshot}-shm`, `${snapshot}-journal`];
}
