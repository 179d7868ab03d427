import { z } from 'zod';
import { closed, stringOrList } from './common.js';
import { envMap, labelMap } from './maps.js';
import { boolish, bytesIntish } from './scalars.js';
import { ulimits } from './service-misc.js';
import { extraHosts } from './service-net.js';
import { fileRefs } from './service-refs.js';

const strings = z.array(z.string());
const boolOrText = z.union([z.string(), z.boolean()]);

const buildObject = closed({
  context: z.string().optional(),
  dockerfile: z.string().optional(),
  dockerfile_inline: z.string().optional(),
  entitlements: strings.optional(),
  args: envMap.optional(),
  ssh: envMap.optional(),
  labels: labelMap.optional(),
  cache_from: strings.optional(),
  cache_to: strings.optional(),
  no_cache: boolish.optional(),
  no_cache_filter: stringOrList.optional(),
  additional_contexts: envMap.optional(),
  network: z.string().optional(),
  // `provenance`/`sbom` take a boolean or BuildKit attestation options ("mode=max"): kept as written.
  provenance: boolOrText.optional(),
  sbom: boolOrText.optional(),
  pull: boolish.optional(),
  target: z.string().optional(),
  shm_size: bytesIntish.optional(),
  extra_hosts: extraHosts.optional(),
  isolation: z.string().optional(),
  privileged: boolish.optional(),
  secrets: fileRefs.optional(),
  tags: strings.optional(),
  ulimits: ulimits.optional(),
  platforms: strings.optional(),
});

/** `build` → an object with a `context` (`.` when only other keys are given, as compose does). */
export const build = z
  .union([z.string(), buildObject])
  .transform((value) =>
    typeof value === 'string' ? { context: value } : { ...value, context: value.context ?? '.' },
  );
