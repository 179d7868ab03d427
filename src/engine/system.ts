import type { SystemClient } from './clients.js';
import type { Transport } from './transport.js';
import type { EngineVersion } from './types.js';

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
  };
}
