import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaFindings } from './issues.js';
import { ComposeFileSchema } from './model.js';

/*
 * Every key the upstream compose-spec JSON schema lists on an object must be known to Berth's
 * schema, and nothing else: the schema file is test data beside the checkout (never read by the
 * product), so this test fails, never skips, when it is missing.
 */

const SCHEMA_FILE = resolve(
  fileURLToPath(new URL('../../..', import.meta.url)),
  '../shared/corpus/schema/compose-spec.json',
);

const svc = ['$defs', 'service', 'properties'];
const deploy = ['$defs', 'deployment', 'properties'];
const named = '^[a-zA-Z0-9._-]+$';

/** [name, upstream object (JSON pointer), where it sits in a compose file] */
const OBJECTS: [string, (string | number)[], (string | number)[]][] = [
  ['top level', [], []],
  ['service', ['$defs', 'service'], ['services', 's']],
  ['healthcheck', ['$defs', 'healthcheck'], ['services', 's', 'healthcheck']],
  ['deploy', ['$defs', 'deployment'], ['services', 's', 'deploy']],
  ['deploy.resources', [...deploy, 'resources'], ['services', 's', 'deploy', 'resources']],
  [
    'deploy limits',
    [...deploy, 'resources', 'properties', 'limits'],
    ['services', 's', 'deploy', 'resources', 'limits'],
  ],
  [
    'deploy reservations',
    [...deploy, 'resources', 'properties', 'reservations'],
    ['services', 's', 'deploy', 'resources', 'reservations'],
  ],
  ['deploy.restart_policy', [...deploy, 'restart_policy'], ['services', 's', 'deploy', 'restart_policy']],
  ['deploy.update_config', [...deploy, 'update_config'], ['services', 's', 'deploy', 'update_config']],
  ['deploy.placement', [...deploy, 'placement'], ['services', 's', 'deploy', 'placement']],
  ['develop', ['$defs', 'development'], ['services', 's', 'develop']],
  [
    'develop.watch',
    ['$defs', 'development', 'properties', 'watch', 'items'],
    ['services', 's', 'develop', 'watch', 0],
  ],
  ['build', [...svc, 'build', 'oneOf', 1], ['services', 's', 'build']],
  ['blkio_config', [...svc, 'blkio_config'], ['services', 's', 'blkio_config']],
  ['credential_spec', [...svc, 'credential_spec'], ['services', 's', 'credential_spec']],
  ['logging', [...svc, 'logging'], ['services', 's', 'logging']],
  ['provider', [...svc, 'provider'], ['services', 's', 'provider']],
  ['ports item', [...svc, 'ports', 'items', 'oneOf', 2], ['services', 's', 'ports', 0]],
  ['volumes item', [...svc, 'volumes', 'items', 'oneOf', 1], ['services', 's', 'volumes', 0]],
  [
    'volumes bind',
    [...svc, 'volumes', 'items', 'oneOf', 1, 'properties', 'bind'],
    ['services', 's', 'volumes', 0, 'bind'],
  ],
  [
    'depends_on entry',
    [...svc, 'depends_on', 'oneOf', 1, 'patternProperties', named],
    ['services', 's', 'depends_on', 'd'],
  ],
  [
    'networks entry',
    [...svc, 'networks', 'oneOf', 1, 'patternProperties', named, 'oneOf', 0],
    ['services', 's', 'networks', 'n'],
  ],
  ['post_start hook', ['$defs', 'service_hook'], ['services', 's', 'post_start', 0]],
  ['pre_start hook', ['$defs', 'pre_start_hook'], ['services', 's', 'pre_start', 0]],
  [
    'secrets item',
    ['$defs', 'service_config_or_secret', 'items', 'oneOf', 1],
    ['services', 's', 'secrets', 0],
  ],
  ['env_file item', ['$defs', 'env_file', 'oneOf', 1, 'items', 'oneOf', 1], ['services', 's', 'env_file', 0]],
  ['include item', ['$defs', 'include', 'oneOf', 1], ['include', 0]],
  ['network', ['$defs', 'network'], ['networks', 'n']],
  ['network ipam', ['$defs', 'network', 'properties', 'ipam'], ['networks', 'n', 'ipam']],
  ['volume', ['$defs', 'volume'], ['volumes', 'v']],
  ['secret', ['$defs', 'secret'], ['secrets', 'x']],
  ['config', ['$defs', 'config'], ['configs', 'c']],
  ['model', ['$defs', 'model'], ['models', 'm']],
];

function docWith(path: readonly (string | number)[], value: unknown): unknown {
  return path.reduceRight<unknown>(
    (inner, key) => (typeof key === 'number' ? [inner] : { [key]: inner }),
    value,
  );
}

describe('every key the upstream schema allows is known', () => {
  it('finds the upstream schema', () => {
    expect(existsSync(SCHEMA_FILE), `compose-spec schema not found: looked for ${SCHEMA_FILE}`).toBe(true);
  });
  if (!existsSync(SCHEMA_FILE)) return;
  const schema: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));

  function propertiesAt(pointer: readonly (string | number)[]): string[] {
    let node: unknown = schema;
    for (const key of [...pointer, 'properties'])
      node = (node as Record<string | number, unknown> | undefined)?.[key];
    return Object.keys(node ?? {});
  }

  it.each(OBJECTS)('%s', (_name, pointer, path) => {
    const keys = propertiesAt(pointer);
    expect(keys.length).toBeGreaterThan(0);
    // Every upstream key with a value of the wrong type, plus one key that does not exist.
    const value = Object.fromEntries([...keys, 'not_a_compose_key'].map((k) => [k, [[[]]]]));
    const result = ComposeFileSchema.safeParse(docWith(path, value));
    const unknown = result.success
      ? []
      : schemaFindings(result.error)
          .filter((f) => f.code === 'SPEC_UNKNOWN_KEY')
          .map((f) => f.path.slice(path.length).join('.'));
    expect(unknown).toEqual(['not_a_compose_key']);
  });
});
