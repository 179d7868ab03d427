import { type Edge, oneShotServices } from '../compose/graph.js';
import type { Service } from '../compose/schema/model.js';
import type { LoadedStack } from '../compose/stack.js';
import { type ContainerSpec, containerLabels } from '../engine/model.js';
import type { GateKind } from '../health/index.js';
import { containerSpec, type ResourceNames } from './container-spec.js';
import {
  type DesiredNetwork,
  type DesiredVolume,
  desiredNetworks,
  desiredVolumes,
} from './desired-resources.js';
import { type FileDigests, mountedFileDigests } from './file-digests.js';
import { fileSourcesOf, linkAliases } from './file-mounts.js';
import { configHash } from './hash.js';
import { imageLocation } from './image-location.js';
import { serviceImage } from './naming.js';

import { DEPLOY_DEFAULTS, type DeploySettings, type InstallSettings } from './xberth.js';

export interface BuildRequest {
  readonly contextDir: string;
  readonly dockerfile?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly tag: string;
  /** The service's `platform:`: the image is built for it. */
  readonly platform?: string;
  /**
   * Build without the engine's cache: a rebuild for another platform, whose cached steps (`FROM
   * scratch`) the legacy builder would reuse from the build for the old one.
   */
  readonly noCache?: boolean;
}

export interface DesiredReplica {
  readonly replica: number;
  readonly spec: ContainerSpec;
}

/**
 * How a changed service is replaced. stop-first: the old container stops before the new one starts;
 * required when they would fight over something only one can hold (a published host port, a fixed
 * container name, a named volume a database writes to). start-first: the new container starts
 * beside the old one, which keeps serving until the new one passes its gate.
 */
export type Strategy = 'stop-first' | 'start-first';

export interface StartAfter {
  readonly service: string;
  readonly until: 'started' | 'ready';
  /** As the compose file says it, for messages: `service_healthy`, `links`… */
  readonly because: string;
}

/** One entry per dependency: the strictest of its edges (any edge needing `ready` wins). */
export function startAfterOf(service: string, edges: readonly Edge[]): StartAfter[] {
  const out = new Map<string, StartAfter>();
  for (const e of edges) {
    if (e.from !== service) continue;
    const until = e.kind === 'depends_on' && e.condition === 'service_started' ? 'started' : 'ready';
    const because = e.kind === 'depends_on' ? e.condition : e.kind;
    const seen = out.get(e.to);
    if (seen === undefined || (seen.until === 'started' && until === 'ready'))
      out.set(e.to, { service: e.to, until, because });
  }
  return [...out.values()];
}

export interface DesiredService {
  readonly name: string;
  readonly image: string;
  /** `file:line:col` of the service's `image:` key (image-location.ts): errors about its image say where. */
  readonly imageAt?: string;
  readonly build?: BuildRequest;
  /** `pull_policy` as written; absent: `missing` (see pull-policy.ts). */
  readonly pullPolicy?: string;
  /**
   * Hash of everything that defines the containers (image id included, and the content of the
   * `file:` secrets and configs it mounts): a change means recreate.
   */
  readonly configHash: string;
  /** SHA-256 of each `file:` secret and config the service mounts (`secret <name>`), when read. */
  readonly fileDigests?: Readonly<Record<string, string>>;
  readonly replicas: readonly DesiredReplica[];
  readonly dependsOn: Readonly<
    Record<
      string,
      {
        condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
        required: boolean;
      }
    >
  >;
  readonly gate: {
    readonly kind: GateKind;
    readonly timeoutMs: number;
    readonly stableWindowMs: number;
    /** The first gap between Berth's own runs of the healthcheck (they back off from there). */
    readonly probeIntervalMs: number;
  };
  /**
   * What a deploy waits for before it starts this service, when the other service changes too:
   * `started` (depends_on `service_started`) or `ready` (it passed its gate: `service_healthy`,
   * `service_completed_successfully`, and links, volumes_from and network_mode references).
   */
  readonly startAfter: readonly StartAfter[];
  readonly strategy: Strategy;
  /** The install phase, when it still applies (its env is in the specs). */
  readonly install?: InstallSettings;
}

export interface DesiredStack {
  readonly stack: string;
  readonly networks: readonly DesiredNetwork[];
  readonly volumes: readonly DesiredVolume[];
  readonly services: Readonly<Record<string, DesiredService>>;
  readonly levels: readonly (readonly string[])[];
  readonly rollback: 'auto' | 'manual';
  /** Services left out by profiles: Berth leaves their containers alone. */
  readonly disabled: readonly string[];
}

export interface DesiredContext {
  /** Image reference → image id, for the images present on the engine. */
  readonly imageIds: ReadonlyMap<string, string>;
  /** True when the service's install phase has completed (recorded in the store). */
  readonly installCompleted: (service: string) => boolean;
  /** Digests of the stack's `file:` secrets and configs (read by the caller); absent: not hashed. */
  readonly fileDigests?: FileDigests;
}

function strategyOf(service: Service): Strategy {
  const namedVolume = (service.volumes ?? []).some((v) => v.type === 'volume' && v.source);
  const hostPort = (service.ports ?? []).some((p) => p.published !== undefined);
  return namedVolume || hostPort || service.container_name || service.network_mode
    ? 'stop-first'
    : 'start-first';
}

function buildRequest(
  build: NonNullable<Service['build']>,
  dir: string,
  tag: string,
  platform: string | undefined,
): BuildRequest {
  const args = Object.entries(build.args ?? {}).filter((e): e is [string, string] => e[1] !== null);
  return {
    contextDir: build.context ?? dir,
    ...(build.dockerfile ? { dockerfile: build.dockerfile } : {}),
    args: Object.fromEntries(args),
    ...(build.target ? { target: build.target } : {}),
    tag,
    ...(platform ? { platform } : {}),
  };
}

function replicaCount(service: Service): number {
  return Number(service.deploy?.replicas ?? service.scale ?? 1);
}

/** What the stack should look like on the engine: pure, from the loaded stack and a few facts. */
export function desiredState(loaded: LoadedStack, ctx: DesiredContext): DesiredStack {
  const stack = loaded.name;
  const services = loaded.model.services ?? {};
  const stackDeploy = (loaded.xberth.stack.deploy ?? {}) as DeploySettings;

  const networks = desiredNetworks(stack, services, loaded.model.networks ?? {});
  const volumes = desiredVolumes(stack, services, loaded.model.volumes ?? {});
  const names = {
    stack,
    networks: Object.fromEntries(networks.map((n) => [n.key, n.name])),
    volumes: Object.fromEntries(volumes.map((v) => [v.key, v.name])),
  };

  const completedBy = oneShotServices(services);
  const files = fileSourcesOf(loaded.model.secrets, loaded.model.configs);
  const aliases = linkAliases(services);

  const out: Record<string, DesiredService> = {};
  for (const [name, service] of Object.entries(services)) {
    const image = serviceImage(stack, name, service);
    const own = loaded.xberth.services[name] ?? {};
    const install = own.install as InstallSettings | undefined;
    const installActive = install !== undefined && !ctx.installCompleted(name);
    const resourceNames: ResourceNames = {
      ...names,
      image,
      files,
      ...(aliases[name] ? { linkAliases: aliases[name] } : {}),
      ...(installActive ? { installEnv: install.env } : {}),
    };
    const base = containerSpec(name, service, 1, resourceNames);
    // The replica's generated name is left out (it differs per replica), but a fixed container_name
    // must count: renaming it has to recreate the container. Absent, it adds nothing to the hash; so
    // do file digests for a service that mounts no `file:` secret or config (its hash stays as it was).
    const digests = mountedFileDigests(service, ctx.fileDigests);
    const hasDigests = Object.keys(digests).length > 0;
    const hash = configHash({
      spec: { ...base, name: undefined },
      containerName: service.container_name,
      imageId: ctx.imageIds.get(image) ?? null,
      files: hasDigests ? digests : undefined,
    });
    const replicas = Array.from({ length: replicaCount(service) }, (_, i) => {
      const replica = i + 1;
      const spec = replica === 1 ? base : containerSpec(name, service, replica, resourceNames);
      const labels = {
        ...spec.labels,
        ...containerLabels({ stack, service: name, replica, configHash: hash, role: 'current' }),
      };
      return { replica, spec: { ...spec, labels } };
    });
    const serviceDeploy = (own.deploy ?? {}) as DeploySettings;
    const hasCheck =
      base.healthcheck !== undefined &&
      base.healthcheck.test.length > 0 &&
      base.healthcheck.test[0] !== 'NONE';
    out[name] = {
      name,
      image,
      imageAt: imageLocation(loaded, name),
      ...(service.build ? { build: buildRequest(service.build, loaded.dir, image, service.platform) } : {}),
      ...(service.pull_policy ? { pullPolicy: service.pull_policy } : {}),
      configHash: hash,
      ...(hasDigests ? { fileDigests: digests } : {}),
      replicas,
      dependsOn: Object.fromEntries(
        Object.entries(service.depends_on ?? {}).map(([dep, d]) => [
          dep,
          { condition: d.condition, required: d.required },
        ]),
      ),
      gate: {
        kind: completedBy.has(name) ? 'completes' : hasCheck ? 'healthcheck' : 'stable',
        timeoutMs:
          serviceDeploy.health_timeout ?? stackDeploy.health_timeout ?? DEPLOY_DEFAULTS.health_timeout,
        stableWindowMs:
          serviceDeploy.stable_window ?? stackDeploy.stable_window ?? DEPLOY_DEFAULTS.stable_window,
        probeIntervalMs:
          serviceDeploy.probe_interval ?? stackDeploy.probe_interval ?? DEPLOY_DEFAULTS.probe_interval,
      },
      startAfter: startAfterOf(name, loaded.graph.edges),
      strategy: strategyOf(service),
      ...(installActive ? { install } : {}),
    };
  }
  return {
    stack,
    networks,
    volumes,
    services: out,
    levels: loaded.graph.levels,
    disabled: loaded.disabled,
    rollback: stackDeploy.rollback ?? DEPLOY_DEFAULTS.rollback,
  };
}
