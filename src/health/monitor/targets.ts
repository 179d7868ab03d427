import type { ContainerInfo, Engine } from '../../engine/model.js';
import type { CheckContext } from '../probes/context.js';

/**
 * Where a probe of a service reaches it: the service's first running container. A port of the
 * service is reached where it is published on this machine (127.0.0.1 for a wildcard or loopback
 * binding), else at the container's address on its first network; commands and database pings run
 * in the container; a volume's usage is read at its mount point.
 */

/** The address of `port` of a container, from its inspection; undefined when it has none. */
export function portAddress(info: ContainerInfo, port: number): { host: string; port: number } | undefined {
  const published = info.ports.find(
    (p) =>
      p.containerPort === port &&
      p.protocol === 'tcp' &&
      p.hostPort !== null &&
      (p.hostIp === null || ['', '0.0.0.0', '::', '127.0.0.1', '::1'].includes(p.hostIp)),
  );
  if (published?.hostPort) {
    return { host: published.hostIp === '::1' ? '::1' : '127.0.0.1', port: published.hostPort };
  }
  const endpoint = Object.values(info.networks).find((e) => e.ipAddress !== '');
  return endpoint ? { host: endpoint.ipAddress, port } : undefined;
}

/** `KEY=value` lines as a record (the first `=` splits). */
export function envRecord(lines: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

export interface TargetPorts {
  readonly engine: Engine;
  readonly now: () => number;
  readonly exec: (engine: Engine, containerId: string) => NonNullable<CheckContext['exec']>;
}

/** The context of one run against `info` (the service's container, inspected at the last sync). */
export function contextFor(
  ports: TargetPorts,
  info: ContainerInfo,
  volumes: (name: string) => string,
  run: { readonly signal: AbortSignal; readonly timeoutMs: number },
): CheckContext {
  return {
    signal: run.signal,
    timeoutMs: run.timeoutMs,
    now: ports.now,
    resolvePort: async (port) => {
      const address = portAddress(info, port);
      if (!address) {
        throw new Error(
          `port ${port} of ${info.name} is neither published nor reachable on a network of the container`,
        );
      }
      return address;
    },
    exec: ports.exec(ports.engine, info.id),
    containerEnv: envRecord(info.env),
    volumePath: async (name) => (await ports.engine.volumes.inspect(volumes(name))).mountpoint,
  };
}
