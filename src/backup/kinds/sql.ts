import { Readable } from 'node:stream';
import { BackupError } from '../errors.js';
import { SqlRowCounter } from '../sql-count.js';
import { type Dump, type DumpContext, envOf, errorTail, run, toolMissing } from './types.js';

const SYSTEM_MYSQL = new Set(['information_schema', 'performance_schema', 'sys', 'mysql']);

/**
 * A server without a user database: refused, except for a restore's safety backup, which is then
 * an empty dump (putting it back drops what the failed restore created and loads nothing).
 */
function noDatabase(ctx: DumpContext, server: string): Dump {
  if (!ctx.emptyIsFine) {
    throw new BackupError(
      'BACKUP_DUMP_FAILED',
      `${ctx.container.name} has no database to back up`,
      'create the database first, or name it with `databases:` in the backup policy',
    );
  }
  return {
    stream: Readable.from([]),
    compressed: false,
    extension: 'sql',
    tool: 'none (the server holds no database)',
    server,
    finish: async () => ({ tables: {}, databases: [] }),
  };
}

/** The first of `names` the image has (`mariadb-dump`, then `mysqldump`…). */
async function firstTool(ctx: DumpContext, names: readonly string[], env?: Record<string, string>) {
  for (const name of names) {
    try {
      const version = await run(ctx, [name, '--version'], env ? { env } : {});
      return { name, version: version.trim().split('\n')[0] ?? name };
    } catch (error: unknown) {
      if (!(error instanceof BackupError && error.code === 'BACKUP_TOOL_MISSING')) throw error;
    }
  }
  throw toolMissing(
    names,
    ctx.container.name,
    `a ${ctx.kind} backup runs the dump tool inside the database container; use an image that has it`,
  );
}

/**
 * MariaDB and MySQL: `mariadb-dump` (or `mysqldump`) with one transaction for a consistent
 * snapshot, routines, triggers and events, for the policy's databases (or every user database).
 * A root password in the container's environment is passed as MYSQL_PWD, never on the command line;
 * without one, the dump connects as root over the socket.
 */
export async function mysqlDump(ctx: DumpContext): Promise<Dump> {
  const containerEnv = envOf(ctx.container);
  const password = containerEnv.MARIADB_ROOT_PASSWORD ?? containerEnv.MYSQL_ROOT_PASSWORD;
  const env = password ? { MYSQL_PWD: password } : undefined;
  const user = ['-uroot'];
  const dump = await firstTool(
    ctx,
    ctx.kind === 'mysql' ? ['mysqldump', 'mariadb-dump'] : ['mariadb-dump', 'mysqldump'],
    env,
  );
  const client = await firstTool(
    ctx,
    ctx.kind === 'mysql' ? ['mysql', 'mariadb'] : ['mariadb', 'mysql'],
    env,
  );
  const server = (
    await run(ctx, [client.name, ...user, '-N', '-B', '-e', 'SELECT VERSION()'], env ? { env } : {})
  ).trim();
  const databases =
    ctx.policy.databases ??
    (await run(ctx, [client.name, ...user, '-N', '-B', '-e', 'SHOW DATABASES'], env ? { env } : {}))
      .split('\n')
      .map((d) => d.trim())
      .filter((d) => d !== '' && !SYSTEM_MYSQL.has(d));
  if (databases.length === 0) return noDatabase(ctx, server);
  const exec = await ctx.engine.exec.stream(
    ctx.container.id,
    [
      dump.name,
      ...user,
      '--single-transaction',
      '--routines',
      '--triggers',
      '--events',
      '--hex-blob',
      '--databases',
      ...databases,
    ],
    { ...(env ? { env } : {}), signal: ctx.signal },
  );
  const counter = new SqlRowCounter('mysql');
  return {
    stream: exec.stdout,
    observe: (chunk) => counter.push(chunk),
    compressed: false,
    extension: 'sql',
    tool: dump.version,
    server,
    async finish() {
      const { exitCode, stderr } = await exec.done;
      if (exitCode !== 0) {
        throw new BackupError(
          'BACKUP_DUMP_FAILED',
          `${dump.name} exited with ${exitCode}: ${errorTail(stderr, 500)}`,
          'the dump is incomplete and was not kept; check the database server',
        );
      }
      return { tables: counter.end(), databases: [...databases] };
    },
  };
}

/**
 * PostgreSQL: plain `pg_dump --create` of each database, one after the other in one stream, as the
 * `postgres` user over the socket. Plain SQL (not `-Fc`): its COPY blocks give the exact rows of the
 * snapshot, and `psql` restores it anywhere.
 */
export async function postgresDump(ctx: DumpContext): Promise<Dump> {
  const containerEnv = envOf(ctx.container);
  const user = containerEnv.POSTGRES_USER ?? 'postgres';
  const env: Record<string, string> = containerEnv.POSTGRES_PASSWORD
    ? { PGPASSWORD: containerEnv.POSTGRES_PASSWORD }
    : {};
  const opts = { env, user: 'postgres' };
  const version = (await run(ctx, ['pg_dump', '--version'], opts)).trim();
  const server = (
    await run(ctx, ['psql', '-U', user, '-d', 'postgres', '-At', '-c', 'SHOW server_version'], opts)
  ).trim();
  const databases =
    ctx.policy.databases ??
    (
      await run(
        ctx,
        [
          'psql',
          '-U',
          user,
          '-d',
          'postgres',
          '-At',
          '-c',
          "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY datname",
        ],
        opts,
      )
    )
      .split('\n')
      .map((d) => d.trim())
      .filter((d) => d !== '');
  if (databases.length === 0) return noDatabase(ctx, server);
  const counter = new SqlRowCounter('postgres');
  const exits: Array<Promise<{ exitCode: number; stderr: string }>> = [];
  const engine = ctx.engine;
  const container = ctx.container.id;
  async function* all() {
    for (const db of databases) {
      const exec = await engine.exec.stream(
        container,
        ['pg_dump', '-U', user, '--create', '--no-owner', db],
        { env, user: 'postgres', signal: ctx.signal },
      );
      exits.push(exec.done);
      for await (const chunk of exec.stdout) yield chunk as Buffer;
    }
  }
  return {
    stream: Readable.from(all()),
    observe: (chunk) => counter.push(chunk),
    compressed: false,
    extension: 'sql',
    tool: version,
    server,
    async finish() {
      for (const [i, done] of exits.entries()) {
        const { exitCode, stderr } = await done;
        if (exitCode !== 0) {
          throw new BackupError(
            'BACKUP_DUMP_FAILED',
            `pg_dump of ${databases[i]} exited with ${exitCode}: ${errorTail(stderr, 500)}`,
            'the dump is incomplete and was not kept; check the database server',
          );
        }
      }
      return { tables: counter.end(), databases: [...databases] };
    },
  };
}
