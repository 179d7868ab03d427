import { z } from 'zod';
import { closed, invalid, listOfStrings, oneOf, show } from './common.js';
import { labelMap, rawListOrDict } from './maps.js';
import {
  bytesString,
  duration,
  integer,
  intish,
  numish,
  rawIntOrString,
  rawNumberOrString,
} from './scalars.js';

/*
 * `deploy`, normalized where Berth applies it: replicas, resources (cpus as a number, memory in
 * bytes), restart_policy (durations in ms). The Swarm-only parts (placement, update/rollback
 * config, endpoint_mode) are validated and kept; `not-applied.ts` reports them.
 */

/** Conditions `docker compose` maps onto the engine's restart policy (it also accepts the engine's names). */
export const RESTART_CONDITIONS = ['none', 'on-failure', 'any', 'no', 'always', 'unless-stopped'] as const;

/** `deploy.resources.reservations.devices` and `gpus` entries; kept as written. */
export const deviceRequest = closed({
  capabilities: listOfStrings,
  count: z.union([z.string(), integer]).optional(),
  device_ids: listOfStrings.optional(),
  driver: z.string().optional(),
  options: rawListOrDict.optional(),
});

const genericResource = closed({
  discrete_resource_spec: closed({
    kind: z.string().optional(),
    value: rawNumberOrString.optional(),
  }).optional(),
});

const updateConfig = closed({
  parallelism: intish({ min: 0 }).optional(),
  delay: duration.optional(),
  failure_action: z.string().optional(),
  monitor: duration.optional(),
  max_failure_ratio: numish({ min: 0 }).optional(),
  order: oneOf(['start-first', 'stop-first']).optional(),
});

const restartPolicy = closed({
  condition: z
    .string()
    .transform((value, ctx) => {
      const found = RESTART_CONDITIONS.find((c) => c === value);
      return (
        found ??
        invalid(
          ctx,
          `invalid restart condition ${show(value)}`,
          `use one of: ${RESTART_CONDITIONS.join(', ')}`,
        )
      );
    })
    .optional(),
  delay: duration.optional(),
  max_attempts: intish({ min: 0 }).optional(),
  window: duration.optional(),
});

const placement = closed({
  constraints: z.array(z.string()).optional(),
  preferences: z.array(closed({ spread: z.string().optional() })).optional(),
  max_replicas_per_node: rawIntOrString.optional(),
});

export const deploy = z
  .union([
    closed({
      mode: z.string().optional(),
      endpoint_mode: z.string().optional(),
      replicas: intish({ min: 0 }).optional(),
      labels: labelMap.optional(),
      rollback_config: updateConfig.optional(),
      update_config: updateConfig.optional(),
      resources: closed({
        limits: closed({
          cpus: numish({ min: 0 }).optional(),
          memory: bytesString.optional(),
          pids: intish().optional(),
        }).optional(),
        reservations: closed({
          cpus: numish({ min: 0 }).optional(),
          memory: bytesString.optional(),
          generic_resources: z.array(genericResource).optional(),
          devices: z.array(deviceRequest).optional(),
        }).optional(),
      }).optional(),
      restart_policy: restartPolicy.optional(),
      placement: placement.optional(),
    }),
    z.null(),
  ])
  // `deploy:` left empty is allowed upstream and means "no deploy settings".
  .transform((value) => value ?? {});
