import type { VolumeClient } from './clients.js';
import { EngineError } from './errors.js';
import { toLabelFilters } from './labels.js';
import { seg, type Transport } from './transport.js';
import type { VolumeInfo } from './types.js';

export interface RawVolume {
  Name?: string;
  Driver?: string;
  Mountpoint?: string;
  Scope?: string;
  CreatedAt?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
}

export function toVolumeInfo(raw: RawVolume): VolumeInfo {
  return {
    name: raw.Name ?? '',
    driver: raw.Driver ?? '',
    mountpoint: raw.Mountpoint ?? '',
    scope: raw.Scope ?? '',
    labels: { ...(raw.Labels ?? {}) },
    options: { ...(raw.Options ?? {}) },
    createdAt: raw.CreatedAt || null,
  };
}

/** `GET /volumes` wraps the list, and sends `"Volumes": null` when there are none. */
export function toVolumeList(raw: unknown): VolumeInfo[] {
  if (raw === null || typeof raw !== 'object' || !('Volumes' in raw)) {
    const seen = JSON.stringify(raw) ?? String(raw);
    throw new EngineError('ENGINE_FAILED', `list volumes: unexpected answer ${seen.slice(0, 200)}`);
  }
  const volumes = (raw as { Volumes: RawVolume[] | null }).Volumes ?? [];
  return volumes.map(toVolumeInfo);
}

export function volumeClient(transport: Transport): VolumeClient {
  const about = (name: string) => `volume ${name}`;
  return {
    async list(selector) {
      const raw = await transport.json({
        method: 'GET',
        path: '/volumes',
        query: { filters: JSON.stringify({ label: toLabelFilters(selector) }) },
        action: 'list volumes',
      });
      return toVolumeList(raw);
    },

    async inspect(name) {
      const raw = await transport.json({
        method: 'GET',
        path: `/volumes/${seg(name)}`,
        action: 'inspect',
        resource: about(name),
      });
      return toVolumeInfo(raw as RawVolume);
    },

    async create(spec) {
      const raw = await transport.json({
        method: 'POST',
        path: '/volumes/create',
        body: {
          Name: spec.name,
          Driver: spec.driver ?? 'local',
          DriverOpts: { ...(spec.driverOpts ?? {}) },
          Labels: { ...spec.labels },
        },
        action: 'create',
        resource: about(spec.name),
      });
      return toVolumeInfo(raw as RawVolume);
    },

    async remove(name, options = {}) {
      await transport.json({
        method: 'DELETE',
        path: `/volumes/${seg(name)}`,
        query: { force: options.force === true },
        action: 'remove',
        resource: about(name),
      });
    },
  };
}
