import type { ContainerSpec } from '../engine/model.js';
import { oneOffLabels } from '../engine/model.js';

/**
 * The container a `run: oneoff` job runs in: the service's image, environment, volumes, networks and
 * limits, with what must not be shared taken away — published ports (they would clash), the
 * service's network aliases and fixed addresses (traffic for the service must not reach it), its
 * healthcheck and restart policy, its labels (a proxy must not route to it). Pure.
 */
export function oneOffSpec(
  service: ContainerSpec,
  input: { stack: string; service: string; job: string; runId: number; argv: readonly string[] },
): ContainerSpec {
  const { healthcheck: _health, restartPolicy: _restart, hostname: _hostname, ...rest } = service;
  return {
    ...rest,
    name: `${input.stack}-${input.service}-job-${input.job}-${input.runId}`,
    command: [...input.argv],
    ports: [],
    expose: [],
    labels: oneOffLabels({ stack: input.stack, service: input.service, task: `job:${input.job}` }),
    networks: service.networks.map((n) => ({ name: n.name, aliases: [] })),
    restartPolicy: { name: 'no' },
  };
}
