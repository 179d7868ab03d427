import { ruleAt } from './rules.js';
import { isMapping, type Mapping, type Path, sameSegment, setEntry } from './util.js';

/*
 * `!reset` and `!override` are applied before merging, as compose-go's ResetProcessor does: the addressed
 * value is removed from the base (so the merge cannot combine it with anything), and a `!reset` mapping entry
 * is also dropped from the override. Both steps copy on write; inputs are never touched.
 *
 * The override may arrive with its `!reset` nodes already removed (src/compose/load/yaml.ts does that) or not; both
 * give the same result. That is why a `!reset` path through a sequence index is ignored: once an item is
 * removed the indexes after it shift, so the index no longer says which item was tagged (compose-go does not
 * support removal from sequences either). A `!override` item is never removed, so its index is resolved to
 * the item's key: `depends_on: [!override db]` drops the base's `db` entry before merging.
 */

export interface PreparedPair {
  readonly base: Mapping;
  readonly override: Mapping;
}

/**
 * `paths` are relative to `base`/`override`; `root` is where they sit in a compose document, for rule
 * lookup (an entry of a list-form attribute is found by the attribute's entry key).
 */
export function applyDirectives(
  base: Mapping,
  override: Mapping,
  reset: readonly Path[],
  replace: readonly Path[],
  root: Path,
): PreparedPair {
  let prepared: unknown = base;
  for (const path of replace) {
    if (path.length > 0) prepared = removeFromBase(prepared, path, 0, root, override);
  }
  for (const path of reset) {
    if (path.length > 0 && !throughSequence(override, path))
      prepared = removeFromBase(prepared, path, 0, root, override);
  }
  const resets = reset.filter((p) => p.length > 0);
  const stripped = resets.length === 0 ? override : stripResets(override, [], resets);
  return {
    base: isMapping(prepared) ? prepared : base,
    override: isMapping(stripped) ? stripped : override,
  };
}

/** True when the path indexes a sequence of the override document (or would, were the item still there). */
function throughSequence(override: unknown, path: Path): boolean {
  let node: unknown = override;
  for (const segment of path) {
    if (Array.isArray(node)) return true;
    node = overrideChild(node, segment);
  }
  return false;
}

function isIndex(segment: string | number): boolean {
  return typeof segment === 'number' || /^\d+$/.test(segment);
}

/** The override node under `segment`, to follow the directive path through the override document. */
function overrideChild(node: unknown, segment: string | number): unknown {
  if (Array.isArray(node)) return isIndex(segment) ? node[Number(segment)] : undefined;
  if (isMapping(node)) return Object.hasOwn(node, String(segment)) ? node[String(segment)] : undefined;
  return undefined;
}

/**
 * The key a segment addresses. A segment indexing the override's list names the entry at that index, so it
 * resolves to that entry's key (`environment: [!reset FOO]` resets FOO, `ports: [!reset "80:80"]` removes
 * the base's 80:80). Otherwise the segment is the key itself.
 */
function addressedKey(overrideNode: unknown, segment: string | number, rulePath: Path): string | undefined {
  if (!Array.isArray(overrideNode) || !isIndex(segment)) return String(segment);
  const entry: unknown = overrideNode[Number(segment)];
  const entryKey = ruleAt(rulePath)?.entryKey;
  return entry === undefined || entryKey === undefined ? undefined : entryKey(entry);
}

function removeFromBase(
  node: unknown,
  path: Path,
  depth: number,
  rulePath: Path,
  overrideNode: unknown,
): unknown {
  const segment = path[depth];
  if (segment === undefined) return node;
  const last = depth === path.length - 1;
  const key = addressedKey(overrideNode, segment, rulePath);
  if (key === undefined) return node;
  if (isMapping(node)) {
    if (!Object.hasOwn(node, key)) return node;
    const current = node[key];
    const next = last
      ? undefined
      : removeFromBase(current, path, depth + 1, [...rulePath, key], overrideChild(overrideNode, segment));
    if (!last && next === current) return node;
    const out: Mapping = {};
    for (const [k, v] of Object.entries(node)) {
      if (k !== key) setEntry(out, k, v);
      else if (!last) setEntry(out, k, next);
    }
    return out;
  }
  // In a list-form base, only whole entries can be addressed: `depends_on: [db]` has nothing below `db`.
  const entryKey = ruleAt(rulePath)?.entryKey;
  if (!Array.isArray(node) || !last || entryKey === undefined) return node;
  const kept = node.filter((entry) => entryKey(entry) !== key);
  return kept.length === node.length ? node : kept;
}

/** Drops the mapping entries tagged `!reset` from the override; only walks down the tagged paths. */
function stripResets(node: unknown, at: Path, resets: readonly Path[]): unknown {
  const below = resets.filter((p) => p.length > at.length && at.every((s, i) => sameSegment(s, p[i])));
  if (below.length === 0) return node;
  const tagged = (segment: string | number): boolean =>
    below.some((p) => p.length === at.length + 1 && sameSegment(p[at.length], segment));
  if (isMapping(node)) {
    const out: Mapping = {};
    for (const [k, v] of Object.entries(node)) {
      if (!tagged(k)) setEntry(out, k, stripResets(v, [...at, k], below));
    }
    return out;
  }
  return node;
}
