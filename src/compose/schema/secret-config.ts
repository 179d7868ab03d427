import { z } from 'zod';
import { driverOpts, labelMap } from './maps.js';
import { externalResource, openExternal, resolveExternal } from './resources.js';

/*
 * Top-level secrets and configs. Unlike networks and volumes, upstream does not allow an empty
 * entry here (a secret needs a source), so null is rejected.
 */

export const secretDef = externalResource({
  name: z.string().optional(),
  environment: z.string().optional(),
  file: z.string().optional(),
  external: openExternal.optional(),
  labels: labelMap.optional(),
  driver: z.string().optional(),
  driver_opts: driverOpts.optional(),
  template_driver: z.string().optional(),
}).transform(resolveExternal);

export const configDef = externalResource({
  name: z.string().optional(),
  content: z.string().optional(),
  environment: z.string().optional(),
  file: z.string().optional(),
  external: openExternal.optional(),
  labels: labelMap.optional(),
  template_driver: z.string().optional(),
}).transform(resolveExternal);
