// Test-only helpers for the deploy planner's unit tests: real stacks loaded from compose text, and
// engine observations built as plain objects (no Docker).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { type LoadedStack, loadWorkspace } from '../../src/compose/stack.js';
import { type DesiredContext, type DesiredStack, desiredState } from '../../src/deploy/desired.js';
import type { AppliedRecord, PlanInput } from '../../src/deploy/plan.js';
import type { ContainerSummary, NetworkInfo, VolumeInfo } from '../../src/engine/model.js';

export interface FixtureOptions {
  /** The stack's folder name, which is its name unless the file has `name:`. */
  readonly stack?: string;
  /** More files beside compose.yaml, by path relative to the stack folder. */
  readonly files?: Readonly<Record<string, string>>;
  readonly profiles?: readonly string[];
}

/**
 * Writes `compose` as `<tmp>/<stack>/compose.yaml`, loads it with the real loader and registry, and
 * removes the folder again: a LoadedStack is plain data. Throws when the file does not load cleanly.
 */
export async function loadFixture(compose: string, options: FixtureOptions = {}): Promise<LoadedStack> {
  const root = await mkdtemp(join(tmpdir(), 'berth-deploy-test-'));
  try {
    const dir = join(root, options.stack ?? 'shop');
    const files = { 'compose.yaml': compose, ...(options.files ?? {}) };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const result = await loadWorkspace(dir, {
      env: {},
      registry: builtinXBerthRegistry(),
      ...(options.profiles ? { profiles: options.profiles } : {}),
    });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const stack = result.stacks[0];
    if (errors.length > 0 || !stack)
      throw new Error(`fixture does not load: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
    return stack;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A fake but well-formed image id: `sha256:` and 64 hex digits starting with `hex`. */
export const imageId = (hex: string): string => `sha256:${hex.padEnd(64, '0')}`;

export function desiredFrom(
  loaded: LoadedStack,
  ctx: {
    imageIds?: ReadonlyMap<string, string>;
    installCompleted?: DesiredContext['installCompleted'];
    fileDigests?: DesiredContext['fileDigests'];
  } = {},
): DesiredStack {
  return desiredState(loaded, {
    imageIds: ctx.imageIds ?? new Map(),
    installCompleted: ctx.installCompleted ?? (() => false),
    ...(ctx.fileDigests ? { fileDigests: ctx.fileDigests } : {}),
  });
}

/** Loads compose text and computes its desired state in one step. */
export async function desiredOf(
  compose: string,
  ctx: Parameters<typeof desiredFrom>[1] = {},
  options: FixtureOptions = {},
): Promise<DesiredStack> {
  return desiredFrom(await loadFixture(compose, options), ctx);
}

export function summary(over: Partial<ContainerSummary> & { name: string }): ContainerSummary {
  return {
    id: `id-${over.name}`,
    image: 'img',
    imageId: imageId('aa'),
    labels: {},
    state: 'running',
    status: 'Up 1 minute',
    networks: [],
    createdAt: '2024-01-01T00:00:00Z',
    ...over,
  };
}

export function networkInfo(name: string, labels: Readonly<Record<string, string>> = {}): NetworkInfo {
  return {
    id: `net-${name}`,
    name,
    driver: 'bridge',
    scope: 'local',
    internal: false,
    attachable: false,
    enableIPv6: false,
    labels,
    options: {},
    ipam: [],
    containers: {},
    createdAt: '2024-01-01T00:00:00Z',
  };
}

export function volumeInfo(name: string, labels: Readonly<Record<string, string>> = {}): VolumeInfo {
  return {
    name,
    driver: 'local',
    mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    scope: 'local',
    labels,
    options: {},
    createdAt: null,
  };
}

export interface Converged {
  readonly observed: {
    containers: ContainerSummary[];
    networks: NetworkInfo[];
    volumes: VolumeInfo[];
  };
  readonly applied: AppliedRecord[];
}

/**
 * The engine and the store as a finished deploy of `desired` leaves them: every replica running
 * under its spec's labels, every resource present (external ones unlabelled), every container
 * recorded with its id and hash.
 */
export function converged(desired: DesiredStack, imageIds: ReadonlyMap<string, string>): Converged {
  const containers: ContainerSummary[] = [];
  const applied: AppliedRecord[] = [];
  for (const service of Object.values(desired.services)) {
    const id = imageIds.get(service.image);
    for (const { replica, spec } of service.replicas) {
      const c = summary({ name: spec.name, image: spec.image, labels: spec.labels });
      containers.push(c);
      applied.push({
        containerId: c.id,
        service: service.name,
        replica,
        configHash: service.configHash,
        spec,
        ...(id ? { imageId: id } : {}),
      });
    }
  }
  return {
    observed: {
      containers,
      networks: desired.networks.map((n) => networkInfo(n.name, n.external ? {} : n.spec.labels)),
      volumes: desired.volumes.map((v) => volumeInfo(v.name, v.external ? {} : v.spec.labels)),
    },
    applied,
  };
}

/** A PlanInput for a desired stack and an engine in the given state. */
export function planInput(
  desired: DesiredStack,
  state: Converged,
  imageIds: ReadonlyMap<string, string>,
  build?: boolean,
): PlanInput {
  return {
    desired,
    observed: state.observed,
    applied: state.applied,
    imageIds,
    ...(build !== undefined ? { build } : {}),
  };
}

/** A plan with no steps and no problems (fits both the deploy Plan and the API's PlanView). */
export function emptyPlan(stack = 's') {
  return { stack, resources: [], pulls: [], builds: [], services: [], removals: [], problems: [] };
}
