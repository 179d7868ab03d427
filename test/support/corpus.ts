import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';

/**
 * The compose corpus and upstream schema are test data beside the checkout (`../shared/corpus`),
 * or wherever BERTH_CORPUS points. The product never reads them.
 */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function corpusRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(env.BERTH_CORPUS ?? resolve(REPO_ROOT, '../shared/corpus'));
}

export const composeDir = (root = corpusRoot()) => join(root, 'compose');
export const schemaFile = (root = corpusRoot()) => join(root, 'schema/compose-spec.json');

/** Why the corpus cannot be used, or undefined when it can: tests must fail on this, never skip. */
export function corpusMissing(root = corpusRoot()): string | undefined {
  if (!existsSync(composeDir(root)))
    return `compose corpus not found: looked for ${composeDir(root)} (set BERTH_CORPUS)`;
  if (!existsSync(schemaFile(root))) return `compose-spec schema not found: looked for ${schemaFile(root)}`;
  return undefined;
}

/** Every `*.yml` / `*.yaml` below a folder, sorted. */
export function composeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...composeFiles(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

// ajv is CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the class.
const Ajv2020 = Ajv2020Module.default;

/** The upstream compose-spec JSON schema as a predicate (ajv, test-time only). */
export function upstreamValidator(root = corpusRoot()): (doc: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile(root), 'utf8')));
  return (doc) => validate(doc) === true;
}
