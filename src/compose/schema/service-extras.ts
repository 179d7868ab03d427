import { z } from 'zod';
import { closed, listOfStrings, oneOf, stringOrList } from './common.js';
import { envMap, rawListOrDict } from './maps.js';
import { boolish, integer, rawIntOrString, rawScalar } from './scalars.js';
import { command } from './service-refs.js';

/*
 * Service keys Berth validates and keeps but does not apply (see not-applied.ts). They are checked
 * as strictly as upstream, and normalized only where it is free (booleans, maps).
 */

/** `post_start`/`pre_stop` hooks. */
export const serviceHook = closed({
  command,
  user: z.string().optional(),
  privileged: boolish.optional(),
  working_dir: z.string().optional(),
  environment: envMap.optional(),
});

/** `pre_start` init containers: like a hook, but `command` is optional and an image may be given. */
export const preStartHook = closed({
  command: command.optional(),
  image: z.string().optional(),
  user: z.string().optional(),
  privileged: boolish.optional(),
  working_dir: z.string().optional(),
  environment: envMap.optional(),
  per_replica: boolish.optional(),
});

export const develop = z.union([
  closed({
    watch: z
      .array(
        closed({
          ignore: stringOrList.optional(),
          include: stringOrList.optional(),
          path: z.string(),
          action: oneOf(['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec']),
          target: z.string().optional(),
          exec: serviceHook.optional(),
          initial_sync: z.boolean().optional(),
        }),
      )
      .optional(),
  }),
  z.null(),
]);

// blkio objects are closed without the usual `x-*` allowance, as upstream.
const blkioLimit = closed(
  { path: z.string().optional(), rate: rawIntOrString.optional() },
  { extensions: false },
);
const blkioWeight = closed(
  { path: z.string().optional(), weight: rawIntOrString.optional() },
  { extensions: false },
);

export const blkioConfig = closed(
  {
    device_read_bps: z.array(blkioLimit).optional(),
    device_read_iops: z.array(blkioLimit).optional(),
    device_write_bps: z.array(blkioLimit).optional(),
    device_write_iops: z.array(blkioLimit).optional(),
    weight: rawIntOrString.optional(),
    weight_device: z.array(blkioWeight).optional(),
  },
  { extensions: false },
);

export const credentialSpec = closed({
  config: z.string().optional(),
  file: z.string().optional(),
  registry: z.string().optional(),
});

export const provider = closed({
  type: z.string(),
  options: z.record(z.string(), z.union([rawScalar, z.array(rawScalar)])).optional(),
});

/** Service `models`: a list of names, or name → `{endpoint_var, model_var}` | null. */
export const serviceModels = z.union([
  listOfStrings,
  z.record(
    z.string(),
    z.union([closed({ endpoint_var: z.string().optional(), model_var: z.string().optional() }), z.null()]),
  ),
]);

/**
 * `gpus`: `all`, or device requests. Upstream puts `additionalProperties: false` beside `items`
 * instead of inside it, so entries are open mappings; Berth mirrors that.
 */
export const gpus = z.union([
  oneOf(['all']),
  z.array(
    z.looseObject({
      capabilities: listOfStrings.optional(),
      count: z.union([z.string(), integer]).optional(),
      device_ids: listOfStrings.optional(),
      driver: z.string().optional(),
      options: rawListOrDict.optional(),
    }),
  ),
]);
