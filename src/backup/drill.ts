import { posix } from 'node:path';
import type { Manifest } from '../api/backups.js';
import type { ContainerSpec, Engine } from '../engine/model.js';
import { checksum, openArtifact } from './artifact.js';
import { checkConfigSet } from './config-set.js';
import { compareFacts } from './facts.js';
import { HELPER_ROOT, helperSpec } from './helper.js';
import { removeLeftovers } from './leftovers.js';
import { mysqlLoader } from './load/mysql.js';
import { postgresLoader } from './load/postgres.js';
import { redisLoader } from './load/redis.js';
import { sqliteLoader } from './load/sqlite.js';
import type { Loader, LoadTarget } from './load/types.js';
import { scratchLabels, scratchSpec } from './scratch.js';
import type { ArtifactStore } from './stores/types.js';
import { TarCounter } from './tar-count.js';

export interface DrillInput {
  readonly engine: Engine;
  readonly store: ArtifactStore;
  readonly identities: readonly string[];
  readonly backup: { readonly id: string; readonly artifact: string; readonly manifest: Manifest };
  /** The service's container spec as the files define it now (undefined: no longer defined). */
  readonly spec: ContainerSpec | undefined;
  /** A unique id for the scratch objects. */
  readonly drillId: string;
  readonly signal: AbortSignal;
  readonly progress?: (step: string) => void;
}

export interface DrillResult {
  readonly passed: boolean;
  readonly reason?: string;
  /** What was checked, in words (for the record and the event). */
  readonly checks: readonly string[];
}

const LOADERS: Record<Exclude<Manifest['kind'], 'volume'>, Loader> = {
  mariadb: mysqlLoader,
  mysql: mysqlLoader,
  postgres: postgresLoader,
  sqlite: sqliteLoader,
  redis: redisLoader,
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The artifact's stored bytes are the ones the manifest recorded: the first thing a drill or restore checks. */
export async function verifyChecksum(
  store: ArtifactStore,
  artifact: string,
  manifest: Manifest,
  signal?: AbortSignal,
) {
  const found = await checksum(store, artifact, signal);
  if (found.size !== manifest.artifact.size || found.sha256 !== manifest.artifact.sha256) {
    return `checksum mismatch: the manifest records ${manifest.artifact.size} bytes with sha256 ${manifest.artifact.sha256}, the store holds ${found.size} bytes with sha256 ${found.sha256}`;
  }
  return undefined;
}

/**
 * A restore drill: the backup is restored into scratch objects of its own (a container of the
 * service's image on an internal network, throwaway volumes, no published ports) and what comes back
 * is compared with the facts recorded at dump time, plus the engine's own checks. The scratch objects
 * are removed whatever happens.
 */
export async function drill(input: DrillInput): Promise<DrillResult> {
  const { engine, backup, store } = input;
  const checks: string[] = [];
  const mismatch = await verifyChecksum(store, backup.artifact, backup.manifest, input.signal);
  if (mismatch) return { passed: false, reason: mismatch, checks };
  checks.push(`checksum sha256 ${backup.manifest.artifact.sha256.slice(0, 12)}…`);
  const set = backup.manifest.config;
  if (set) {
    const wrong = await checkConfigSet({
      set,
      key: `${posix.dirname(backup.artifact)}/${set.file}`,
      store,
      identities: input.identities,
      signal: input.signal,
    }).catch((error: unknown) => `the configuration set does not open: ${message(error)}`);
    if (wrong) return { passed: false, reason: wrong, checks };
    checks.push(`configuration set: ${set.files.length} files`);
  }
  const open = () =>
    openArtifact({
      store,
      key: backup.artifact,
      identities: input.identities,
      compression: backup.manifest.artifact.compression,
      signal: input.signal,
    });
  try {
    const found =
      backup.manifest.kind === 'volume'
        ? await volumeDrill(input, open)
        : await serverDrill(input, LOADERS[backup.manifest.kind], open);
    const problems = [...compareFacts(backup.manifest.facts, found.facts), ...found.problems];
    checks.push(...found.checks);
    if (problems.length > 0) return { passed: false, reason: problems.slice(0, 10).join('; '), checks };
    return { passed: true, checks };
  } catch (error: unknown) {
    return { passed: false, reason: message(error), checks };
  } finally {
    await removeLeftovers(engine, `drill:${input.drillId}`).catch(() => undefined);
  }
}

type Found = { facts: Manifest['facts']; problems: string[]; checks: string[] };

async function serverDrill(
  input: DrillInput,
  loader: Loader,
  open: () => Promise<import('node:stream').Readable>,
): Promise<Found> {
  const { engine, backup, drillId } = input;
  const { manifest } = backup;
  if (!input.spec)
    throw new Error(`${manifest.stack}/${manifest.service} is no longer defined in the stack's files`);
  const task = `drill:${drillId}`;
  const labels = scratchLabels(manifest.stack, task);
  const network = `berth-drill-${drillId}`;
  await engine.networks.create({ name: network, labels, internal: true });
  const image =
    manifest.imageId && (await engine.images.exists(manifest.imageId)) ? manifest.imageId : undefined;
  const { spec, volumes } = scratchSpec(input.spec, {
    stack: manifest.stack,
    service: manifest.service,
    id: drillId,
    network,
    ...(image ? { image } : {}),
  });
  for (const name of volumes) await engine.volumes.create({ name, labels });
  input.progress?.('starting a scratch container');
  const { id } = await engine.containers.create(loader.scratch(spec, manifest));
  const base = { engine, manifest, id: drillId, signal: input.signal };
  await loader.beforeStart?.({ ...base, containerId: id }, open);
  await engine.containers.start(id);
  const target: LoadTarget = { ...base, container: await engine.containers.inspect(id) };
  await loader.ready(target);
  input.progress?.('restoring into the scratch container');
  await loader.load(target, open);
  input.progress?.('checking what came back');
  const found = await loader.inspect(target);
  const counted = found.facts.tables
    ? [`${Object.keys(found.facts.tables).length} tables counted`]
    : found.facts.keys !== undefined
      ? [`DBSIZE ${found.facts.keys}`]
      : [];
  return { facts: found.facts, problems: found.problems, checks: [...counted, ...(found.notes ?? [])] };
}

/** Volumes: the archive goes into throwaway volumes through a helper that never starts, and is read back. */
async function volumeDrill(
  input: DrillInput,
  open: () => Promise<import('node:stream').Readable>,
): Promise<Found> {
  const { engine, backup, drillId } = input;
  const { manifest } = backup;
  const task = `drill:${drillId}`;
  const labels = scratchLabels(manifest.stack, task);
  const names = manifest.volumes ?? [];
  // Throwaway volumes mounted where the originals were: the archive's paths land in them unchanged.
  const helper = helperSpec({
    name: `${manifest.stack}-${manifest.service}-drill-${drillId}`,
    image:
      manifest.imageId && (await engine.images.exists(manifest.imageId))
        ? manifest.imageId
        : (input.spec?.image ?? manifest.image),
    stack: manifest.stack,
    service: manifest.service,
    task,
    volumes: names,
    readOnly: false,
  });
  const mounts = helper.mounts.map((m, i) => ({ ...m, source: `berth-drill-${drillId}-${i}` }));
  for (const m of mounts) await engine.volumes.create({ name: m.source, labels });
  const { id } = await engine.containers.create({ ...helper, mounts });
  input.progress?.('restoring into throwaway volumes');
  await engine.containers.putArchive(id, '/', await open());
  input.progress?.('reading the volumes back');
  const counter = new TarCounter();
  for await (const chunk of await engine.containers.getArchive(id, HELPER_ROOT, input.signal))
    counter.push(chunk as Buffer);
  return {
    facts: counter.result(),
    problems: [],
    checks: [`${names.length} volume${names.length === 1 ? '' : 's'} read back`],
  };
}
