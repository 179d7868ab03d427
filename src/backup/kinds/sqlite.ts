import { BackupError } from '../errors.js';
import { snapshotFiles, snapshotPath } from './sqlite-snapshot.js';
import { type Dump, type DumpContext, errorTail, run } from './types.js';

/** A table name as a SQL identifier. */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Rows per table of the SQLite file at `file` in the container, and its integrity check. */
export async function sqliteFacts(
  ctx: Pick<DumpContext, 'engine' | 'container'>,
  file: string,
): Promise<{ tables: Record<string, number>; integrity: string }> {
  const integrity = (await run(ctx, ['sqlite3', '-readonly', file, 'PRAGMA integrity_check;'])).trim();
  const names = (
    await run(ctx, [
      'sqlite3',
      '-readonly',
      file,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;",
    ])
  )
    .split('\n')
    .filter((n) => n !== '');
  const tables: Record<string, number> = {};
  if (names.length > 0) {
    const query = names.map((n) => `SELECT count(*) FROM ${quoted(n)}`).join(' UNION ALL ');
    const counts = (await run(ctx, ['sqlite3', '-readonly', file, `${query};`])).trim().split('\n');
    names.forEach((name, i) => {
      tables[name] = Number(counts[i]);
    });
  }
  return { tables, integrity };
}

/**
 * SQLite: the online backup API (`.backup`) copies a consistent snapshot to a temporary file in the
 * container, even while the application writes (WAL included); the facts are read from that
 * snapshot (mode 0600), which is then streamed out and removed with the files SQLite made beside it.
 */
export async function sqliteDump(ctx: DumpContext): Promise<Dump> {
  const path = ctx.policy.path;
  if (path === undefined) {
    throw new BackupError(
      'BACKUP_KIND_UNKNOWN',
      'a sqlite backup needs the database file',
      'set `path:` in the backup policy',
    );
  }
  const version = (await run(ctx, ['sqlite3', '-version'])).trim().split(' ')[0] ?? 'sqlite3';
  const snapshot = snapshotPath(ctx.id);
  if (snapshot === undefined) throw new Error(`not a backup id: ${ctx.id}`);
  // The snapshot and the -wal/-shm files reading it makes, after every backup, whatever happened.
  const remove = () => run(ctx, ['rm', '-f', ...snapshotFiles(snapshot)]).catch(() => undefined);
  try {
    // Created empty and private first: the copy of the data is readable by the container's root only.
    await run(ctx, ['touch', snapshot]);
    await run(ctx, ['chmod', '600', snapshot]);
    await run(ctx, ['sqlite3', path, `.backup ${snapshot}`]);
    const facts = await sqliteFacts(ctx, snapshot);
    if (facts.integrity !== 'ok') {
      throw new BackupError(
        'BACKUP_DUMP_FAILED',
        `the database ${path} fails its integrity check: ${facts.integrity.slice(0, 300)}`,
        'the live database is damaged; repair it (or restore an older backup) before backing it up',
      );
    }
    const exec = await ctx.engine.exec.stream(ctx.container.id, ['cat', snapshot], { signal: ctx.signal });
    return {
      stream: exec.stdout,
      compressed: false,
      extension: 'db',
      tool: `sqlite3 ${version}`,
      server: `sqlite ${version}`,
      sourcePath: path,
      async finish() {
        const { exitCode, stderr } = await exec.done;
        if (exitCode !== 0) {
          throw new BackupError(
            'BACKUP_DUMP_FAILED',
            `reading the snapshot failed (exit ${exitCode}): ${errorTail(stderr, 300)}`,
            'check the free space in the container’s /tmp',
          );
        }
        return { tables: facts.tables };
      },
      close: async () => {
        await remove();
      },
    };
  } catch (error: unknown) {
    await remove();
    throw error;
  }
}
