import { type Diagnostic, SpecCode, specError, specWarning } from './diagnostics.js';
import { buildGraph, type DependencyGraph, formatCycle, type GraphService } from './graph.js';
import type { Path } from './load/yaml.js';
import type { ComposeFile } from './schema/model.js';

/** Positions come from the files the stack was assembled from. */
export type Locate = (
  path: Path,
  at?: 'key' | 'value',
) => { file: string; pos: { line: number; column: number } };

const REF_KINDS = {
  networks: SpecCode.UnknownNetwork,
  volumes: SpecCode.UnknownVolume,
  secrets: SpecCode.UnknownSecret,
  configs: SpecCode.UnknownConfig,
} as const;

/**
 * Cross-references compose itself refuses: a service without image or build, undefined networks,
 * volumes, secrets and configs. Pure: positions through `locate`.
 */
export function referenceChecks(
  model: ComposeFile,
  active: ReadonlySet<string>,
  locate: Locate,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (
    code: Diagnostic['code'],
    path: Path,
    message: string,
    hint: string,
    at: 'key' | 'value' = 'value',
  ) => {
    const { file, pos } = locate(path, at);
    out.push(specError(code, file, pos, message, hint));
  };
  const declared = (kind: keyof typeof REF_KINDS) => new Set(Object.keys(model[kind] ?? {}));
  const networks = declared('networks');
  const volumes = declared('volumes');
  const secrets = declared('secrets');
  const configs = declared('configs');
  for (const [name, service] of Object.entries(model.services ?? {})) {
    if (!active.has(name)) continue;
    const base: Path = ['services', name];
    if (!service.image && !service.build) {
      err(
        SpecCode.ServiceNoImage,
        base,
        `service \`${name}\` has neither \`image\` nor \`build\``,
        'add `image: name:tag` or a `build:` context',
        'key',
      );
    }
    const replicas = Number(service.deploy?.replicas ?? service.scale ?? 1);
    if (service.container_name && replicas > 1) {
      err(
        SpecCode.InvalidValue,
        [...base, 'container_name'],
        `service \`${name}\` has a fixed container_name but ${replicas} replicas: container names are unique`,
        'remove `container_name`, or run one replica',
        'key',
      );
    }
    for (const net of Object.keys(service.networks ?? {})) {
      if (net !== 'default' && !networks.has(net)) {
        err(
          REF_KINDS.networks,
          [...base, 'networks', net],
          `service \`${name}\` uses network \`${net}\`, which is not declared`,
          `declare it under top-level \`networks:\` (\`${net}: {}\`)`,
        );
      }
    }
    (service.volumes ?? []).forEach((volume, i) => {
      if (volume.type === 'volume' && volume.source && !volumes.has(volume.source)) {
        err(
          REF_KINDS.volumes,
          [...base, 'volumes', i],
          `service \`${name}\` mounts volume \`${volume.source}\`, which is not declared`,
          `declare it under top-level \`volumes:\` (\`${volume.source}: {}\`), or write a path (./${volume.source}) for a bind mount`,
        );
      }
    });
    (service.secrets ?? []).forEach((secret, i) => {
      if (!secrets.has(secret.source)) {
        err(
          REF_KINDS.secrets,
          [...base, 'secrets', i],
          `service \`${name}\` uses secret \`${secret.source}\`, which is not declared`,
          'declare it under top-level `secrets:` with `file:` or `environment:`',
        );
      }
    });
    (service.configs ?? []).forEach((config, i) => {
      if (!configs.has(config.source)) {
        err(
          REF_KINDS.configs,
          [...base, 'configs', i],
          `service \`${name}\` uses config \`${config.source}\`, which is not declared`,
          'declare it under top-level `configs:`',
        );
      }
    });
  }
  return out;
}

/**
 * The dependency graph of the active services. References to unknown services are errors (warnings
 * for `required: false`); a reference to a service disabled by its profiles says which profile.
 */
export function graphChecks(
  model: ComposeFile,
  active: ReadonlySet<string>,
  locate: Locate,
): { graph?: DependencyGraph; diagnostics: Diagnostic[] } {
  const services: Record<string, GraphService> = {};
  for (const [name, service] of Object.entries(model.services ?? {})) {
    if (active.has(name)) services[name] = service as GraphService;
  }
  const result = buildGraph(services);
  const diagnostics: Diagnostic[] = [];
  for (const ref of result.unknown) {
    const path: Path =
      ref.kind === 'depends_on'
        ? ['services', ref.from, 'depends_on', ref.to]
        : ['services', ref.from, ref.kind];
    const { file, pos } = locate(path, 'key');
    const disabled = model.services?.[ref.to];
    const why = disabled
      ? `is only enabled with profile ${(disabled.profiles ?? []).map((p) => `\`${p}\``).join(' or ')}`
      : 'is not defined';
    const hint = disabled
      ? `enable the profile (COMPOSE_PROFILES=${disabled.profiles?.[0] ?? ''}) or mark the dependency \`required: false\``
      : 'fix the service name, or define the service';
    const make = ref.required ? specError : specWarning;
    diagnostics.push(
      make(
        SpecCode.UnknownService,
        file,
        pos,
        `service \`${ref.from}\` ${ref.kind === 'depends_on' ? 'depends on' : `refers (${ref.kind}) to`} \`${ref.to}\`, which ${why}`,
        hint,
      ),
    );
  }
  if (!result.ok) {
    const first = result.cycle[0] ?? '';
    const second = result.cycle[1] ?? '';
    const { file, pos } = locate(['services', first, 'depends_on', second], 'key');
    diagnostics.push(
      specError(
        SpecCode.DependencyCycle,
        file,
        pos,
        `dependency cycle: ${formatCycle(result.cycle)}`,
        'services cannot wait for each other; remove one of these dependencies',
      ),
    );
    return { diagnostics };
  }
  return { graph: result.graph, diagnostics };
}
