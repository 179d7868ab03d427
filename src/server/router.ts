import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

/** Longer paths are matched every time: a kept path costs memory, and probes send odd ones. */
const MAX_KEPT_PATH = 256;
/** Distinct method + path pairs kept before the table starts over. */
const MAX_KEPT = 1_000;

/**
 * Hono's router with each match kept by method and path: a route table with both `/backups/prune`
 * and `/backups/:id` is beyond the RegExpRouter, and the TrieRouter it falls back to sorts and
 * allocates on every match. A match depends on the method and path alone, and Hono only reads it,
 * so answering a repeated request from the table is the same match.
 */
export class KeptMatchRouter<T> implements Router<T> {
  readonly name: string;
  readonly #inner: Router<T>;
  readonly #kept = new Map<string, Result<T>>();

  constructor(inner: Router<T> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] })) {
    this.#inner = inner;
    this.name = `KeptMatch + ${inner.name}`;
  }

  add(method: string, path: string, handler: T): void {
    this.#kept.clear();
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    if (path.length > MAX_KEPT_PATH) return this.#inner.match(method, path);
    const key = `${method} ${path}`;
    let result = this.#kept.get(key);
    if (result === undefined) {
      result = this.#inner.match(method, path);
      if (this.#kept.size >= MAX_KEPT) this.#kept.clear();
      this.#kept.set(key, result);
    }
    return result;
  }
}
