import {
  type Diagnostic,
  type Position,
  SpecCode,
  specError,
  specWarning,
  WHOLE_FILE,
} from '../diagnostics.js';
import { schemaFindings } from '../schema/issues.js';
import { checkComposeFile } from '../schema/model.js';
import { notAppliedKeys } from '../schema/not-applied.js';
import { interpolationHint } from './env.js';
import { interpolateTree, type Lookup } from './interpolate.js';
import { DEFAULT_SOURCE_LIMITS, readSource, type SourceLimits } from './source.js';
import { type ParsedYaml, parseYaml } from './yaml.js';

/** One compose file, read, interpolated and checked against the compose schema on its own. */
export interface LoadedFile {
  readonly file: string;
  readonly doc: ParsedYaml;
  /** The document after interpolation, still in the shape it was written (short/long syntax). */
  readonly raw: Record<string, unknown>;
}

export interface LoadFileResult {
  readonly loaded?: LoadedFile;
  readonly diagnostics: Diagnostic[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const INTERPOLATION_CODES = {
  required: { code: SpecCode.InterpolationRequired, make: specError },
  syntax: { code: SpecCode.InterpolationSyntax, make: specError },
  unset: { code: SpecCode.InterpolationUnset, make: specWarning },
} as const;

function interpolationDiagnostics(doc: ParsedYaml, lookup: Lookup, value: unknown) {
  const { value: interpolated, issues } = interpolateTree(value, lookup);
  // A value written once under an anchor and merged into several services is one problem at one
  // place: report it once, naming every place it is used.
  const byPlace = new Map<string, { issue: (typeof issues)[number]; pos: Position; uses: string[] }>();
  for (const issue of issues) {
    const pos = doc.locate(issue.path, 'value');
    const key = `${issue.kind}:${issue.variable}:${pos.line}:${pos.column}`;
    const seen = byPlace.get(key);
    if (seen) seen.uses.push(issue.path.join('.'));
    else byPlace.set(key, { issue, pos, uses: [issue.path.join('.')] });
  }
  const diagnostics = [...byPlace.values()].map(({ issue, pos, uses }) => {
    const { code, make } = INTERPOLATION_CODES[issue.kind];
    const message = `${issue.message} (in ${uses.join(', ')})`;
    return make(code, doc.file, pos, message, interpolationHint(issue.kind, issue.variable));
  });
  return { interpolated, diagnostics };
}

function notAppliedWarnings(doc: ParsedYaml, raw: Record<string, unknown>): Diagnostic[] {
  const services = raw.services;
  if (!isMapping(services)) return [];
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (!isMapping(service)) continue;
    for (const key of notAppliedKeys(service)) {
      const path = key.split('.');
      out.push(
        specWarning(
          SpecCode.NotApplied,
          doc.file,
          doc.locate(['services', name, ...path], 'key'),
          `services.${name}.${key} is valid compose but not applied by Berth`,
          'Berth keeps it in the model; deploy with `docker compose` if you rely on it',
        ),
      );
    }
  }
  return out;
}

/** Reads one compose file: size/encoding guards, YAML with positions, interpolation, schema. */
export async function loadComposeFile(
  file: string,
  lookup: Lookup,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): Promise<LoadFileResult> {
  const source = await readSource(file, limits);
  if (!source.ok) return { diagnostics: [source.diagnostic] };
  const parsed = parseYaml(file, source.text);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const { doc } = parsed;
  const diagnostics = [...parsed.diagnostics];
  if (doc.value === null || doc.value === undefined) {
    diagnostics.push(
      specError(
        SpecCode.NoServices,
        file,
        WHOLE_FILE,
        'the compose file is empty',
        'define at least `services:` with one service',
      ),
    );
    return { diagnostics };
  }
  if (!isMapping(doc.value)) {
    diagnostics.push(
      specError(
        SpecCode.NotAMapping,
        file,
        doc.locate([]),
        'a compose file must be a mapping (`services:`, `volumes:`, ...) at the top level',
        'start the file with `services:`',
      ),
    );
    return { diagnostics };
  }
  const { interpolated, diagnostics: interp } = interpolationDiagnostics(doc, lookup, doc.value);
  diagnostics.push(...interp);
  const raw = interpolated as Record<string, unknown>;
  const checked = checkComposeFile(raw);
  if (!checked.success) {
    for (const f of schemaFindings(checked.error, raw)) {
      diagnostics.push(specError(f.code, file, doc.locate(f.path, f.at), f.message, f.hint));
    }
  }
  if ('version' in raw) {
    diagnostics.push(
      specWarning(
        SpecCode.Deprecated,
        file,
        doc.locate(['version'], 'key'),
        '`version` is obsolete: the compose specification ignores it',
        'remove the `version:` line',
      ),
    );
  }
  diagnostics.push(...notAppliedWarnings(doc, raw));
  return { loaded: { file, doc, raw }, diagnostics };
}
