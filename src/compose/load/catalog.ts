import { z } from 'zod';
import { type Diagnostic, SpecCode, specError } from '../diagnostics.js';
import { PROJECT_NAME_PATTERN } from '../names.js';
import { zodFindings } from '../schema/zod-findings.js';
import { DEFAULT_SOURCE_LIMITS, readSource, type SourceLimits } from './source.js';
import { parseYaml } from './yaml.js';

/** One stack in the workspace catalog (`berth.yaml`). */
export const CatalogStackSchema = z.strictObject({
  /** Folder of the stack, relative to berth.yaml. */
  path: z.string().min(1),
  /** Compose files inside the folder, when not the default compose.yaml (+ override). */
  files: z.array(z.string().min(1)).min(1).optional(),
  /** Namespace or domain group the stack belongs to (e.g. `marketing`, `monitoring`). */
  group: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Deployment environment, e.g. `production` or `staging`. */
  environment: z.string().min(1).optional(),
  /** Compose profiles enabled for this stack. */
  profiles: z.array(z.string().min(1)).optional(),
});

export const CatalogSchema = z.strictObject({
  version: z.literal(1).optional(),
  /** Name of the estate, shown in reports. */
  name: z.string().min(1).optional(),
  stacks: z.record(
    z.string().regex(PROJECT_NAME_PATTERN, 'stack names use lowercase letters, digits, `-` and `_`'),
    CatalogStackSchema,
  ),
});

export type Catalog = z.output<typeof CatalogSchema>;
export type CatalogStack = z.output<typeof CatalogStackSchema>;

export interface LoadedCatalog {
  readonly file: string;
  readonly catalog: Catalog;
  /** Position of each stack's `path` value, for errors about the stack folder. */
  readonly locatePath: (stack: string) => { line: number; column: number };
}

const CODES = {
  unknownKey: SpecCode.UnknownKey,
  invalid: SpecCode.CatalogInvalid,
  missing: SpecCode.MissingKey,
};

export async function loadCatalog(
  file: string,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): Promise<{ catalog?: LoadedCatalog; diagnostics: Diagnostic[] }> {
  const source = await readSource(file, limits);
  if (!source.ok) return { diagnostics: [source.diagnostic] };
  const parsed = parseYaml(file, source.text);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const { doc } = parsed;
  const result = CatalogSchema.safeParse(doc.value ?? {});
  if (!result.success) {
    const diagnostics = zodFindings(result.error, doc.value, CODES, [], CatalogSchema).map((f) =>
      specError(
        f.code,
        file,
        doc.locate(f.path, f.at),
        f.message,
        f.hint || 'see the catalog format in the README',
      ),
    );
    return { diagnostics: [...parsed.diagnostics, ...diagnostics] };
  }
  return {
    catalog: {
      file,
      catalog: result.data,
      locatePath: (stack) => doc.locate(['stacks', stack, 'path']),
    },
    diagnostics: parsed.diagnostics,
  };
}
