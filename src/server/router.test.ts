import type { Result } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { KeptMatchRouter } from './router.js';

const ROUTES: Array<[string, string]> = [
  ['GET', '/api/v1/stacks'],
  ['GET', '/api/v1/stacks/:stack'],
  ['GET', '/api/v1/stacks/:stack/backups/:id'],
  ['POST', '/api/v1/stacks/:stack/backups/prune'],
  ['ALL', '*'],
];

/** Handler names and params of a match, whatever the router's result layout. */
function described(result: Result<string>) {
  const [handlers, stash] = result;
  return handlers.map(([handler, params]) => [
    handler,
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, stash ? stash[v as number] : v])),
  ]);
}

describe('KeptMatchRouter', () => {
  it('matches as the router it wraps, on first and repeated requests alike', () => {
    const kept = new KeptMatchRouter<string>();
    const plain = new TrieRouter<string>();
    for (const [method, path] of ROUTES) {
      kept.add(method, path, `${method} ${path}`);
      plain.add(method, path, `${method} ${path}`);
    }
    const requests: Array<[string, string]> = [
      ['GET', '/api/v1/stacks'],
      ['GET', '/api/v1/stacks/alpha'],
      ['GET', '/api/v1/stacks/beta'],
      ['GET', '/api/v1/stacks/alpha/backups/b-1'],
      ['POST', '/api/v1/stacks/alpha/backups/prune'],
      ['GET', '/api/v1/stacks/alpha/backups/prune'],
      ['DELETE', '/nowhere'],
      ['GET', `/api/v1/stacks/${'x'.repeat(300)}`],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [method, path] of requests) {
        expect(described(kept.match(method, path)), `${method} ${path}`).toEqual(
          described(plain.match(method, path)),
        );
      }
    }
    expect(kept.match('GET', '/api/v1/stacks/alpha')).toBe(kept.match('GET', '/api/v1/stacks/alpha'));
  });
});
