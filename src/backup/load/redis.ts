import { posix } from 'node:path';
import type { ContainerSpec } from '../../engine/model.js';
import { redisCli } from '../kinds/redis.js';
import { run } from '../kinds/types.js';
import { putFile } from '../put-file.js';
import { type Loader, waitUntil } from './types.js';

/**
 * Redis: the snapshot is put where a scratch server reads it at start (persistence off, so it is
 * loaded and never rewritten), then DBSIZE is asked of the snapshot's database.
 */
export const redisLoader: Loader = {
  scratch: (spec: ContainerSpec, manifest): ContainerSpec => {
    const { healthcheck: _none, ...rest } = spec;
    const source = manifest.sourcePath ?? '/data/dump.rdb';
    return {
      ...rest,
      entrypoint: [],
      command: [
        'redis-server',
        '--dir',
        posix.dirname(source),
        '--dbfilename',
        posix.basename(source),
        '--appendonly',
        'no',
        '--save',
        '',
        '--bind',
        '127.0.0.1',
      ],
    };
  },
  async beforeStart(t, open) {
    const source = t.manifest.sourcePath ?? '/data/dump.rdb';
    await putFile(
      t.engine,
      t.containerId,
      {
        dir: posix.dirname(source),
        name: posix.basename(source),
        size: t.manifest.artifact.plainSize,
        mode: 0o644,
      },
      await open(),
    );
  },
  async ready(t) {
    await waitUntil(t, 'Redis loaded the snapshot', async () => {
      const r = await t.engine.exec.run(t.container.id, ['redis-cli', 'PING'], {
        ...redisCli(t),
        timeoutMs: 10_000,
      });
      return r.stdout.trim() === 'PONG';
    });
  },
  async load() {
    // Loaded at start, from the file put in place before it.
  },
  async inspect(t) {
    const db = t.manifest.facts.db ?? 0;
    const keys = Number((await run(t, ['redis-cli', '-n', String(db), 'DBSIZE'], redisCli(t))).trim());
    return { facts: { keys, db }, problems: [] };
  },
};
