import type { NetworkDef, Service, VolumeDef } from '../compose/schema/model.js';
import { type NetworkCreateSpec, stackResourceLabels, type VolumeCreateSpec } from '../engine/model.js';
import { resourceName } from './naming.js';

// The networks and volumes a stack's services use, as the deploy creates them (labelled as the
// stack's). Pure; desiredState (desired.ts) puts them with the services.

export interface DesiredNetwork {
  readonly key: string;
  readonly name: string;
  readonly external: boolean;
  readonly spec: NetworkCreateSpec;
}

export interface DesiredVolume {
  readonly key: string;
  readonly name: string;
  readonly external: boolean;
  readonly spec: VolumeCreateSpec;
}

function usedNetworks(services: Readonly<Record<string, Service>>): Set<string> {
  const used = new Set<string>();
  for (const s of Object.values(services)) {
    if (s.network_mode) continue;
    for (const key of Object.keys(s.networks ?? { default: {} })) used.add(key);
  }
  return used;
}

function usedVolumes(services: Readonly<Record<string, Service>>): Set<string> {
  const used = new Set<string>();
  for (const s of Object.values(services))
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source) used.add(v.source);
  return used;
}

/** What a network and a volume share: a name, a driver, labels and whether Berth creates it. */
interface ResourceDef {
  readonly name?: string | undefined;
  readonly external?: unknown;
  readonly driver?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** One network or volume of the stack, labelled as its own; `extra`: the fields of its kind. */
function desired<D extends ResourceDef, Spec>(
  stack: string,
  kind: 'network' | 'volume',
  key: string,
  def: D,
  extra: (def: D) => object,
): { key: string; name: string; external: boolean; spec: Spec } {
  const name = resourceName(stack, key, def);
  const spec = {
    name,
    ...(def.driver ? { driver: def.driver } : {}),
    labels: { ...(def.labels ?? {}), ...stackResourceLabels(stack, kind, key) },
    ...extra(def),
  };
  return { key, name, external: Boolean(def.external), spec: spec as Spec };
}

/** The networks the services join (the default one unless they say otherwise), by key. */
export function desiredNetworks(
  stack: string,
  services: Readonly<Record<string, Service>>,
  defs: Readonly<Record<string, Partial<NetworkDef>>>,
): DesiredNetwork[] {
  return [...usedNetworks(services)].sort().map((key) =>
    desired<Partial<NetworkDef>, NetworkCreateSpec>(stack, 'network', key, defs[key] ?? {}, (def) => ({
      ...(def.internal !== undefined ? { internal: def.internal } : {}),
      ...(def.attachable !== undefined ? { attachable: def.attachable } : {}),
      ...(def.enable_ipv6 !== undefined ? { enableIPv6: def.enable_ipv6 } : {}),
    })),
  );
}

/** The named volumes the services mount, by key. */
export function desiredVolumes(
  stack: string,
  services: Readonly<Record<string, Service>>,
  defs: Readonly<Record<string, Partial<VolumeDef>>>,
): DesiredVolume[] {
  return [...usedVolumes(services)]
    .sort()
    .map((key) =>
      desired<Partial<VolumeDef>, VolumeCreateSpec>(stack, 'volume', key, defs[key] ?? {}, (def) =>
        def.driver_opts ? { driverOpts: def.driver_opts } : {},
      ),
    );
}
