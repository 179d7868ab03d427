import { type BackupKind, inferKind } from './xberth.js';

// What a restore needs of its target, as data: the kinds that take each other's backups, and the
// tools the restore and the safety backup before it run inside the target container.

/** One tool the target must have: the first of `names` it has is the one used. */
export interface ToolNeed {
  readonly names: readonly string[];
  /** The user the tool runs as (postgres: `postgres`); undefined: the image's. */
  readonly user?: string;
}

/** Whether a backup of kind `backup` can be restored into a service of kind `target`. */
export function kindsFit(backup: BackupKind, target: BackupKind): boolean {
  const sql = (k: BackupKind) => k === 'mariadb' || k === 'mysql';
  return backup === target || (sql(backup) && sql(target));
}

/**
 * The kind the target service holds: its policy's, else the one its image implies (`redis:7` is
 * redis); undefined when neither says (the tools in its container decide).
 */
export function targetKind(
  policyKind: BackupKind | undefined,
  image: string | undefined,
): BackupKind | undefined {
  return policyKind ?? (image ? inferKind(image) : undefined);
}

/**
 * The tools a restore of `kind` runs inside the target container, with those of the safety backup
 * taken of the target first (the same kind): the dump tool, the client, the server's probe.
 * A volume restore runs nothing inside the service (the engine's archive API does the copying).
 */
export function restoreTools(kind: BackupKind): ToolNeed[] {
  switch (kind) {
    case 'mariadb':
      return [
        { names: ['mariadb-dump', 'mysqldump'] },
        { names: ['mariadb', 'mysql'] },
        { names: ['mariadb-admin', 'mysqladmin'] },
      ];
    case 'mysql':
      return [
        { names: ['mysqldump', 'mariadb-dump'] },
        { names: ['mysql', 'mariadb'] },
        { names: ['mysqladmin', 'mariadb-admin'] },
      ];
    case 'postgres':
      return ['pg_dump', 'psql', 'pg_isready'].map((name) => ({ names: [name], user: 'postgres' }));
    case 'sqlite':
      return [{ names: ['sqlite3'] }];
    case 'redis':
      return [{ names: ['redis-cli'] }];
    case 'volume':
      return [];
  }
}

/** Whether a restore of `kind` needs the target running (the safety backup of a database does). */
export const needsRunning = (kind: BackupKind): boolean => kind !== 'volume';
