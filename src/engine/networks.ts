import type { NetworkClient } from './clients.js';
import { toEndpointConfig } from './create-options.js';
import { toLabelFilters } from './labels.js';
import { asArray, seg, type Transport } from './transport.js';
import type { NetworkCreateSpec, NetworkInfo } from './types.js';

export interface RawNetwork {
  Name?: string;
  Id?: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  EnableIPv6?: boolean;
  Internal?: boolean;
  Attachable?: boolean;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null } | null;
  Containers?: Record<string, { Name?: string; IPv4Address?: string; IPv6Address?: string }> | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export function toNetworkInfo(raw: RawNetwork): NetworkInfo {
  const containers: Record<string, { name: string; ipv4Address: string; ipv6Address: string }> = {};
  for (const [id, container] of Object.entries(raw.Containers ?? {})) {
    containers[id] = {
      name: container.Name ?? '',
      ipv4Address: container.IPv4Address ?? '',
      ipv6Address: container.IPv6Address ?? '',
    };
  }
  return {
    id: raw.Id ?? '',
    name: raw.Name ?? '',
    driver: raw.Driver ?? '',
    scope: raw.Scope ?? '',
    internal: raw.Internal === true,
    attachable: raw.Attachable === true,
    enableIPv6: raw.EnableIPv6 === true,
    labels: { ...(raw.Labels ?? {}) },
    options: { ...(raw.Options ?? {}) },
    ipam: (raw.IPAM?.Config ?? []).map((config) => ({
      ...(config.Subnet ? { subnet: config.Subnet } : {}),
      ...(config.Gateway ? { gateway: config.Gateway } : {}),
      ...(config.IPRange ? { ipRange: config.IPRange } : {}),
    })),
    containers,
    createdAt: raw.Created ?? '',
  };
}

export function toNetworkCreateBody(spec: NetworkCreateSpec): Record<string, unknown> {
  const body: Record<string, unknown> = {
    Name: spec.name,
    // Engines before API 1.44 allow two networks with one name unless asked not to.
    CheckDuplicate: true,
    Driver: spec.driver ?? 'bridge',
    Internal: spec.internal === true,
    Attachable: spec.attachable === true,
    EnableIPv6: spec.enableIPv6 === true,
    Labels: { ...spec.labels },
    Options: { ...(spec.options ?? {}) },
  };
  if (spec.ipam && spec.ipam.length > 0) {
    body.IPAM = {
      Driver: 'default',
      Config: spec.ipam.map((config) => ({
        ...(config.subnet ? { Subnet: config.subnet } : {}),
        ...(config.gateway ? { Gateway: config.gateway } : {}),
        ...(config.ipRange ? { IPRange: config.ipRange } : {}),
      })),
    };
  }
  return body;
}

export function networkClient(transport: Transport): NetworkClient {
  const about = (idOrName: string) => `network ${idOrName}`;
  return {
    async list(selector) {
      const raw = await transport.json({
        method: 'GET',
        path: '/networks',
        query: { filters: JSON.stringify({ label: toLabelFilters(selector) }) },
        action: 'list networks',
      });
      return asArray<RawNetwork>(raw, 'list networks').map(toNetworkInfo);
    },

    async inspect(idOrName) {
      const raw = await transport.json({
        method: 'GET',
        path: `/networks/${seg(idOrName)}`,
        action: 'inspect',
        resource: about(idOrName),
      });
      return toNetworkInfo(raw as RawNetwork);
    },

    async create(spec) {
      const raw = (await transport.json({
        method: 'POST',
        path: '/networks/create',
        body: toNetworkCreateBody(spec),
        action: 'create',
        resource: about(spec.name),
      })) as { Id?: string };
      return { id: raw.Id ?? '' };
    },

    async remove(idOrName) {
      await transport.json({
        method: 'DELETE',
        path: `/networks/${seg(idOrName)}`,
        action: 'remove',
        resource: about(idOrName),
      });
    },

    async connect(network, container, options = {}) {
      const endpoint = toEndpointConfig({
        name: network,
        aliases: options.aliases ?? [],
        ...(options.ipv4Address === undefined ? {} : { ipv4Address: options.ipv4Address }),
        ...(options.ipv6Address === undefined ? {} : { ipv6Address: options.ipv6Address }),
      });
      await transport.json({
        method: 'POST',
        path: `/networks/${seg(network)}/connect`,
        body: { Container: container, EndpointConfig: endpoint },
        action: `connect container ${container} to`,
        resource: about(network),
      });
    },

    async disconnect(network, container, options = {}) {
      await transport.json({
        method: 'POST',
        path: `/networks/${seg(network)}/disconnect`,
        body: { Container: container, Force: options.force === true },
        action: `disconnect container ${container} from`,
        resource: about(network),
      });
    },
  };
}
