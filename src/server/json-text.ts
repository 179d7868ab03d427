/**
 * A JSON answer a handler serialized itself, sent as it is (the pipeline skips `JSON.stringify`):
 * for answers joined from serialized parts or kept between requests (`jsonFragments`,
 * `lastAnswerPerCaller`). `T` is what the text parses to; with `checkResponses` (tests) it is parsed
 * and checked against the route's schema like any other answer.
 */
export class JsonText<T = unknown> {
  /** Only carries `T` for the type checker. */
  declare readonly parsesTo?: T;
  #bytes: Uint8Array | undefined;
  constructor(readonly text: string) {}
  /** The UTF-8 bytes, encoded once: a kept answer is written to the socket without a copy. */
  get bytes(): Uint8Array {
    this.#bytes ??= Buffer.from(this.text, 'utf8');
    return this.#bytes;
  }
}

/**
 * `serialize(item)` as JSON text, kept per item object: while a list's items are the same objects
 * (an unchanged catalog), a page of them is joined from kept texts instead of serialized again. The
 * items must never change once serialized (Berth's catalog entries are replaced, never edited), and
 * the text depends on the item alone: what a caller may see is decided per request, before joining.
 */
export function jsonFragments<T extends object>(serialize: (item: T) => unknown): (item: T) => string {
  const kept = new WeakMap<T, string>();
  return (item) => {
    let text = kept.get(item);
    if (text === undefined) {
      text = JSON.stringify(serialize(item)) ?? 'null';
      kept.set(item, text);
    }
    return text;
  };
}

/** A page `{ items, nextCursor }` from its items' JSON texts: the same text `JSON.stringify` makes. */
export function jsonPage<T>(items: readonly string[], nextCursor: string | null): JsonText<T> {
  return new JsonText(`{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
}

/**
 * `list` sorted by `compare`, sorted once per list object: callers that get the same (immutable)
 * array while nothing changed, such as the workspace catalog, sort it once.
 */
export function sortedOnce<T>(compare: (a: T, b: T) => number): (list: readonly T[]) => readonly T[] {
  const kept = new WeakMap<readonly T[], readonly T[]>();
  return (list) => {
    let sorted = kept.get(list);
    if (sorted === undefined) {
      sorted = [...list].sort(compare);
      kept.set(list, sorted);
    }
    return sorted;
  };
}

/**
 * The last answer made for each caller, given again while the caller is the same object, the
 * source is the same object and the request's key is the same. Sound only for immutable callers and
 * sources whose identity changes with their content: a principal (the auth service keeps one object
 * per token until any user, grant or token changes) and the workspace catalog (a new array when a
 * stack changes). Kept weakly: a caller that is dropped takes its answer with it.
 */
export function lastAnswerPerCaller<Caller extends object, Source extends object, T>(): (
  caller: Caller,
  source: Source,
  key: string,
  make: () => JsonText<T>,
) => JsonText<T> {
  const kept = new WeakMap<Caller, { source: Source; key: string; answer: JsonText<T> }>();
  return (caller, source, key, make) => {
    const last = kept.get(caller);
    if (last !== undefined && last.source === source && last.key === key) return last.answer;
    const answer = make();
    kept.set(caller, { source, key, answer });
    return answer;
  };
}
