import { createInterface } from 'node:readline';
import type { Manifest } from '../../api/backups.js';
import type { OpenPlain } from './types.js';

// Which databases a SQL dump creates: a restore drops exactly these first, so what it loads is the
// backup's content and nothing of what was there (tables made since, a database left empty). New
// manifests list them (`facts.databases`); for older ones the dump is read once for its
// CREATE DATABASE statements.

/** A `CREATE DATABASE` line of pg_dump (`name` or `"quoted ""name"""`) or mysqldump (`` `name` ``). */
const CREATE =
  /^CREATE DATABASE (?:\/\*![0-9]+ IF NOT EXISTS\*\/ |IF NOT EXISTS )?("(?:[^"]|"")+"|`(?:[^`]|``)+`|[^\s;]+)/;

/** The database a CREATE DATABASE line names, unquoted; undefined for any other line. Pure. */
export function createdDatabase(line: string): string | undefined {
  const name = CREATE.exec(line)?.[1];
  if (name === undefined) return undefined;
  if (name.startsWith('"')) return name.slice(1, -1).replaceAll('""', '"');
  if (name.startsWith('`')) return name.slice(1, -1).replaceAll('``', '`');
  return name;
}

/** The databases of the tables the manifest counted (`db.table`, `db.schema.table`). Pure. */
export function databasesOfTables(manifest: Manifest): string[] {
  return [...new Set(Object.keys(manifest.facts.tables ?? {}).map((n) => n.slice(0, n.indexOf('.'))))];
}

/** The databases the dump creates: from the manifest, or read from the dump itself. */
export async function dumpDatabases(manifest: Manifest, open: OpenPlain): Promise<string[]> {
  if (manifest.facts.databases !== undefined) return [...manifest.facts.databases];
  const found = new Set(databasesOfTables(manifest));
  const lines = createInterface({ input: await open(), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const name = createdDatabase(line);
    if (name !== undefined) found.add(name);
  }
  return [...found];
}
