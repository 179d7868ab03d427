import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { Position } from '../diagnostics.js';
import type { Path } from './yaml.js';

/*
 * Where a path of the parsed value is written in the YAML source, following aliases and `<<`
 * merge keys, so that a finding about `services.web.restart` can point into the anchor it came from.
 */

/** With `merge: true` the yaml package resolves the `<<` key to a symbol. */
export const isMergeKey = (key: unknown): boolean => {
  if (!isScalar(key)) return false;
  const k = key.value;
  return k === '<<' || (typeof k === 'symbol' && k.description === '<<');
};

/** Follows aliases to the node they refer to; stops on cycles. */
export function deref(doc: Document, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 64; hops++) current = current.resolve(doc);
  return current;
}

interface Located {
  keyNode?: Node;
  valueNode?: unknown;
}

/** Looks a key up in a mapping node, including keys brought in by `<<` merge keys. */
function lookupKey(doc: Document, map: unknown, key: string | number, depth = 0): Located | undefined {
  const target = deref(doc, map);
  if (!isMap(target) || depth > 16) return undefined;
  const merges: unknown[] = [];
  for (const pair of target.items) {
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (isMergeKey(pair.key)) {
      merges.push(pair.value);
      continue;
    }
    if (String(k) === String(key)) return { keyNode: pair.key as Node, valueNode: pair.value };
  }
  for (const m of merges) {
    const source = deref(doc, m);
    const sources = isSeq(source) ? source.items : [source];
    for (const s of sources) {
      const found = lookupKey(doc, s, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function nodePosition(lc: LineCounter, node: unknown): Position | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return undefined;
  const p = lc.linePos(range[0]);
  return { line: p.line, column: p.col };
}

export function makeLocator(doc: Document, lc: LineCounter) {
  const walk = (path: Path): { located: Located; depth: number } => {
    let located: Located = { valueNode: doc.contents };
    let depth = 0;
    for (const segment of path) {
      const node = deref(doc, located.valueNode);
      let next: Located | undefined;
      if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        next = item === undefined ? undefined : { valueNode: item };
      } else if (isSeq(node)) {
        // A name in list form (`networks: [front]`, `depends_on: [db]`): point at the item.
        const item = node.items.find((i) => isScalar(i) && String(i.value) === segment);
        next = item === undefined ? undefined : { valueNode: item };
      } else if (isMap(node)) {
        next = lookupKey(doc, node, segment);
      }
      if (!next) break;
      located = next;
      depth++;
    }
    return { located, depth };
  };
  const locate = (path: Path, at: 'key' | 'value' = 'value'): Position => {
    const { located, depth } = walk(path);
    const exact = depth === path.length;
    const preferKey = at === 'key' || !exact;
    const node = preferKey && located.keyNode ? located.keyNode : (located.valueNode ?? located.keyNode);
    return nodePosition(lc, node) ?? nodePosition(lc, located.keyNode) ?? { line: 1, column: 1 };
  };
  const has = (path: Path): boolean => walk(path).depth === path.length;
  return { locate, has };
}
