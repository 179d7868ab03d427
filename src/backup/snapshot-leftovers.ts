import { serviceContainers } from '../deploy/containers.js';
import type { Engine } from '../engine/model.js';
import type { BackupRecord } from '../store/index.js';
import { snapshotFiles, snapshotPath } from './kinds/sqlite-snapshot.js';

type Logger = { warn(obj: object, msg?: string): void };

/**
 * The snapshots that sqlite backups of a process that is gone (killed mid-dump) left in their
 * service's running containers, with their -wal/-shm/-journal files: removed by `rm -f` as an argv,
 * the path made from the backup id only when it is one Berth makes. Best effort: what cannot be
 * removed (no container running, an engine that does not answer) is logged, never thrown. Returns
 * how many containers were cleaned.
 */
export async function removeSnapshots(
  engine: () => Promise<Engine>,
  interrupted: readonly BackupRecord[],
  logger?: Logger,
): Promise<number> {
  const unfinished = interrupted.filter((r) => r.kind === 'sqlite' && r.status === 'failed' && !r.manifest);
  let cleaned = 0;
  for (const record of unfinished) {
    const where = `${record.stack}/${record.service}`;
    const snapshot = snapshotPath(record.id);
    if (snapshot === undefined) {
      logger?.warn({ backup: record.id, service: where }, 'not a backup id Berth makes: no snapshot removed');
      continue;
    }
    try {
      const e = await engine();
      const running = (await serviceContainers(e, record.stack, record.service)).filter(
        (c) => c.state === 'running',
      );
      for (const c of running) {
        const r = await e.exec.run(c.id, ['rm', '-f', ...snapshotFiles(snapshot)], { timeoutMs: 30_000 });
        if (r.exitCode === 0) cleaned++;
        else
          logger?.warn(
            { backup: record.id, container: c.name, exitCode: r.exitCode, stderr: r.stderr.slice(0, 300) },
            `the snapshot ${snapshot} of an interrupted backup could not be removed from ${c.name}; remove it by hand`,
          );
      }
    } catch (error: unknown) {
      logger?.warn(
        { err: error, backup: record.id, service: where },
        `the snapshot ${snapshot} of an interrupted backup of ${where} could not be removed now; remove it by hand if its container still runs`,
      );
    }
  }
  if (cleaned > 0) {
    logger?.warn(
      { backups: unfinished.map((r) => r.id), containers: cleaned },
      'snapshots of interrupted sqlite backups removed from their containers',
    );
  }
  return cleaned;
}
