import { serviceContainers } from '../../deploy/containers.js';
import type { ContainerInfo, Engine } from '../../engine/model.js';
import { BackupError } from '../errors.js';
import type { BackupKind, BackupPolicy } from '../xberth.js';
import { redisDump } from './redis.js';
import { dumpSource } from './source.js';
import { mysqlDump, postgresDump } from './sql.js';
import { sqliteDump } from './sqlite.js';
import type { Dump } from './types.js';
import { volumeDump } from './volume.js';

export interface DumpRequest {
  readonly engine: Engine;
  readonly stack: string;
  readonly service: string;
  readonly policy: BackupPolicy;
  readonly kind: BackupKind;
  readonly id: string;
  readonly signal: AbortSignal;
  /** See DumpContext.emptyIsFine. */
  readonly emptyIsFine?: boolean;
}

/**
 * Starts the dump of a service: the container it comes from, the stream and how to finish. Database
 * kinds need a running container; volumes are read from any container of the service.
 */
export async function startDump(req: DumpRequest): Promise<{ dump: Dump; container: ContainerInfo }> {
  const { engine, stack, service } = req;
  const containers = await serviceContainers(engine, stack, service);
  const source = dumpSource(req.kind, containers);
  if ('problem' in source) {
    throw new BackupError(
      'BACKUP_NOT_RUNNING',
      `${stack}/${service} has ${source.problem}`,
      `\`berth up ${stack}\` starts it`,
    );
  }
  const container = await engine.containers.inspect(source.container.id);
  const ctx = {
    engine,
    container,
    policy: req.policy,
    kind: req.kind,
    id: req.id,
    signal: req.signal,
    ...(req.emptyIsFine ? { emptyIsFine: true } : {}),
  };
  switch (req.kind) {
    case 'mariadb':
    case 'mysql':
      return { dump: await mysqlDump(ctx), container };
    case 'postgres':
      return { dump: await postgresDump(ctx), container };
    case 'sqlite':
      return { dump: await sqliteDump(ctx), container };
    case 'redis':
      return { dump: await redisDump(ctx), container };
    case 'volume': {
      const stopped: string[] = [];
      try {
        if (req.policy.stopDuring) {
          for (const c of containers.filter((c) => c.state === 'running')) {
            stopped.push(c.id);
            await engine.containers.stop(c.id);
          }
        }
      } catch (error: unknown) {
        // The service starts again even when stopping it failed half way.
        for (const id of stopped) await engine.containers.start(id).catch(() => undefined);
        throw error;
      }
      return { dump: await volumeDump(ctx, stopped), container };
    }
  }
}
