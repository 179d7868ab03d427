import { z } from 'zod';
import {
  type Ctx,
  closed,
  eachSoundItem,
  invalid,
  LIST_INSTEAD_OF_TRANSFORM,
  type PathKey,
  show,
  uniqueArray,
} from './common.js';
import { integer, rawIntOrString } from './scalars.js';

/*
 * `ports` in every syntax → one entry per container port. Short syntax is
 * `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` where either port may be a range and an IPv6
 * host IP may be written in brackets; ranges expand pairwise.
 */

export const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
export const PORT_MODES = ['host', 'ingress'] as const;
type Protocol = (typeof PROTOCOLS)[number];
type PortMode = (typeof PORT_MODES)[number];

const rawLongPort = closed({
  name: z.string().optional(),
  mode: z.string().optional(),
  host_ip: z.string().optional(),
  target: rawIntOrString.optional(),
  published: z.union([z.string(), integer]).optional(),
  protocol: z.string().optional(),
  app_protocol: z.string().optional(),
});

const rawPort = z.union([z.number(), z.string(), rawLongPort]);

export interface NormalizedPort {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: Protocol;
  mode?: PortMode;
  name?: string;
  app_protocol?: string;
}

const SHORT_HINT =
  'write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER, e.g. "8080:80" or "127.0.0.1:8080:80/udp"';
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\w.-]+)?$/;

export function isIpAddress(text: string): boolean {
  return IPV4.test(text) || IPV6.test(text);
}

type Range = readonly [number, number];

/** `80` or `8000-8010`, each within [min, 65535]. */
function parseRange(text: string, min: number): Range | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < min || end > 65535 || end < start) return undefined;
  return [start, end];
}

function rangeText([start, end]: Range): string {
  return start === end ? String(start) : `${start}-${end}`;
}

function toProtocol(text: string, ctx: Ctx, path: readonly PathKey[]): Protocol {
  const found = PROTOCOLS.find((p) => p === text.toLowerCase());
  return found ?? invalid(ctx, `invalid protocol ${show(text)}`, `use one of: ${PROTOCOLS.join(', ')}`, path);
}

/** Splits the host part (`IP:PORT`, `[IPv6]:PORT`, `PORT`, `IP:`) of a short port spec. */
function splitHost(text: string): { ip?: string; port: string } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text.charAt(close + 1) !== ':') return undefined;
    return { ip: text.slice(1, close), port: text.slice(close + 2) };
  }
  const colon = text.lastIndexOf(':');
  if (colon === -1) return { port: text };
  return { ip: text.slice(0, colon), port: text.slice(colon + 1) };
}

/** One short-syntax port string → its entries, or undefined after reporting an issue. */
export function parseShortPort(
  spec: string,
  ctx: Ctx,
  path: readonly PathKey[],
): NormalizedPort[] | undefined {
  const bad = (why: string): undefined => {
    invalid(ctx, `invalid port ${show(spec)}: ${why}`, SHORT_HINT, path);
    return undefined;
  };
  const slash = spec.lastIndexOf('/');
  const body = slash === -1 ? spec : spec.slice(0, slash);
  const protoText = slash === -1 ? 'tcp' : spec.slice(slash + 1);
  const protocol = PROTOCOLS.find((p) => p === protoText.toLowerCase());
  if (protocol === undefined) return bad(`unknown protocol ${show(protoText)} (use tcp, udp or sctp)`);
  const colon = body.lastIndexOf(':');
  const containerText = colon === -1 ? body : body.slice(colon + 1);
  const container = parseRange(containerText, 1);
  if (container === undefined)
    return bad(`container port ${show(containerText)} is not a port (1-65535) or range`);
  const host = colon === -1 ? { port: '' } : splitHost(body.slice(0, colon));
  if (host === undefined) return bad('unbalanced brackets around the host IP');
  if (host.ip !== undefined && host.ip !== '' && !isIpAddress(host.ip))
    return bad(`${show(host.ip)} is not an IP address`);
  const base = { protocol, ...(host.ip ? { host_ip: host.ip } : {}) };
  const size = container[1] - container[0];
  if (host.port === '') {
    return expand(container, (target) => ({ target, ...base }));
  }
  const published = parseRange(host.port, 0);
  if (published === undefined) return bad(`host port ${show(host.port)} is not a port (0-65535) or range`);
  const hostSize = published[1] - published[0];
  if (size === 0) return [{ target: container[0], published: rangeText(published), ...base }];
  if (hostSize !== size)
    return bad(`the host range has ${hostSize + 1} ports but the container range has ${size + 1}`);
  return expand(container, (target) => ({
    target,
    published: String(published[0] + target - container[0]),
    ...base,
  }));
}

function expand([start, end]: Range, make: (port: number) => NormalizedPort): NormalizedPort[] {
  const out: NormalizedPort[] = [];
  for (let port = start; port <= end; port += 1) out.push(make(port));
  return out;
}

type RawLongPort = z.output<typeof rawLongPort>;

function normalizeLong(raw: RawLongPort, ctx: Ctx, path: readonly PathKey[]): NormalizedPort | undefined {
  if (raw.target === undefined) {
    invalid(ctx, 'a port mapping needs a `target` (the container port)', 'add `target: 80`', path);
    return undefined;
  }
  const targetText = String(raw.target).trim();
  const target = parseRange(targetText, 1);
  if (target === undefined || target[0] !== target[1]) {
    invalid(ctx, `invalid container port ${show(raw.target)}`, 'write a port number from 1 to 65535', [
      ...path,
      'target',
    ]);
    return undefined;
  }
  const out: NormalizedPort = {
    target: target[0],
    protocol: toProtocol(raw.protocol ?? 'tcp', ctx, [...path, 'protocol']),
  };
  const publishedText = raw.published === undefined ? '' : String(raw.published).trim();
  if (publishedText !== '') {
    const published = parseRange(publishedText, 0);
    if (published === undefined)
      invalid(
        ctx,
        `invalid published port ${show(raw.published)}`,
        'write a port like 8080 or a range like 8000-8010',
        [...path, 'published'],
      );
    else out.published = rangeText(published);
  }
  if (raw.host_ip !== undefined && raw.host_ip !== '') {
    if (!isIpAddress(raw.host_ip))
      invalid(ctx, `${show(raw.host_ip)} is not an IP address`, 'write an address like 127.0.0.1 or ::1', [
        ...path,
        'host_ip',
      ]);
    out.host_ip = raw.host_ip;
  }
  if (raw.mode !== undefined) {
    const mode = PORT_MODES.find((m) => m === raw.mode);
    if (mode === undefined)
      invalid(ctx, `invalid port mode ${show(raw.mode)}`, `use one of: ${PORT_MODES.join(', ')}`, [
        ...path,
        'mode',
      ]);
    else out.mode = mode;
  }
  if (raw.name !== undefined) out.name = raw.name;
  if (raw.app_protocol !== undefined) out.app_protocol = raw.app_protocol;
  return out;
}

function normalizePort(raw: z.output<typeof rawPort>, ctx: Ctx, index: number): NormalizedPort[] {
  const path = [index];
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1 || raw > 65535) {
      invalid(ctx, `invalid port ${raw}`, 'write a port number from 1 to 65535', path);
      return [];
    }
    return [{ target: raw, protocol: 'tcp' }];
  }
  if (typeof raw === 'string') return parseShortPort(raw, ctx, path) ?? [];
  const long = normalizeLong(raw, ctx, path);
  return long === undefined ? [] : [long];
}

/** `ports` → one NormalizedPort per container port (ranges expanded). */
export const ports = uniqueArray(rawPort)
  .superRefine((items, ctx) => {
    eachSoundItem(items, ctx, (item, index) => normalizePort(item, ctx, index));
  }, LIST_INSTEAD_OF_TRANSFORM)
  .transform((items, ctx): NormalizedPort[] =>
    items.flatMap((item, index) => normalizePort(item, ctx, index)),
  );
