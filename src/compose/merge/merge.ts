import { applyDirectives } from './directives.js';
import { mergeMappings, SERVICE_ROOT } from './rules.js';
import { cloneValue, isMapping, type Path, sameSegment } from './util.js';

/*
 * Compose-file merging (override files, `extends`) on plain YAML-derived objects, following the compose-spec
 * merge rules with compose-go v2 (`override/merge.go`, `override/uncity.go`) as the reference behaviour.
 * The per-attribute rules live in merge-rules.ts; list identities in merge-keys.ts.
 */

export type { Path };

/**
 * Directives from YAML tags in the OVERRIDE document: `!reset` (remove the value inherited from base) and
 * `!override` (replace instead of merge). Paths are key paths in the override document, e.g.
 * ['services','web','ports'] or ['services','web','environment','FOO']. A numeric segment indexes a sequence
 * of the override document; on a unique-entry attribute it addresses the base entry with the same key.
 */
export interface MergeDirectives {
  reset: readonly Path[];
  override: readonly Path[];
}

export const NO_DIRECTIVES: MergeDirectives = Object.freeze({
  reset: Object.freeze([]),
  override: Object.freeze([]),
});

/** When an input is not a mapping, no rule fits: the override wins, as for any mismatched shape. */
function fallback(base: unknown, override: unknown): Record<string, unknown> {
  if (isMapping(override)) return cloneValue(override);
  return isMapping(base) ? cloneValue(base) : {};
}

/**
 * Merge a whole override compose document onto a base document. Both are plain objects as parsed from YAML
 * (after interpolation). Returns a new object; never mutates inputs.
 */
export function mergeCompose(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
  directives: MergeDirectives = NO_DIRECTIVES,
): Record<string, unknown> {
  if (!isMapping(base) || !isMapping(override)) return fallback(base, override);
  const prepared = applyDirectives(base, override, directives.reset, directives.override, []);
  return mergeMappings(prepared.base, prepared.override, []);
}

/**
 * Merge one service definition onto another (used by `extends`: base = the extended service, override = the
 * local one). `pathPrefix` is where the override service sits in its document (e.g. ['services','web']):
 * only directives under it apply. An `!override` on the service itself makes the override the result.
 */
export function mergeService(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
  directives: MergeDirectives = NO_DIRECTIVES,
  pathPrefix: Path = [],
): Record<string, unknown> {
  if (!isMapping(base) || !isMapping(override)) return fallback(base, override);
  const under = (p: Path): boolean =>
    p.length >= pathPrefix.length && pathPrefix.every((s, i) => sameSegment(s, p[i]));
  const relative = (paths: readonly Path[]): Path[] =>
    paths.filter((p) => under(p) && p.length > pathPrefix.length).map((p) => p.slice(pathPrefix.length));
  const wholeService =
    pathPrefix.length > 0 && directives.override.some((p) => p.length === pathPrefix.length && under(p));
  const prepared = applyDirectives(
    base,
    override,
    relative(directives.reset),
    relative(directives.override),
    SERVICE_ROOT,
  );
  if (wholeService) return cloneValue(prepared.override);
  return mergeMappings(prepared.base, prepared.override, SERVICE_ROOT);
}
