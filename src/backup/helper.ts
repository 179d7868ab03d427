import type { ContainerSpec, MountSpec } from '../engine/model.js';
import { oneOffLabels } from '../engine/model.js';

/** Where a helper container mounts the volumes it reads or fills: `/berth-backup/<volume>`. */
export const HELPER_ROOT = '/berth-backup';

/**
 * A container that is never started, made only so the engine's archive API can read or fill
 * volumes through it: the image needs no tar and no shell, and nothing in it ever runs. Pure.
 */
export function helperSpec(input: {
  readonly name: string;
  readonly image: string;
  readonly stack: string;
  readonly service: string;
  readonly task: string;
  readonly volumes: readonly string[];
  readonly readOnly: boolean;
}): ContainerSpec {
  const mounts: MountSpec[] = input.volumes.map((volume) => ({
    type: 'volume',
    source: volume,
    target: `${HELPER_ROOT}/${volume}`,
    readOnly: input.readOnly,
    volumeNoCopy: true,
  }));
  return {
    name: input.name,
    image: input.image,
    command: ['true'],
    entrypoint: [],
    env: {},
    labels: oneOffLabels({ stack: input.stack, service: input.service, task: input.task }),
    ports: [],
    mounts,
    tmpfs: {},
    capAdd: [],
    capDrop: ['ALL'],
    // Reading: nothing may change. Filling: the archive's top folder is made in the root filesystem.
    readOnly: input.readOnly,
    privileged: false,
    securityOpt: [],
    ulimits: [],
    extraHosts: [],
    dns: [],
    dnsSearch: [],
    sysctls: {},
    networkMode: 'none',
    networks: [],
    restartPolicy: { name: 'no' },
  };
}
