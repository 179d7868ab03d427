import { z } from 'zod';
import { driverOpts, labelMap } from './maps.js';
import { closedExternal, externalResource, resolveExternal } from './resources.js';

const volumeObject = externalResource({
  name: z.string().optional(),
  driver: z.string().optional(),
  driver_opts: driverOpts.optional(),
  external: closedExternal.optional(),
  labels: labelMap.optional(),
});

/** A top-level named volume; an empty entry (`data:`) means "a local volume with defaults". */
export const volumeDef = z
  .union([volumeObject, z.null()])
  .transform((value, ctx) => resolveExternal(value ?? { extensions: {} }, ctx));
