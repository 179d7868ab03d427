import type { ContainerSpec } from './types.js';

/** The fields of a ContainerSpec with nothing asked for: the engine's and the image's defaults apply. */
export const SPEC_DEFAULTS = {
  env: {},
  labels: {},
  ports: [],
  mounts: [],
  tmpfs: {},
  capAdd: [],
  capDrop: [],
  readOnly: false,
  privileged: false,
  securityOpt: [],
  ulimits: [],
  extraHosts: [],
  dns: [],
  dnsSearch: [],
  sysctls: {},
} as const satisfies Omit<ContainerSpec, 'name' | 'image' | 'networks'>;
