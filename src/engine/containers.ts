import type { ContainerClient } from './clients.js';
import {
  type RawContainerInspect,
  type RawContainerSummary,
  toContainerInfo,
  toContainerSummary,
} from './container-map.js';
import { toCreateOptions, toEndpointConfig } from './create-options.js';
import { EngineError } from './errors.js';
import { toLabelFilters } from './labels.js';
import { asArray, seg, type Transport } from './transport.js';

export function containerClient(transport: Transport): ContainerClient {
  const about = (idOrName: string) => `container ${idOrName}`;

  const remove: ContainerClient['remove'] = async (idOrName, options = {}) => {
    await transport.json({
      method: 'DELETE',
      path: `/containers/${seg(idOrName)}`,
      query: { force: options.force === true, v: options.volumes === true },
      action: 'remove',
      resource: about(idOrName),
    });
  };

  return {
    async getArchive(idOrName, path, signal) {
      return transport.stream({
        method: 'GET',
        path: `/containers/${seg(idOrName)}/archive`,
        query: { path },
        ...(signal ? { signal } : {}),
        action: `read ${path} from`,
        resource: about(idOrName),
      });
    },

    async putArchive(idOrName, path, tar) {
      await transport.json({
        method: 'PUT',
        path: `/containers/${seg(idOrName)}/archive`,
        query: { path },
        file: tar,
        headers: { 'Content-Type': 'application/x-tar' },
        action: `write ${path} into`,
        resource: about(idOrName),
      });
    },

    async list(selector, options = {}) {
      const raw = await transport.json({
        method: 'GET',
        path: '/containers/json',
        query: {
          all: options.all !== false,
          filters: JSON.stringify({
            label: toLabelFilters(selector),
            ...(options.volume === undefined ? {} : { volume: [options.volume] }),
          }),
        },
        action: 'list containers',
      });
      return asArray<RawContainerSummary>(raw, 'list containers').map(toContainerSummary);
    },

    async inspect(idOrName) {
      const raw = await transport.json({
        method: 'GET',
        path: `/containers/${seg(idOrName)}/json`,
        action: 'inspect',
        resource: about(idOrName),
      });
      return toContainerInfo(raw as RawContainerInspect);
    },

    async create(spec) {
      const options = toCreateOptions(spec);
      const raw = (await transport.json({
        method: 'POST',
        path: '/containers/create',
        query: options.query,
        body: options.body,
        action: 'create',
        resource: about(spec.name),
      })) as { Id?: string; Warnings?: string[] | null };
      const id = raw.Id ?? '';
      try {
        for (const network of options.laterNetworks) {
          await transport.json({
            method: 'POST',
            path: `/networks/${seg(network.name)}/connect`,
            body: { Container: id, EndpointConfig: toEndpointConfig(network) },
            action: `connect to network ${network.name}`,
            resource: about(spec.name),
          });
        }
      } catch (err) {
        // A container missing a network must not be left for a later start.
        const cleanup = await remove(id, { force: true }).then(
          () => undefined,
          (cleanupErr: unknown) => cleanupErr,
        );
        if (cleanup === undefined) throw err;
        throw new EngineError(
          'ENGINE_FAILED',
          `${errorText(err)}; removing the half-made container ${id} failed too: ${errorText(cleanup)}`,
          { resource: about(spec.name), cause: err },
        );
      }
      return { id, warnings: [...(raw.Warnings ?? [])] };
    },

    async start(idOrName) {
      await transport.json({
        method: 'POST',
        path: `/containers/${seg(idOrName)}/start`,
        okStatus: [304],
        action: 'start',
        resource: about(idOrName),
      });
    },

    async stop(idOrName, timeoutSeconds) {
      await transport.json({
        method: 'POST',
        path: `/containers/${seg(idOrName)}/stop`,
        query: { t: timeoutSeconds },
        okStatus: [304],
        action: 'stop',
        resource: about(idOrName),
      });
    },

    async kill(idOrName, signal) {
      await transport.json({
        method: 'POST',
        path: `/containers/${seg(idOrName)}/kill`,
        query: { signal },
        action: 'kill',
        resource: about(idOrName),
      });
    },

    remove,

    async rename(idOrName, newName) {
      await transport.json({
        method: 'POST',
        path: `/containers/${seg(idOrName)}/rename`,
        query: { name: newName },
        action: `rename to ${newName}`,
        resource: about(idOrName),
      });
    },

    async wait(idOrName, options = {}) {
      const raw = (await transport.json({
        method: 'POST',
        path: `/containers/${seg(idOrName)}/wait`,
        query: { condition: options.condition ?? 'not-running' },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        action: 'wait for',
        resource: about(idOrName),
      })) as { StatusCode?: number; Error?: { Message?: string } | null };
      const error = raw.Error?.Message;
      return { exitCode: raw.StatusCode ?? -1, ...(error ? { error } : {}) };
    },

    async restart(idOrName, timeoutSeconds) {
      await transport.json({
        method: 'POST',
        path: `/containers/${seg(idOrName)}/restart`,
        query: { t: timeoutSeconds },
        action: 'restart',
        resource: about(idOrName),
      });
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
