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

/** The networks the services join (the default one unless they say otherwise), by key. */
export function desiredNetworks(
  stack: string,
  services: Readonly<Record<string, Service>>,
  defs: Readonly<Record<string, Partial<NetworkDef>>>,
): DesiredNetwork[] {
  return [...usedNetworks(services)].sort().map((key) => {
    const def: Partial<NetworkDef> = defs[key] ?? {};
    const name = resourceName(stack, key, def);
    return {
      key,
      name,
      external: Boolean(def.external),
      spec: {
        name,
        ...(def.driver ? { driver: def.driver } : {}),
        labels: { ...(def.labels ?? {}), ...stackResourceLabels(stack, 'network', key) },
        ...(def.internal !== undefined ? { internal: def.internal } : {}),
        ...(def.attachable !== undefined ? { attachable: def.attachable } : {}),
        ...(def.enable_ipv6 !== undefined ? { enableIPv6: def.enable_ipv6 } : {}),
      },
    };
  });
}

/** The named volumes the services mount, by key. */
export function desiredVolumes(
  stack: string,
  services: Readonly<Record<string, Service>>,
  defs: Readonly<Record<string, Partial<VolumeDef>>>,
): DesiredVolume[] {
  return [...usedVolumes(services)].sort().map((key) => {
    const def: Partial<VolumeDef> = defs[key] ?? {};
    const name = resourceName(stack, key, def);
    return {
      key,
      name,
      external: Boolean(def.external),
      spec: {
        name,
        ...(def.driver ? { driver: def.driver } : {}),
        labels: { ...(def.labels ?? {}), ...stackResourceLabels(stack, 'volume', key) },
        ...(def.driver_opts ? { driverOpts: def.driver_opts } : {}),
      },
    };
  });
}
