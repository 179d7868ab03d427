import type { Locate } from '../checks.js';
import { type Diagnostic, specError } from '../diagnostics.js';
import type { LoadedFile } from '../load/load-file.js';
import type { Path } from '../load/yaml.js';
import type { Finding } from '../schema/zod-findings.js';
import { validateXBerth, XBERTH_KEY, type XBerthRegistry, type XBerthValues } from './registry.js';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The x-berth values of a stack: its own, and each active service's. */
export interface StackXBerth {
  readonly stack: XBerthValues;
  readonly services: Readonly<Record<string, XBerthValues>>;
}

const located = (findings: readonly Finding[], locate: Locate): Diagnostic[] =>
  findings.map((f) => {
    const { file, pos } = locate(f.path, f.at);
    return specError(f.code, file, pos, f.message, f.hint);
  });

/** Validates the x-berth blocks of a merged document; values only for the active services. */
export function xberthOf(
  raw: Mapping,
  active: ReadonlySet<string>,
  registry: XBerthRegistry,
  locate: Locate,
): { values: StackXBerth; diagnostics: Diagnostic[] } {
  const stack = validateXBerth(registry, 'stack', raw[XBERTH_KEY], [XBERTH_KEY]);
  const diagnostics = located(stack.findings, locate);
  const services: Record<string, XBerthValues> = {};
  const rawServices = isMapping(raw.services) ? raw.services : {};
  for (const [name, service] of Object.entries(rawServices)) {
    const value = isMapping(service) ? service[XBERTH_KEY] : undefined;
    const parsed = validateXBerth(registry, 'service', value, ['services', name, XBERTH_KEY]);
    diagnostics.push(...located(parsed.findings, locate));
    if (active.has(name)) services[name] = parsed.values;
  }
  return { values: { stack: stack.values, services }, diagnostics };
}

/** The x-berth blocks one compose file writes: the file's own, and those of its services. */
function blocksOf(raw: Mapping): { path: Path; level: 'stack' | 'service'; value: unknown }[] {
  const blocks: { path: Path; level: 'stack' | 'service'; value: unknown }[] = [];
  if (XBERTH_KEY in raw) blocks.push({ path: [XBERTH_KEY], level: 'stack', value: raw[XBERTH_KEY] });
  const services = isMapping(raw.services) ? raw.services : {};
  for (const [name, service] of Object.entries(services)) {
    // A service that extends another gets its x-berth merged with that one's: only the merge says.
    if (!isMapping(service) || !(XBERTH_KEY in service) || 'extends' in service) continue;
    blocks.push({ path: ['services', name, XBERTH_KEY], level: 'service', value: service[XBERTH_KEY] });
  }
  return blocks;
}

/**
 * The x-berth findings of a stack whose files were not merged (a file has errors of its own), so
 * that they are reported with those errors rather than after they are fixed. A block is checked as
 * its file writes it when no other of the stack's compose files writes it too: one that several
 * files write is only known once they merge, and is left for then. Included and extended files are
 * left out the same way (what they give a service shows once merged).
 */
export function xberthOfFiles(
  sources: readonly LoadedFile[],
  files: readonly string[],
  registry: XBerthRegistry,
): Diagnostic[] {
  const own = sources.filter((s) => files.includes(s.file));
  const diagnostics: Diagnostic[] = [];
  for (const source of own) {
    for (const block of blocksOf(source.raw)) {
      if (own.some((other) => other !== source && other.doc.has(block.path))) continue;
      const parsed = validateXBerth(registry, block.level, block.value, block.path);
      diagnostics.push(
        ...located(parsed.findings, (path, at) => ({ file: source.file, pos: source.doc.locate(path, at) })),
      );
    }
  }
  return diagnostics;
}
