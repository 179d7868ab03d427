import { posix } from 'node:path';
import type { Manifest } from '../api/backups.js';
import { serviceContainers } from '../deploy/containers.js';
import { type ContainerInfo, type Engine, runtimeSaysMissing } from '../engine/model.js';
import { BackupError } from './errors.js';
import { helperSpec } from './helper.js';
import { hasTool, isToolMissing, toolMissing } from './kinds/types.js';
import { volumesOf } from './kinds/volume.js';
import { needsRunning, restoreTools } from './restore-needs.js';

// What a restore checks of its target before anything changes (before the safety backup too): the
// dry run runs these same checks, so a dry run that passes is not refused by them afterwards.

export interface PreflightInput {
  readonly engine: Engine;
  readonly stack: string;
  readonly service: string;
  readonly manifest: Manifest;
}

/** The database file a sqlite backup goes back to, or the refusal when the manifest does not say. */
export function sqlitePathOf(manifest: Manifest): string {
  if (!manifest.sourcePath)
    throw new BackupError(
      'BACKUP_INTEGRITY',
      'the manifest does not say which database file it was',
      'restore it by hand (README: Disaster recovery)',
    );
  return manifest.sourcePath;
}

/**
 * Refuses a sqlite restore whose database file's folder is not in the target (the file itself may
 * be new); an image without `test` is not refused for it (the restore finds out).
 */
async function checkSqliteFolder(engine: Engine, container: ContainerInfo, path: string): Promise<string> {
  const folder = posix.dirname(path);
  const r = await engine.exec.run(container.id, ['test', '-d', folder], { timeoutMs: 30_000 });
  if (r.exitCode === 0 || isToolMissing(r)) return `${folder} in the container`;
  throw new BackupError(
    'BACKUP_TARGET_MISMATCH',
    `${container.name} has no folder ${folder} for the database file ${path}`,
    'the backup is fine: the file goes back where it was taken from; restore into the service (and stack) the backup was taken of (`--service`, `--into-stack`), or mount that folder',
  );
}

/** Refuses a volume backup whose volumes the target container does not mount. */
export function checkMounts(container: ContainerInfo, manifest: Manifest): void {
  const have = volumesOf({ container });
  const missing = (manifest.volumes ?? []).filter((n) => !have.includes(n));
  if (missing.length > 0) {
    throw new BackupError(
      'BACKUP_TARGET_MISMATCH',
      `${container.name} does not mount ${missing.join(', ')}`,
      'the backup is fine: restore into the service (and stack) the backup was taken of (`--service`, `--into-stack`), or mount those volumes',
    );
  }
}

/**
 * Whether a helper of the service's image can run `rm`, which a volume restore empties the volumes
 * with: a throwaway helper (no volumes, read-only, Berth's labels) runs `rm -f` of a path that is not
 * there, and is removed. Without this, an image without `rm` is found out only after the service
 * was stopped.
 */
async function checkEmptier(engine: Engine, container: ContainerInfo, where: string): Promise<string> {
  const spec = helperSpec({
    name: `${container.name.replace(/^\//, '')}-preflight-${Math.random().toString(16).slice(2, 10)}`,
    image: container.imageId,
    stack: container.labels['dev.berth.stack'] ?? '',
    service: container.labels['dev.berth.service'] ?? '',
    task: 'restore-preflight',
    volumes: [],
    readOnly: true,
  });
  const missing = () =>
    toolMissing(
      ['rm'],
      container.name,
      `a volume restore empties the volumes with rm from the image of ${where}; use an image that has it`,
    );
  const { id } = await engine.containers.create({
    ...spec,
    entrypoint: ['rm'],
    command: ['-f', '/berth-restore-preflight-absent'],
  });
  try {
    try {
      await engine.containers.start(id);
    } catch (error: unknown) {
      if (error instanceof Error && runtimeSaysMissing(error.message)) throw missing();
      throw error;
    }
    const { exitCode } = await engine.containers.wait(id, {});
    if (exitCode === 126 || exitCode === 127) throw missing();
    return 'rm in the image';
  } finally {
    await engine.containers.remove(id, { force: true }).catch(() => undefined);
  }
}

/**
 * Checks, changing nothing, that the target can take the backup: a container (running, for the kinds
 * whose safety backup asks the server), the volumes or database file the backup names, and every
 * tool the restore and its safety backup run inside it (for volumes, `rm` in a throwaway helper of
 * the image). Returns what was checked, in words.
 */
export async function preflightRestore(input: PreflightInput): Promise<string[]> {
  const { engine, stack, service, manifest } = input;
  const where = `${stack}/${service}`;
  const containers = await serviceContainers(engine, stack, service);
  const running = containers.find((c) => c.state === 'running');
  const chosen = needsRunning(manifest.kind) ? running : (running ?? containers[0]);
  if (!chosen) {
    throw new BackupError(
      'BACKUP_NOT_RUNNING',
      `${where} has no ${needsRunning(manifest.kind) ? 'running ' : ''}container to restore into`,
      `the restore takes a safety backup of it first; \`berth up ${stack}\` starts it`,
    );
  }
  const container = await engine.containers.inspect(chosen.id);
  const checks = [`${container.name} ${running ? 'running' : 'present'}`];
  if (manifest.kind === 'sqlite')
    checks.push(await checkSqliteFolder(engine, container, sqlitePathOf(manifest)));
  if (manifest.kind === 'volume') {
    checkMounts(container, manifest);
    checks.push(`mounts ${(manifest.volumes ?? []).join(', ')}`);
    checks.push(await checkEmptier(engine, container, where));
  }
  for (const need of restoreTools(manifest.kind)) {
    let found: string | undefined;
    for (const name of need.names) {
      if (await hasTool({ engine, container }, name, need.user)) {
        found = name;
        break;
      }
    }
    if (!found)
      throw toolMissing(
        need.names,
        container.name,
        `a ${manifest.kind} restore (and the safety backup before it) runs ${need.names.join(' or ')} inside ${where}; use an image that has it`,
      );
    checks.push(`${found} in the container`);
  }
  return checks;
}
