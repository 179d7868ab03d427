import type { LoadedStack } from '../compose/stack.js';
import type { DeployListener } from '../deploy/events.js';
import { backupEntries } from './catalog.js';
import { BackupError } from './errors.js';
import { preDeployFailureHint } from './pre-deploy-preview.js';
import type { BackupService } from './service.js';

/**
 * Before a deploy: a backup of each service it replaces that has a backup policy (in the order of
 * the services' names, as the plan's preview lists them; not drilled, so the deploy waits no longer
 * than the dumps). Each is recorded on the deployment; one that fails stops the deploy with its own
 * hint (what the failure says to do) and one at `--skip-backup`. Without backup
 * settings on this server the deploy goes ahead, and the deployment says that nothing was taken.
 */
export async function preDeployBackups(
  backups: BackupService,
  loaded: LoadedStack,
  services: readonly string[],
  context: { readonly signal?: AbortSignal; readonly record: DeployListener },
): Promise<Array<{ service: string; id: string }>> {
  const entries = backupEntries([loaded]).filter((e) => services.includes(e.service));
  if (entries.length === 0) return [];
  if (!backups.configured()) {
    for (const e of entries) {
      context.record({
        type: 'backup',
        service: e.service,
        message: `no backup taken before the deploy: backups are not configured on this server (x-berth.backup of ${e.service})`,
      });
    }
    return [];
  }
  const taken: Array<{ service: string; id: string }> = [];
  for (const entry of entries) {
    context.record({
      type: 'backup',
      service: entry.service,
      message: `backing up ${entry.service} before the deploy`,
    });
    try {
      const b = await backups.run(entry, {
        trigger: 'pre-deploy',
        drill: false,
        ...(context.signal ? { signal: context.signal } : {}),
      });
      taken.push({ service: entry.service, id: b.id });
      context.record({
        type: 'backup',
        service: entry.service,
        message: `backup ${b.id} of ${entry.service} taken before the deploy (${b.size ?? 0} bytes)`,
        data: { backup: b.id },
      });
    } catch (error: unknown) {
      const why = error instanceof Error ? error.message : String(error);
      throw new BackupError(
        error instanceof BackupError ? error.code : 'BACKUP_DUMP_FAILED',
        `the backup of ${loaded.name}/${entry.service} before the deploy failed: ${why}; nothing was deployed`,
        preDeployFailureHint(error instanceof BackupError ? error.hint : undefined),
      );
    }
  }
  return taken;
}
