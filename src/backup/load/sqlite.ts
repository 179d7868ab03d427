import type { ContainerSpec } from '../../engine/model.js';
import { sqliteFacts } from '../kinds/sqlite.js';
import { run } from '../kinds/types.js';
import { putFile } from '../put-file.js';
import { type Loader, type LoadTarget, waitUntil } from './types.js';

const fileOf = (t: LoadTarget) => `/tmp/berth-drill-${t.id}.db`;

/** SQLite: the file is put into a container of the service's image that only waits, and checked there. */
export const sqliteLoader: Loader = {
  scratch: (spec: ContainerSpec): ContainerSpec => {
    const { healthcheck: _none, ...rest } = spec;
    return { ...rest, entrypoint: ['sleep'], command: ['86400'] };
  },
  async ready(t) {
    await waitUntil(t, 'the container ran', async () => {
      const r = await t.engine.exec.run(t.container.id, ['true'], { timeoutMs: 10_000 });
      return r.exitCode === 0;
    });
  },
  async load(t, open) {
    await putFile(
      t.engine,
      t.container.id,
      { dir: '/tmp', name: `berth-drill-${t.id}.db`, size: t.manifest.artifact.plainSize, mode: 0o644 },
      await open(),
    );
  },
  async inspect(t) {
    const { tables, integrity } = await sqliteFacts(t, fileOf(t));
    await run(t, ['rm', '-f', fileOf(t)]).catch(() => undefined);
    return {
      facts: { tables },
      problems: integrity === 'ok' ? [] : [`PRAGMA integrity_check: ${integrity.slice(0, 300)}`],
    };
  },
};
