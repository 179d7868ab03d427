import { z } from 'zod';
import { closed } from './common.js';
import { driverOpts, labelMap } from './maps.js';
import { closedExternal, externalResource, nonEmptyStringRecord, resolveExternal } from './resources.js';
import { boolish } from './scalars.js';

const ipam = closed({
  driver: z.string().optional(),
  config: z
    .array(
      closed({
        subnet: z.string().optional(),
        ip_range: z.string().optional(),
        gateway: z.string().optional(),
        aux_addresses: nonEmptyStringRecord.optional(),
      }),
    )
    .optional(),
  options: nonEmptyStringRecord.optional(),
});

const networkObject = externalResource({
  name: z.string().optional(),
  driver: z.string().optional(),
  driver_opts: driverOpts.optional(),
  ipam: ipam.optional(),
  external: closedExternal.optional(),
  internal: boolish.optional(),
  enable_ipv4: boolish.optional(),
  enable_ipv6: boolish.optional(),
  attachable: boolish.optional(),
  labels: labelMap.optional(),
});

/** A top-level network; an empty entry (`default:`) means "a network with defaults". */
export const networkDef = z
  .union([networkObject, z.null()])
  .transform((value, ctx) => resolveExternal(value ?? { extensions: {} }, ctx));
