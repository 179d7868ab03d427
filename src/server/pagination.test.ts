import { describe, expect, it } from 'vitest';
import { fieldPath } from './input.js';
import { decodeCursor, encodeCursor, paginate } from './pagination.js';
import { ApiError } from './problem.js';

const items = ['a', 'b', 'c', 'd', 'e'];
const id = (s: string) => s;

describe('paginate', () => {
  it('walks every item exactly once, in order', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = paginate(items, id, { limit: 2, cursor });
      seen.push(...page.items);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(items);
  });

  it('has no next cursor when the page ends the list exactly', () => {
    expect(paginate(items, id, { limit: 5 })).toEqual({ items, nextCursor: null });
    expect(paginate([], id, { limit: 5 })).toEqual({ items: [], nextCursor: null });
  });

  it('continues after the key, so removing an item does not skip another', () => {
    const first = paginate(items, id, { limit: 2 });
    const next = paginate(['a', 'c', 'd', 'e'], id, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(next.items).toEqual(['c', 'd']);
    expect(paginate(items, id, { limit: 2, cursor: encodeCursor('e') })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('refuses cursors it did not issue', () => {
    for (const bad of ['!!!', 'e30', Buffer.from('{"after":1}').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(ApiError);
    }
    expect(decodeCursor(encodeCursor('x y'))).toBe('x y');
  });
});

describe('fieldPath', () => {
  it('writes zod paths the way a client spells fields', () => {
    expect(fieldPath(['services', 0, 'name'])).toBe('services[0].name');
    expect(fieldPath([])).toBe('');
    expect(fieldPath([2, 'x'])).toBe('[2].x');
  });
});
