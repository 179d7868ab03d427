import { z } from 'zod';
import { durationSchema } from '../compose/xberth/values.js';
import { DB_ENGINES, DNS_RECORDS, type ProbeCheck, type ProbeType } from './probe-types.js';

/** The fields of each type of probe in `x-berth.probes`, each checked on its own. */

const port = z.number().int().min(1).max(65535);
const common = {
  interval: durationSchema.optional(),
  timeout: durationSchema.optional(),
  failure_threshold: z.number().int().min(1).max(100).optional(),
  success_threshold: z.number().int().min(1).max(100).optional(),
  conditions: z.array(z.string().min(1)).max(20).optional(),
};

export const HttpSchema = z.strictObject({
  type: z.literal('http'),
  ...common,
  url: z.url({ protocol: /^https?$/ }).optional(),
  port: port.optional(),
  path: z.string().startsWith('/', 'a path starts with /').optional(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  headers: z.record(z.string().min(1), z.string()).optional(),
  body: z.string().optional(),
  follow_redirects: z.boolean().optional(),
  verify_tls: z.boolean().optional(),
});
export const TcpSchema = z.strictObject({
  type: z.literal('tcp'),
  ...common,
  host: z.string().min(1).optional(),
  port,
});
export const CommandSchema = z.strictObject({
  type: z.literal('command'),
  ...common,
  command: z.array(z.string()).min(1),
});
export const DbSchema = z.strictObject({
  type: z.literal('db'),
  ...common,
  engine: z.enum(DB_ENGINES),
  user: z.string().min(1).optional(),
  database: z.string().min(1).optional(),
});
export const TlsSchema = z.strictObject({
  type: z.literal('tls'),
  ...common,
  host: z.string().min(1),
  port: port.optional(),
  servername: z.string().min(1).optional(),
});
export const DiskSchema = z.strictObject({
  type: z.literal('disk'),
  ...common,
  path: z.string().startsWith('/', 'a host path, starting with /').optional(),
  volume: z.string().min(1).optional(),
});
export const DnsSchema = z.strictObject({
  type: z.literal('dns'),
  ...common,
  name: z.string().min(1),
  record: z.enum(DNS_RECORDS).optional(),
  server: z
    .string()
    .regex(/^[0-9a-fA-F.:[\]]+$/, 'an IP address, optionally with :port')
    .optional(),
});

export type ProbeShape =
  | z.output<typeof HttpSchema>
  | z.output<typeof TcpSchema>
  | z.output<typeof CommandSchema>
  | z.output<typeof DbSchema>
  | z.output<typeof TlsSchema>
  | z.output<typeof DiskSchema>
  | z.output<typeof DnsSchema>;

/** The fields the checks across fields read, any of which may be missing or have failed. */
export type ProbeFields = Partial<
  Omit<z.output<typeof HttpSchema>, 'type'> & Omit<z.output<typeof DiskSchema>, 'type'>
> & {
  readonly type: ProbeType;
};

/** The check of a probe whose fields were all checked. */
export function checkOf(probe: ProbeShape): ProbeCheck {
  switch (probe.type) {
    case 'http':
      return {
        type: 'http',
        target:
          probe.url !== undefined ? { url: probe.url } : { port: probe.port ?? 80, path: probe.path ?? '/' },
        method: probe.method ?? 'GET',
        headers: probe.headers ?? {},
        ...(probe.body !== undefined ? { body: probe.body } : {}),
        followRedirects: probe.follow_redirects ?? true,
        verifyTls: probe.verify_tls ?? true,
      } satisfies ProbeCheck;
    case 'tcp':
      return {
        type: 'tcp',
        ...(probe.host ? { host: probe.host } : {}),
        port: probe.port,
      } satisfies ProbeCheck;
    case 'command':
      return { type: 'command', argv: probe.command } satisfies ProbeCheck;
    case 'db':
      return {
        type: 'db',
        engine: probe.engine,
        ...(probe.user ? { user: probe.user } : {}),
        ...(probe.database ? { database: probe.database } : {}),
      } satisfies ProbeCheck;
    case 'tls':
      return {
        type: 'tls',
        host: probe.host,
        port: probe.port ?? 443,
        ...(probe.servername ? { servername: probe.servername } : {}),
      } satisfies ProbeCheck;
    case 'disk':
      return probe.path !== undefined
        ? ({ type: 'disk', path: probe.path, on: 'host' } satisfies ProbeCheck)
        : ({ type: 'disk', path: probe.volume ?? '', on: 'volume' } satisfies ProbeCheck);
    case 'dns':
      return {
        type: 'dns',
        name: probe.name,
        record: probe.record ?? 'A',
        ...(probe.server ? { server: probe.server } : {}),
      } satisfies ProbeCheck;
  }
}
