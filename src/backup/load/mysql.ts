import type { ContainerSpec } from '../../engine/model.js';
import { BackupError } from '../errors.js';
import { envOf, run } from '../kinds/types.js';
import { dumpDatabases } from './databases.js';
import { type Loader, type LoadTarget, waitUntil } from './types.js';

/** How long loading a dump may take. */
export const LOAD_TIMEOUT_MS = 6 * 3600_000;

/** The client tools of the image: MariaDB's names first, MySQL's after. */
async function tools(t: LoadTarget) {
  const env = credentials(t);
  for (const [client, admin] of [
    ['mariadb', 'mariadb-admin'],
    ['mysql', 'mysqladmin'],
  ] as const) {
    const r = await t.engine.exec.run(t.container.id, [client, '--version'], { env, timeoutMs: 30_000 });
    if (r.exitCode === 0) return { client, admin, env };
  }
  throw new BackupError(
    'BACKUP_TOOL_MISSING',
    `neither mariadb nor mysql is in the image of ${t.container.name}`,
    'a restore runs the client inside the database container',
  );
}

function credentials(t: LoadTarget): Record<string, string> {
  const env = envOf(t.container);
  const password = env.MARIADB_ROOT_PASSWORD ?? env.MYSQL_ROOT_PASSWORD;
  return password ? { MYSQL_PWD: password } : {};
}

/** Never dropped by a restore, whatever a dump names. */
const SYSTEM_DATABASES = new Set(['information_schema', 'performance_schema', 'sys', 'mysql']);

const ident = (name: string) => `\`${name.replaceAll('`', '``')}\``;
const literal = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** `db.table` as the dump counter names it. */
function split(table: string): [string, string] {
  const at = table.indexOf('.');
  return [table.slice(0, at), table.slice(at + 1)];
}

async function query(t: LoadTarget, sql: string): Promise<string[][]> {
  const { client, env } = await tools(t);
  const out = await run(t, [client, '-uroot', '-N', '-B', '-e', sql], { env });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/** MariaDB and MySQL: the dump is sourced by the client; tables, rows and CHECK TABLE are looked at. */
export const mysqlLoader: Loader = {
  scratch: (spec: ContainerSpec) => spec,
  async ready(t) {
    await waitUntil(t, 'the database server answered on 127.0.0.1', async () => {
      const { admin, env } = await tools(t);
      const r = await t.engine.exec.run(
        t.container.id,
        [admin, '--protocol=tcp', '-h', '127.0.0.1', 'ping'],
        { env, timeoutMs: 10_000 },
      );
      return r.exitCode === 0;
    });
  },
  async load(t, open) {
    // The dump's databases are dropped first: its CREATE DATABASE IF NOT EXISTS would otherwise keep
    // what was made since the backup (a new table) beside what it loads. Others are left alone.
    for (const db of await dumpDatabases(t.manifest, open)) {
      if (!SYSTEM_DATABASES.has(db)) await query(t, `DROP DATABASE IF EXISTS ${ident(db)}`);
    }
    // Streamed into the client's standard input: nothing is staged in the container, whatever its size.
    const { client, env } = await tools(t);
    await run(t, [client, '-uroot'], { env, stdin: await open(), timeoutMs: LOAD_TIMEOUT_MS });
  },
  async inspect(t) {
    const expected = Object.keys(t.manifest.facts.tables ?? {});
    const databases = [...new Set(expected.map((table) => split(table)[0]))];
    const tables: Record<string, number> = {};
    const problems: string[] = [];
    if (databases.length === 0) return { facts: { tables }, problems };
    const present = await query(
      t,
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema IN (${databases.map(literal).join(', ')})`,
    );
    const names = present.map(([db, table]) => `${db}.${table}`).filter((n) => expected.includes(n));
    if (names.length > 0) {
      const counts = await query(
        t,
        names
          .map((n) => `SELECT ${literal(n)}, COUNT(*) FROM ${split(n).map(ident).join('.')}`)
          .join(' UNION ALL '),
      );
      for (const [name, count] of counts) if (name !== undefined) tables[name] = Number(count);
      const checked = await query(
        t,
        `CHECK TABLE ${names.map((n) => split(n).map(ident).join('.')).join(', ')}`,
      );
      for (const [table, , type, text] of checked) {
        if (type === 'error' || (type === 'status' && text !== 'OK'))
          problems.push(`CHECK TABLE ${table}: ${text}`);
      }
    }
    return { facts: { tables }, problems };
  },
};
