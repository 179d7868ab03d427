import type { Device, FileRef, Service } from '../compose/schema/model.js';
import type { DeviceSpec, MountSpec } from '../engine/model.js';

/** Host files of the stack's `file:` secrets and configs, by their key in the compose file. */
export interface FileSources {
  readonly secrets: Readonly<Record<string, string>>;
  readonly configs: Readonly<Record<string, string>>;
}

export const NO_FILE_SOURCES: FileSources = { secrets: {}, configs: {} };

type Def = { readonly file?: string | undefined; readonly external?: boolean | undefined };
type Defs = Readonly<Record<string, Def | undefined>> | undefined;

/** Only definitions with a `file:` (made absolute by the loader) can be mounted. */
export function fileSourcesOf(secrets: Defs, configs: Defs): FileSources {
  const files = (defs: Defs): Record<string, string> =>
    Object.fromEntries(
      Object.entries(defs ?? {}).flatMap(([key, def]) =>
        def?.file && !def.external ? [[key, def.file]] : [],
      ),
    );
  return { secrets: files(secrets), configs: files(configs) };
}

/** Where compose puts a secret: `/run/secrets/<target or name>`; an absolute target stays as is. */
export function secretTarget(ref: FileRef): string {
  const target = ref.target ?? ref.source;
  return target.startsWith('/') ? target : `/run/secrets/${target}`;
}

/** Where compose puts a config: its `target`, else `/<name>`. */
export function configTarget(ref: FileRef): string {
  const target = ref.target ?? ref.source;
  return target.startsWith('/') ? target : `/${target}`;
}

const readOnlyFile = (source: string, target: string): MountSpec => ({
  type: 'bind',
  source,
  target,
  readOnly: true,
  // A missing file must fail the create, not become an empty folder on the host.
  createHostPath: false,
});

/**
 * The service's `secrets` and `configs` with a `file:` source, as read-only bind mounts (what
 * `docker compose` does outside Swarm). Other sources are reported by the loader and left out.
 */
export function fileRefMounts(service: Service, sources: FileSources): MountSpec[] {
  const out: MountSpec[] = [];
  for (const ref of service.secrets ?? []) {
    const file = sources.secrets[ref.source];
    if (file) out.push(readOnlyFile(file, secretTarget(ref)));
  }
  for (const ref of service.configs ?? []) {
    const file = sources.configs[ref.source];
    if (file) out.push(readOnlyFile(file, configTarget(ref)));
  }
  return out;
}

/** A CDI device name (`vendor.com/class=name`) is not a host path. */
export const isCdiDevice = (device: Device): boolean =>
  !device.source.startsWith('/') && device.source.includes('=');

/** `devices` with host paths; the target defaults to the host path, permissions to `rwm`. */
export function deviceSpecs(service: Service): DeviceSpec[] {
  return (service.devices ?? [])
    .filter((d) => !isCdiDevice(d))
    .map((d) => ({
      pathOnHost: d.source,
      pathInContainer: d.target ?? d.source,
      ...(d.permissions ? { cgroupPermissions: d.permissions } : {}),
    }));
}

const networkKeys = (service: Service): string[] =>
  service.network_mode ? [] : Object.keys(service.networks ?? { default: null });

/** Network key → aliases, for one linked service. */
export type LinkAliases = Readonly<Record<string, readonly string[]>>;

/**
 * Aliases other services give a service with `links: [SERVICE:ALIAS]`, by the linked service and
 * network. Berth adds each as a network alias of the linked service on the networks it shares with
 * the linking one, so every container there resolves it (compose: only the linking container).
 */
export function linkAliases(services: Readonly<Record<string, Service>>): Record<string, LinkAliases> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const service of Object.values(services)) {
    for (const link of service.links ?? []) {
      const [target, alias] = link.split(':');
      const linked = target ? services[target] : undefined;
      if (!target || !alias || alias === target || !linked) continue;
      const shared = networkKeys(linked).filter((key) => networkKeys(service).includes(key));
      const byNetwork = out[target] ?? {};
      for (const key of shared) {
        const list = byNetwork[key] ?? [];
        if (!list.includes(alias)) list.push(alias);
        byNetwork[key] = list;
      }
      out[target] = byNetwork;
    }
  }
  return out;
}
