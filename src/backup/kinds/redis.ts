import { BackupError } from '../errors.js';
import { RdbFactsReader } from '../rdb-facts.js';
import { type Dump, type DumpContext, envOf, errorTail, run } from './types.js';

/** How long a BGSAVE may take before the backup gives up on it. */
const SAVE_TIMEOUT_MS = 30 * 60_000;

/** `redis-cli` argv with the password from the container's environment, if any (never on the command line). */
export function redisCli(ctx: Pick<DumpContext, 'container'>): { env?: Record<string, string> } {
  const env = envOf(ctx.container);
  const password = env.REDIS_PASSWORD ?? env.REDISCLI_AUTH;
  return password ? { env: { REDISCLI_AUTH: password } } : {};
}

/** One field of `INFO persistence`. */
const infoField = (info: string, field: string) => new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();

/**
 * Redis: `BGSAVE`, wait until the snapshot is written, then stream the RDB file. The key count is
 * read from the snapshot itself (its size record), so it is exact for what was saved.
 */
export async function redisDump(ctx: DumpContext): Promise<Dump> {
  const cli = redisCli(ctx);
  const server = (await run(ctx, ['redis-cli', 'INFO', 'server'], cli))
    .match(/^redis_version:(.*)$/m)?.[1]
    ?.trim();
  const dir = (await run(ctx, ['redis-cli', '--raw', 'CONFIG', 'GET', 'dir'], cli)).trim().split('\n')[1];
  const file = (await run(ctx, ['redis-cli', '--raw', 'CONFIG', 'GET', 'dbfilename'], cli))
    .trim()
    .split('\n')[1];
  if (!dir || !file) {
    throw new BackupError(
      'BACKUP_DUMP_FAILED',
      `${ctx.container.name} did not say where it writes its snapshot`,
      'the backup reads `CONFIG GET dir` and `dbfilename`; allow CONFIG for the backup',
    );
  }
  await freshSnapshot(ctx, cli);
  const facts = new RdbFactsReader();
  const exec = await ctx.engine.exec.stream(ctx.container.id, ['cat', `${dir}/${file}`], {
    signal: ctx.signal,
  });
  return {
    stream: exec.stdout,
    observe: (chunk) => facts.push(chunk),
    compressed: false,
    extension: 'rdb',
    tool: 'redis-cli BGSAVE',
    sourcePath: `${dir}/${file}`,
    ...(server ? { server: `redis ${server}` } : {}),
    async finish() {
      const { exitCode, stderr } = await exec.done;
      if (exitCode !== 0) {
        throw new BackupError(
          'BACKUP_DUMP_FAILED',
          `reading ${dir}/${file} failed (exit ${exitCode}): ${errorTail(stderr, 300)}`,
          'check that the snapshot file is readable',
        );
      }
      const result = facts.result();
      if (!result.ok) {
        throw new BackupError(
          'BACKUP_DUMP_FAILED',
          `the snapshot could not be read: ${result.reason}`,
          'check the Redis version and its snapshot file',
        );
      }
      return { keys: result.facts.keys, db: result.facts.db };
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes Redis write a snapshot that starts after this call: `BGSAVE`, then wait until `LASTSAVE`
 * moves past what it said before. LASTSAVE counts whole seconds, so the save is only asked for once
 * the server's clock has left the second of the last save (a save finishing within that second
 * would look like the old one, and the wait would never end). A save already running may predate
 * the latest writes: it is waited for, and a new one asked for.
 */
async function freshSnapshot(ctx: DumpContext, cli: { env?: Record<string, string> }): Promise<void> {
  const deadline = Date.now() + SAVE_TIMEOUT_MS;
  const check = () => {
    if (Date.now() > deadline || ctx.signal.aborted) {
      throw new BackupError('BACKUP_DUMP_FAILED', 'BGSAVE did not finish in time', 'check the Redis log');
    }
  };
  const lastSave = async () => Number((await run(ctx, ['redis-cli', 'LASTSAVE'], cli)).trim());
  const serverSecond = async () => Number((await run(ctx, ['redis-cli', 'TIME'], cli)).trim().split('\n')[0]);
  for (;;) {
    const before = await lastSave();
    while ((await serverSecond()) <= before) {
      check();
      await sleep(100);
    }
    const reply = (await run(ctx, ['redis-cli', 'BGSAVE'], cli)).trim();
    if (/in progress/i.test(reply)) {
      // Another save (or an AOF rewrite) runs: let it end, then ask for ours.
      while (/_in_progress:1/.test(await run(ctx, ['redis-cli', 'INFO', 'persistence'], cli))) {
        check();
        await sleep(200);
      }
      continue;
    }
    if (!/Background saving started|scheduled/i.test(reply)) {
      throw new BackupError(
        'BACKUP_DUMP_FAILED',
        `BGSAVE was refused: ${reply.slice(0, 300)}`,
        'check the Redis log and its free disk space',
      );
    }
    for (;;) {
      const info = await run(ctx, ['redis-cli', 'INFO', 'persistence'], cli);
      if (infoField(info, 'rdb_bgsave_in_progress') === '0' && (await lastSave()) > before) {
        if (infoField(info, 'rdb_last_bgsave_status') !== 'ok') {
          throw new BackupError(
            'BACKUP_DUMP_FAILED',
            'BGSAVE failed',
            'check the Redis log and its free disk space',
          );
        }
        return;
      }
      check();
      await sleep(200);
    }
  }
}
