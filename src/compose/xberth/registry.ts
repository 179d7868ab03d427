import type { z } from 'zod';
import { didYouMean, SpecCode } from '../diagnostics.js';
import type { Path } from '../load/yaml.js';
import { type Finding, zodFindings } from '../schema/zod-findings.js';

/**
 * `x-berth` is Berth's extension field in compose files (`docker compose` ignores `x-*` keys).
 * Each capability registers the schema of its own part, at the stack level (top-level `x-berth`)
 * and/or the service level (`services.<name>.x-berth`).
 */
export type XBerthLevel = 'stack' | 'service';

export interface XBerthSection {
  /** The key under `x-berth`, e.g. `deploy`. */
  readonly key: string;
  /** Schema at the stack level (top-level `x-berth`); absent when the section is not allowed there. */
  readonly stack?: z.ZodType;
  /** Schema at the service level (`services.<name>.x-berth`); absent when not allowed there. */
  readonly service?: z.ZodType;
  /** One line for documentation and hints. */
  readonly summary: string;
}

const levelsOf = (s: XBerthSection): XBerthLevel[] =>
  [s.stack ? ('stack' as const) : undefined, s.service ? ('service' as const) : undefined].filter(
    (l): l is XBerthLevel => l !== undefined,
  );

export interface XBerthRegistry {
  readonly sections: ReadonlyMap<string, XBerthSection>;
}

export const XBERTH_KEY = 'x-berth';

export function createXBerthRegistry(sections: readonly XBerthSection[]): XBerthRegistry {
  const map = new Map<string, XBerthSection>();
  for (const section of sections) {
    if (map.has(section.key)) throw new Error(`x-berth section \`${section.key}\` registered twice`);
    map.set(section.key, section);
  }
  return { sections: map };
}

/** Parsed sections, keyed by section name; only sections that were written appear. */
export type XBerthValues = Readonly<Record<string, unknown>>;

const CODES = {
  unknownKey: SpecCode.XBerthUnknownKey,
  invalid: SpecCode.XBerthInvalid,
  missing: SpecCode.XBerthInvalid,
};

/**
 * Validates one `x-berth` mapping at `basePath` (e.g. ['x-berth'] or ['services','web','x-berth']).
 * Returns the parsed sections and findings located by path.
 */
export function validateXBerth(
  registry: XBerthRegistry,
  level: XBerthLevel,
  value: unknown,
  basePath: Path,
): { values: XBerthValues; findings: Finding[] } {
  if (value === undefined || value === null) return { values: {}, findings: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      values: {},
      findings: [
        {
          code: SpecCode.XBerthInvalid,
          path: basePath,
          at: 'value',
          message: `${basePath.join('.')} must be a mapping of Berth settings`,
          hint: `write sections such as ${[...registry.sections.keys()].map((k) => `\`${k}:\``).join(', ')}`,
        },
      ],
    };
  }
  const values: Record<string, unknown> = {};
  const findings: Finding[] = [];
  const here = [...registry.sections.values()].filter((s) => s[level] !== undefined).map((s) => s.key);
  for (const [key, sectionValue] of Object.entries(value)) {
    const section = registry.sections.get(key);
    const schema = section?.[level];
    const path = [...basePath, key];
    if (!section || !schema) {
      const elsewhere = section ? ` (it belongs at the ${levelsOf(section).join('/')} level)` : '';
      findings.push({
        code: SpecCode.XBerthUnknownKey,
        path,
        at: 'key',
        message: `unknown x-berth section \`${key}\` for a ${level}${elsewhere}`,
        hint: didYouMean(key, here) || `sections allowed here: ${here.join(', ') || 'none'}`,
      });
      continue;
    }
    const parsed = schema.safeParse(sectionValue);
    if (parsed.success) values[key] = parsed.data;
    else findings.push(...zodFindings(parsed.error, sectionValue, CODES, path, schema));
  }
  return { values, findings };
}
