import type { Condition, Measured } from './expressions.js';

/**
 * A probe as the monitor runs it: `x-berth.probes` after validation, defaults applied. The checks
 * (`ProbeCheck`) are what a runner does; where a check reaches (a service's port) is resolved by the
 * monitor before the runner is called, so runners take concrete addresses.
 */

export const PROBE_TYPES = ['http', 'tcp', 'command', 'db', 'tls', 'disk', 'dns'] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];

export const DB_ENGINES = ['mariadb', 'postgres', 'redis'] as const;
export type DbEngine = (typeof DB_ENGINES)[number];

export const DNS_RECORDS = ['A', 'AAAA', 'CNAME', 'TXT', 'MX'] as const;
export type DnsRecord = (typeof DNS_RECORDS)[number];

export type ProbeCheck =
  | {
      readonly type: 'http';
      /** An absolute URL, or a path on one of the service's ports (resolved by the monitor). */
      readonly target: { readonly url: string } | { readonly port: number; readonly path: string };
      readonly method: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly body?: string;
      readonly followRedirects: boolean;
      readonly verifyTls: boolean;
    }
  | {
      readonly type: 'tcp';
      /** A host and port, or one of the service's ports (no host). */
      readonly host?: string;
      readonly port: number;
    }
  | { readonly type: 'command'; readonly argv: readonly string[] }
  | {
      readonly type: 'db';
      readonly engine: DbEngine;
      /** Defaults come from the container's environment, as backups read them. */
      readonly user?: string;
      readonly database?: string;
    }
  | {
      readonly type: 'tls';
      readonly host: string;
      readonly port: number;
      /** SNI name; default: the host. */
      readonly servername?: string;
    }
  | { readonly type: 'disk'; readonly path: string; readonly on: 'host' | 'volume' }
  | {
      readonly type: 'dns';
      readonly name: string;
      readonly record: DnsRecord;
      /** `ip` or `ip:port` of the server to ask; default: the system's resolvers. */
      readonly server?: string;
    };

export interface ProbeDefinition {
  readonly check: ProbeCheck;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** All must hold; none: the check’s own success (status 200–399, connected, exit 0, ping answered…). */
  readonly conditions: readonly Condition[];
}

/** What one run of a check measured, and whether the check itself worked. */
export interface CheckOutcome {
  /** The check could run and its default success holds (status 200–399, connected, exit 0, answered…). */
  readonly ok: boolean;
  readonly measured: Measured;
  /** Why it failed, in Berth's words: `connection refused on 127.0.0.1:8080`, `exit 1`. */
  readonly error?: string;
  /**
   * What the checked program printed (a command probe's output): like logs, for the stack's
   * operators only, so it never goes into `error`.
   */
  readonly output?: string;
  readonly latencyMs: number;
}
