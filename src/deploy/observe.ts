import type { LoadedStack } from '../compose/stack.js';
import type { ContainerSpec, ContainerSummary, Engine } from '../engine/model.js';
import { isEngineError, stackSelector } from '../engine/model.js';
import { fingerprint, fingerprinter } from '../secrets/fingerprint.js';
import type { Store } from '../store/index.js';
import type { DesiredStack } from './desired.js';
import { normalTag } from './image-references.js';
import { serviceImages } from './naming.js';
import type { AppliedRecord, ObservedContainer, PlanInput } from './plan-types.js';
import { type Platform, parsePlatform, platformOf } from './platform.js';

/** The images a stack's services run, as the engine has them: id and platform by reference. */
export interface StackImages {
  readonly ids: Map<string, string>;
  readonly platforms: Map<string, Platform>;
  /** The engine's own platform, asked only when a service names an OS alone (`platform: linux`). */
  readonly engine?: Platform;
}

/** Inspects every image the stack's services run, all at once; a missing one is left out. */
export async function stackImages(engine: Engine, loaded: LoadedStack): Promise<StackImages> {
  const refs = new Set(serviceImages(loaded).values());
  const found = await Promise.all(
    [...refs].map(async (ref) => {
      try {
        return [[ref, await engine.images.inspect(ref)] as const];
      } catch (error: unknown) {
        if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') return [];
        throw error;
      }
    }),
  );
  const ids = new Map<string, string>();
  const platforms = new Map<string, Platform>();
  for (const [ref, info] of found.flat()) {
    ids.set(ref, info.id);
    if (info.os) platforms.set(ref, platformOf(info.os, info.architecture, info.variant));
  }
  const osOnly = Object.values(loaded.model.services ?? {}).some(
    (s) => s.platform !== undefined && parsePlatform(s.platform)?.architecture === undefined,
  );
  if (!osOnly || ids.size === 0) return { ids, platforms };
  const version = await engine.system.version();
  return { ids, platforms, engine: platformOf(version.os, version.arch) };
}

/** Image reference → id for every image the stack's services run. */
export async function imageIdsFor(engine: Engine, loaded: LoadedStack): Promise<Map<string, string>> {
  return (await stackImages(engine, loaded)).ids;
}

/** When a deploy last pulled each image the stack's services run (the periodic pull policies count from it). */
export function lastPulls(store: Pick<Store, 'imagePulls'>, desired: DesiredStack): Map<string, string> {
  const images = new Set(Object.values(desired.services).map((s) => s.image));
  return new Map(
    [...images].flatMap((image) => {
      // Pulls are recorded as the engine names the image; before that, as the file spelled it.
      const at = (store.imagePulls.get(normalTag(image)) ?? store.imagePulls.get(image))?.pulledAt;
      return at === undefined ? [] : [[image, at] as const];
    }),
  );
}

/**
 * An exited container with its exit code, read from its inspection (a listing only has it inside
 * the human status text): the planner leaves a one-shot service that exited 0 alone.
 */
async function withExitCode(engine: Engine, container: ContainerSummary): Promise<ObservedContainer> {
  if (container.state !== 'exited') return container;
  try {
    return { ...container, exitCode: (await engine.containers.inspect(container.id)).exitCode };
  } catch (error: unknown) {
    // Removed between the listing and the inspection: planned as it was listed, without a code.
    if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') return container;
    throw error;
  }
}

/**
 * What the engine has that matters to the stack: its own objects, and anything under a name it
 * wants. The four lists are asked for at once.
 */
export async function observe(engine: Engine, desired: DesiredStack): Promise<PlanInput['observed']> {
  const wanted = new Set(Object.values(desired.services).flatMap((s) => s.replicas.map((r) => r.spec.name)));
  const [own, all, networks, volumes] = await Promise.all([
    engine.containers.list(stackSelector(desired.stack), { all: true }),
    wanted.size > 0 ? engine.containers.list({}, { all: true }) : [],
    engine.networks.list({}),
    engine.volumes.list({}),
  ]);
  const listed = [...own, ...all.filter((c) => wanted.has(c.name) && !own.some((o) => o.id === c.id))];
  return {
    containers: await Promise.all(listed.map((c) => withExitCode(engine, c))),
    networks: networks.filter((n) => desired.networks.some((d) => d.name === n.name)),
    volumes: volumes.filter((v) => desired.volumes.some((d) => d.name === v.name)),
  };
}

/**
 * The specs Berth last applied, as the planner reads them to explain changes. A record stored with
 * a salt holds fingerprints of the stack's `sensitive` values; its `protect` fingerprints a new spec
 * alike. (Records of older versions, without a salt, hold the values and compare as they are.)
 */
export function appliedRecords(
  store: Pick<Store, 'appliedSpecs'>,
  stack: string,
  sensitive: readonly string[],
): AppliedRecord[] {
  return store.appliedSpecs.list(stack).map((a) => {
    const saved = a.spec as unknown as {
      spec: ContainerSpec;
      imageId?: string;
      salt?: unknown;
      files?: unknown;
    };
    const salt = typeof saved.salt === 'string' ? saved.salt : undefined;
    const files = salt !== undefined ? storedFiles(saved.files) : undefined;
    return {
      service: a.service,
      replica: a.replica,
      containerId: a.containerId,
      configHash: a.configHash,
      spec: saved.spec,
      ...(saved.imageId ? { imageId: saved.imageId } : {}),
      ...(salt !== undefined ? { protect: fingerprinter(sensitive, salt) } : {}),
      ...(salt !== undefined && files !== undefined
        ? { files, protectFiles: (digests) => protectFileDigests(digests, salt) }
        : {}),
    };
  });
}

const storedFiles = (value: unknown): Record<string, string> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;

/** File digests as a record stores them: fingerprints under its salt (a digest of a weak secret could be guessed). */
export function protectFileDigests(
  digests: Readonly<Record<string, string>>,
  salt: string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(digests).map(([name, d]) => [name, fingerprint(d, salt)]));
}

/** What a successful deploy stores beside each applied spec. */
export interface AppliedExtras {
  readonly spec: ContainerSpec;
  readonly imageId: string | null;
  /** When the container passed its deploy gate (ms since the epoch); absent for older records. */
  readonly readyAt?: number;
  /** The salt of the fingerprints that stand in `spec` for the stack's secret values. */
  readonly salt?: string;
  /** Fingerprints (under `salt`) of the digests of the `file:` secrets and configs mounted. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Container id → when a deploy's gate saw it pass, from the stack's applied records. */
export function readyTimes(store: Pick<Store, 'appliedSpecs'>, stack: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const a of store.appliedSpecs.list(stack)) {
    const readyAt = (a.spec as { readyAt?: unknown } | null)?.readyAt;
    if (typeof readyAt === 'number' && Number.isFinite(readyAt)) times.set(a.containerId, readyAt);
  }
  return times;
}
