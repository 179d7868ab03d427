import { z } from 'zod';
import {
  closed,
  eachSoundItem,
  invalidKey,
  LIST_INSTEAD_OF_TRANSFORM,
  listOfStrings,
  namedMap,
  uniqueArray,
} from './common.js';
import { driverOpts, splitPair } from './maps.js';

const EXTRA_HOST_HINT = 'write "host:ip" or "host=ip", e.g. "db.local:10.0.0.5"';

/** IPv6 addresses may be bracketed (`host=[::1]`); the model keeps the bare address. */
function bareIp(ip: string): string {
  return ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
}

/**
 * `extra_hosts` → a list of `{host, ip}` in the order written. A list rather than a map because
 * one host may map to several addresses (IPv4 and IPv6), which the map form also allows.
 */
export const extraHosts = z
  .union([
    z.record(z.string(), z.union([z.string(), z.array(z.string())])).superRefine((map, ctx) => {
      if (Object.hasOwn(map, '')) invalidKey(ctx, 'empty host name', 'write the host name as the key', '');
    }),
    uniqueArray(z.string()).superRefine((entries, ctx) => {
      eachSoundItem(entries, ctx, (entry, index) => splitPair(entry, ctx, EXTRA_HOST_HINT, [index]));
    }, LIST_INSTEAD_OF_TRANSFORM),
  ])
  .transform((value, ctx) => {
    const out: { host: string; ip: string }[] = [];
    if (Array.isArray(value)) {
      value.forEach((entry, index) => {
        const { key, value: ip } = splitPair(entry, ctx, EXTRA_HOST_HINT, [index]);
        out.push({ host: key, ip: bareIp(ip) });
      });
      return out;
    }
    for (const [host, ips] of Object.entries(value)) {
      for (const ip of typeof ips === 'string' ? [ips] : ips) out.push({ host, ip: bareIp(ip) });
    }
    return out;
  });

const serviceNetwork = closed({
  aliases: listOfStrings.optional(),
  interface_name: z.string().optional(),
  ipv4_address: z.string().optional(),
  ipv6_address: z.string().optional(),
  link_local_ips: listOfStrings.optional(),
  mac_address: z.string().optional(),
  driver_opts: driverOpts.optional(),
  priority: z.number().optional(),
  gw_priority: z.number().optional(),
});

type ServiceNetwork = Omit<z.output<typeof serviceNetwork>, 'aliases'> & { aliases: string[] };

function attachment(value: z.output<typeof serviceNetwork> | null): ServiceNetwork {
  return { ...value, aliases: value?.aliases ?? [] };
}

/**
 * Service `networks` → map of network → attachment. The list form and a null entry both mean
 * "attach with defaults" and become `{aliases: []}`, so consumers never see null.
 */
export const serviceNetworks = z
  .union([listOfStrings, namedMap(z.union([serviceNetwork, z.null()]), 'network')])
  .transform((value): Record<string, ServiceNetwork> => {
    const out: Record<string, ServiceNetwork> = {};
    if (Array.isArray(value)) for (const name of value) out[name] = attachment(null);
    else for (const [name, net] of Object.entries(value)) out[name] = attachment(net);
    return out;
  });
