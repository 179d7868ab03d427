import { z } from 'zod';
import { closed, extensible, invalid, missing, namedMap, show, stringOrList } from './common.js';
import { networkDef } from './network.js';
import { integer } from './scalars.js';
import { configDef, secretDef } from './secret-config.js';
import { serviceSchema } from './service.js';
import { volumeDef } from './volume.js';

/** `include` → list of `{path: [...], env_file: [...], project_directory?}`. */
export const include = z
  .array(
    z.union([
      z.string(),
      closed(
        {
          path: stringOrList.optional(),
          env_file: stringOrList.optional(),
          project_directory: z.string().optional(),
        },
        { extensions: false },
      ),
    ]),
  )
  .transform((items, ctx) =>
    items.map((item, index) => {
      if (typeof item === 'string') return { path: [item], env_file: [] };
      const { path, env_file, project_directory } = item;
      if (path === undefined)
        missing(ctx, 'path', 'add `path:` with the compose file(s) to include', [index]);
      return {
        path: path ?? [],
        env_file: env_file ?? [],
        ...(project_directory === undefined ? {} : { project_directory }),
      };
    }),
  );

export const modelDef = closed({
  name: z.string().optional(),
  model: z.string(),
  context_size: integer.optional(),
  runtime_flags: z.array(z.string()).optional(),
});

/** What `docker compose` accepts as a project name. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

const projectName = z.string().superRefine((name, ctx) => {
  if (!PROJECT_NAME.test(name))
    invalid(
      ctx,
      `invalid project name ${show(name)}`,
      'use lowercase letters, digits, `-` and `_`, starting with a letter or digit',
    );
});

/*
 * Upstream restricts the names of services, volumes, secrets and configs (`additionalProperties:
 * false`) but only pattern-matches network and model names, leaving others unchecked; Berth checks
 * every network and model entry whatever its name.
 */
export const composeFileSchema = extensible({
  version: z.string().optional(),
  name: projectName.optional(),
  include: include.optional(),
  services: namedMap(serviceSchema, 'service').optional(),
  models: z.record(z.string(), modelDef).optional(),
  networks: z.record(z.string(), networkDef).optional(),
  volumes: namedMap(volumeDef, 'volume').optional(),
  secrets: namedMap(secretDef, 'secret').optional(),
  configs: namedMap(configDef, 'config').optional(),
});
