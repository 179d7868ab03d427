import type { ContainerSpec } from '../../engine/model.js';
import { envOf, run } from '../kinds/types.js';
import { dumpDatabases } from './databases.js';
import { LOAD_TIMEOUT_MS } from './mysql.js';
import { type Loader, type LoadTarget, waitUntil } from './types.js';

function opts(t: LoadTarget): { user: string; exec: { user: string; env: Record<string, string> } } {
  const env = envOf(t.container);
  const password: Record<string, string> = env.POSTGRES_PASSWORD ? { PGPASSWORD: env.POSTGRES_PASSWORD } : {};
  return { user: env.POSTGRES_USER ?? 'postgres', exec: { user: 'postgres', env: password } };
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** `db.schema.table` as the dump counter names it (schema and table as pg_dump quoted them). */
function split(table: string): [string, string] {
  const at = table.indexOf('.');
  return [table.slice(0, at), table.slice(at + 1)];
}

async function psql(t: LoadTarget, db: string, sql: string): Promise<string[][]> {
  const o = opts(t);
  const out = await run(
    t,
    ['psql', '-U', o.user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-F', '\t', '-c', sql],
    o.exec,
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/** PostgreSQL: the plain dump (with CREATE DATABASE) is run by psql; tables, rows and pg_amcheck are looked at. */
export const postgresLoader: Loader = {
  scratch: (spec: ContainerSpec) => spec,
  async ready(t) {
    await waitUntil(t, 'PostgreSQL answered on 127.0.0.1', async () => {
      const r = await t.engine.exec.run(t.container.id, ['pg_isready', '-h', '127.0.0.1', '-q'], {
        user: 'postgres',
        timeoutMs: 10_000,
      });
      return r.exitCode === 0;
    });
  },
  async load(t, open) {
    // The dump creates its databases: they are dropped first (the image's POSTGRES_DB, tables made
    // since the backup, a database left empty), so CREATE DATABASE finds none in its way.
    const databases = await dumpDatabases(t.manifest, open);
    for (const db of databases)
      await psql(t, 'postgres', `DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    // Streamed into psql's standard input: nothing is staged in the container, whatever its size.
    const o = opts(t);
    await run(t, ['psql', '-U', o.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-f', '-'], {
      ...o.exec,
      stdin: await open(),
      timeoutMs: LOAD_TIMEOUT_MS,
    });
  },
  async inspect(t) {
    const expected = Object.keys(t.manifest.facts.tables ?? {});
    const byDb = new Map<string, string[]>();
    for (const table of expected) {
      const [db, rest] = split(table);
      byDb.set(db, [...(byDb.get(db) ?? []), rest]);
    }
    const tables: Record<string, number> = {};
    const problems: string[] = [];
    const notes = new Set<string>();
    for (const [db, wanted] of byDb) {
      const exists = await psql(t, 'postgres', `SELECT 1 FROM pg_database WHERE datname = ${literal(db)}`);
      if (exists.length === 0) continue;
      const present = (
        await psql(
          t,
          db,
          "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
        )
      ).map(([n]) => n as string);
      const names = wanted.filter((n) => present.includes(n));
      if (names.length > 0) {
        const counts = await psql(
          t,
          db,
          names.map((n) => `SELECT ${literal(n)}, count(*) FROM ${n}`).join(' UNION ALL '),
        );
        for (const [name, count] of counts) if (name !== undefined) tables[`${db}.${name}`] = Number(count);
      }
      const amcheck = await amcheckOf(t);
      if (amcheck) {
        const r = await t.engine.exec.run(
          t.container.id,
          [amcheck, '-U', opts(t).user, '--install-missing', '-d', db],
          {
            ...opts(t).exec,
            timeoutMs: LOAD_TIMEOUT_MS,
          },
        );
        if (r.exitCode !== 0)
          problems.push(`pg_amcheck ${db}: ${(r.stdout + r.stderr).trim().slice(0, 300)}`);
        else notes.add('pg_amcheck passed');
      } else notes.add('pg_amcheck is not in the image: skipped');
    }
    return { facts: { tables }, problems, notes: [...notes] };
  },
};

/** pg_amcheck on the PATH, or beside the server's binaries (Debian keeps it there). */
async function amcheckOf(t: LoadTarget): Promise<string | undefined> {
  const version = await t.engine.exec.run(t.container.id, ['psql', '--version'], { timeoutMs: 10_000 });
  const major = /PostgreSQL\)? (\d+)/.exec(version.stdout)?.[1];
  for (const candidate of ['pg_amcheck', ...(major ? [`/usr/lib/postgresql/${major}/bin/pg_amcheck`] : [])]) {
    const r = await t.engine.exec.run(t.container.id, [candidate, '--version'], { timeoutMs: 10_000 });
    if (r.exitCode === 0) return candidate;
  }
  return undefined;
}
