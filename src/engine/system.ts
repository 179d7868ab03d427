import type { SystemClient } from './clients.js';
import type { Transport } from './transport.js';
import type { DiskUsage, EngineVersion } from './types.js';

export interface RawVersion {
  ApiVersion?: string;
  MinAPIVersion?: string;
  Version?: string;
  Os?: string;
  Arch?: string;
}

export function toEngineVersion(raw: RawVersion): EngineVersion {
  return {
    apiVersion: raw.ApiVersion ?? '',
    minApiVersion: raw.MinAPIVersion ?? '',
    serverVersion: raw.Version ?? '',
    os: raw.Os ?? '',
    arch: raw.Arch ?? '',
  };
}

interface RawDiskUsage {
  LayersSize?: number;
  Images?: Array<{ Id?: string; RepoTags?: string[] | null; Size?: number; SharedSize?: number }> | null;
}

export function toDiskUsage(raw: RawDiskUsage): DiskUsage {
  return {
    layersSize: raw.LayersSize ?? 0,
    images: new Map(
      (raw.Images ?? []).flatMap((i) =>
        i.Id
          ? [
              [
                i.Id,
                {
                  tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
                  size: i.Size ?? 0,
                  // -1: not computed.
                  sharedSize: Math.max(i.SharedSize ?? 0, 0),
                },
              ] as const,
            ]
          : [],
      ),
    ),
  };
}

export function systemClient(transport: Transport): SystemClient {
  return {
    async ping(signal) {
      await transport.json({
        method: 'GET',
        path: '/_ping',
        ...(signal === undefined ? {} : { signal }),
        action: 'ping the engine',
      });
    },
    async version(signal) {
      const raw = await transport.json({
        method: 'GET',
        path: '/version',
        ...(signal === undefined ? {} : { signal }),
        action: 'read the engine version',
      });
      return toEngineVersion((raw ?? {}) as RawVersion);
    },
    async diskUsage(signal) {
      const raw = await transport.json({
        method: 'GET',
        path: '/system/df',
        // Engines with API 1.42+ then skip the containers' sizes (slow on busy hosts); older ones ignore it.
        query: { type: 'image' },
        ...(signal === undefined ? {} : { signal }),
        action: 'read what images take on disk',
      });
      return toDiskUsage((raw ?? {}) as RawDiskUsage);
    },
  };
}
