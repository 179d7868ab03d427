import type { DbEngine, ProbeCheck } from '../probe-types.js';
import type { CheckContext, RunResult } from './context.js';
import { failed, printable } from './context.js';
import { type Executed, execute, isMissingTool } from './exec.js';

export type DbCheck = Extract<ProbeCheck, { type: 'db' }>;

/** How one engine is pinged: argv (never a shell string), the password in env only. */
export interface DbPing {
  readonly argv: readonly string[];
  /** Tried with the same arguments when argv[0] is not in the image (older MySQL images). */
  readonly fallback?: string;
  readonly env: Readonly<Record<string, string>>;
  /** The password, scrubbed from anything shown. */
  readonly secret?: string;
  /** Whether the output says the server answered. */
  readonly answered: (output: string) => boolean;
  /** Who and where, for errors: `postgres as app on shop`. */
  readonly subject: string;
}

/**
 * The ping of each engine, with user, password and database defaulting from the container's
 * environment the way backups read it (src/backup/kinds/sql.ts and redis.ts, logic copied: health
 * may not import backup). One extension: a password belongs to its user, so an image's
 * MARIADB_PASSWORD or POSTGRES_PASSWORD is only sent for the user it was set for.
 */
export function dbPing(
  check: Pick<DbCheck, 'engine' | 'user' | 'database'>,
  env: Readonly<Record<string, string>>,
): DbPing {
  switch (check.engine) {
    case 'mariadb': {
      const user = check.user ?? 'root';
      const password =
        user === 'root'
          ? (env.MARIADB_ROOT_PASSWORD ?? env.MYSQL_ROOT_PASSWORD)
          : user === (env.MARIADB_USER ?? env.MYSQL_USER)
            ? (env.MARIADB_PASSWORD ?? env.MYSQL_PASSWORD)
            : undefined;
      return {
        // `ping` exits 0 even when access is denied (the server is up): the output decides.
        argv: ['mariadb-admin', 'ping', `--user=${user}`],
        fallback: 'mysqladmin',
        ...secretIn('MYSQL_PWD', password),
        answered: (output) => /is alive/.test(output),
        subject: `mariadb as ${user}`,
      };
    }
    case 'postgres': {
      const owner = env.POSTGRES_USER ?? 'postgres';
      const user = check.user ?? owner;
      const database = check.database ?? 'postgres';
      return {
        // -w: never prompt for a password (there is no terminal); -X: no ~/.psqlrc to change the output.
        argv: ['psql', '-X', '-w', '-U', user, '-d', database, '-tAc', 'SELECT 1'],
        ...secretIn('PGPASSWORD', user === owner ? env.POSTGRES_PASSWORD : undefined),
        answered: (output) => output.trim() === '1',
        subject: `postgres as ${user} on ${database}`,
      };
    }
    case 'redis': {
      const user = check.user ? ['--user', check.user] : [];
      return {
        argv: ['redis-cli', ...user, 'ping'],
        ...secretIn('REDISCLI_AUTH', env.REDIS_PASSWORD ?? env.REDISCLI_AUTH),
        answered: (output) => output.trim() === 'PONG',
        subject: check.user ? `redis as ${check.user}` : 'redis',
      };
    }
  }
}

function secretIn(name: string, password: string | undefined): Pick<DbPing, 'env' | 'secret'> {
  return password ? { env: { [name]: password }, secret: password } : { env: {} };
}

/**
 * A database ping in the service's container, with the engine's own client: ok when the server
 * answered as that client says it does (`mysqld is alive`, `1`, `PONG`); the output is the body.
 */
export async function runDb(check: DbCheck, ctx: CheckContext): Promise<RunResult> {
  const ping = dbPing(check, ctx.containerEnv ?? {});
  const options = { env: ping.env, ...(ping.secret ? { secret: ping.secret } : {}) };
  let result = await execute(ping.argv, ctx, options);
  if (ping.fallback && !('error' in result) && isMissingTool(result)) {
    result = await execute([ping.fallback, ...ping.argv.slice(1)], ctx, options);
  }
  if ('error' in result) return failed(`${ping.subject}: ${result.error}`);
  const measured = { body: result.output, responseTimeMs: result.responseTimeMs };
  if (result.exitCode === 0 && ping.answered(result.output)) return { ok: true, measured };
  return failed(`${ping.subject}: ${explain(check.engine, result)}`, measured);
}

/** What the client said, shortened: its first lines hold the reason (`Access denied for user…`). */
function explain(engine: DbEngine, result: Executed): string {
  if (isMissingTool(result)) return `the ${engine} client is not in the container's image`;
  const lines = printable(result.output)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const said = lines.slice(0, 3).join('; ');
  const cut = said.length > 300 ? `${said.slice(0, 300)}…` : said;
  const exit = result.exitCode === 0 ? '' : `exit ${result.exitCode}: `;
  return cut ? `${exit}${cut}` : `${exit}no answer`;
}
