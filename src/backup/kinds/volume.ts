import { BackupError } from '../errors.js';
import { HELPER_ROOT, helperSpec } from '../helper.js';
import { TarCounter } from '../tar-count.js';
import type { Dump, DumpContext } from './types.js';

/** The named volumes a container mounts, sorted (bind mounts are host folders: not Berth's to copy). */
export const volumesOf = (ctx: Pick<DumpContext, 'container'>): string[] =>
  ctx.container.mounts
    .filter((m) => m.type === 'volume' && m.name !== undefined)
    .map((m) => m.name as string)
    .sort();

/**
 * Volumes: a helper container that is never started mounts the service's named volumes read-only,
 * and the engine's archive API reads them as one tar (`berth-backup/<volume>/…`); the image needs
 * no tar. With `stop_during`, the service's running containers stop first and start again after,
 * whatever happened.
 */
export async function volumeDump(ctx: DumpContext, stopped: readonly string[]): Promise<Dump> {
  const volumes = volumesOf(ctx);
  if (volumes.length === 0) {
    throw new BackupError(
      'BACKUP_DUMP_FAILED',
      `${ctx.container.name} mounts no named volume`,
      'a volume backup copies named volumes; bind mounts are folders of the host, back them up there',
    );
  }
  const { engine } = ctx;
  const stack = ctx.container.labels['dev.berth.stack'] ?? '';
  const service = ctx.container.labels['dev.berth.service'] ?? '';
  const restart = async () => {
    for (const id of stopped) await engine.containers.start(id).catch(() => undefined);
  };
  let helper: string | undefined;
  const close = async () => {
    if (helper) await engine.containers.remove(helper, { force: true }).catch(() => undefined);
    await restart();
  };
  try {
    helper = (
      await engine.containers.create(
        helperSpec({
          name: `${stack}-${service}-backup-${ctx.id}`,
          image: ctx.container.imageId,
          stack,
          service,
          task: `backup:${ctx.id}`,
          volumes,
          readOnly: true,
        }),
      )
    ).id;
    const stream = await engine.containers.getArchive(helper, HELPER_ROOT, ctx.signal);
    const counter = new TarCounter();
    return {
      stream,
      observe: (chunk) => counter.push(chunk),
      compressed: false,
      extension: 'tar',
      volumes,
      tool: `engine archive API ${engine.apiVersion}`,
      async finish() {
        return counter.result();
      },
      close,
    };
  } catch (error: unknown) {
    await close();
    throw error;
  }
}
