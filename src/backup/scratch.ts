import type { ContainerSpec, MountSpec } from '../engine/model.js';
import { BerthLabel, MANAGED_VALUE, oneOffLabels } from '../engine/model.js';

/** Labels of a drill's network and volumes: Berth's ownership, its role and task; none of compose's. */
export function scratchLabels(stack: string, task: string): Record<string, string> {
  return {
    [BerthLabel.Managed]: MANAGED_VALUE,
    [BerthLabel.Stack]: stack,
    [BerthLabel.Role]: 'oneoff',
    [BerthLabel.Task]: task,
  };
}

/**
 * The scratch container of a drill, from the service's spec (pure): its own name and labels, only
 * the drill's network (internal, no aliases), no published ports, no restart, and every volume and
 * writable bind replaced by a throwaway volume (read-only binds, such as configuration files, stay).
 */
export function scratchSpec(
  service: ContainerSpec,
  input: { stack: string; service: string; id: string; network: string; image?: string },
): { spec: ContainerSpec; volumes: string[] } {
  const volumes: string[] = [];
  const mounts: MountSpec[] = service.mounts.map((m) => {
    if (m.type === 'tmpfs' || (m.type === 'bind' && m.readOnly)) return m;
    const name = `berth-drill-${input.id}-${volumes.length}`;
    volumes.push(name);
    return { type: 'volume', source: name, target: m.target, readOnly: false };
  });
  const { volumesFrom: _shared, hostname: _hostname, ...rest } = service;
  return {
    volumes,
    spec: {
      ...rest,
      ...(input.image ? { image: input.image } : {}),
      name: `${input.stack}-${input.service}-drill-${input.id}`,
      labels: oneOffLabels({ stack: input.stack, service: input.service, task: `drill:${input.id}` }),
      ports: [],
      expose: [],
      mounts,
      networkMode: input.network,
      networks: [{ name: input.network, aliases: [] }],
      restartPolicy: { name: 'no' },
    },
  };
}
