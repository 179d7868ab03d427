import { describe, expect, it } from 'vitest';
import { JsonText, jsonFragments, jsonPage, lastAnswerPerCaller, sortedOnce } from './json-text.js';

describe('jsonPage and jsonFragments', () => {
  it('write the text JSON.stringify writes, whatever the items hold', () => {
    const items = [
      { name: 'a', note: 'quote " backslash \\ newline \n tab \t', n: 1.5, none: null },
      { name: 'b', emoji: '⚓ \u2028 \u0000', list: [1, 'two', { three: true }], skipped: undefined },
    ];
    const fragment = jsonFragments((item: (typeof items)[number]) => item);
    for (const nextCursor of [null, 'eyJhZnRlciI6ImIifQ']) {
      expect(jsonPage(items.map(fragment), nextCursor).text).toBe(JSON.stringify({ items, nextCursor }));
    }
    expect(jsonPage([], null).text).toBe(JSON.stringify({ items: [], nextCursor: null }));
  });

  it('serialize an item once while it is the same object, and a new object again', () => {
    let calls = 0;
    const fragment = jsonFragments((item: { v: number }) => {
      calls++;
      return { value: item.v };
    });
    const one = { v: 1 };
    expect([fragment(one), fragment(one)]).toEqual(['{"value":1}', '{"value":1}']);
    expect(calls).toBe(1);
    expect(fragment({ v: 1 })).toBe('{"value":1}');
    expect(calls).toBe(2);
  });
});

describe('JsonText', () => {
  it('encodes its text as UTF-8 once', () => {
    const text = new JsonText('{"name":"⚓"}');
    expect(Buffer.from(text.bytes).toString('utf8')).toBe('{"name":"⚓"}');
    expect(text.bytes).toBe(text.bytes);
  });
});

describe('sortedOnce', () => {
  it('sorts a copy once per list object', () => {
    const sorted = sortedOnce((a: number, b: number) => a - b);
    const list = [3, 1, 2];
    const first = sorted(list);
    expect(first).toEqual([1, 2, 3]);
    expect(list).toEqual([3, 1, 2]);
    expect(sorted(list)).toBe(first);
    expect(sorted([...list])).not.toBe(first);
  });
});

describe('lastAnswerPerCaller', () => {
  it('answers again only the same caller, for the same source and key', () => {
    const last = lastAnswerPerCaller<object, object, unknown>();
    let made = 0;
    const make = (text: string) => () => {
      made++;
      return new JsonText(text);
    };
    const [alice, bob] = [{}, {}];
    const source = {};
    const a = last(alice, source, 'k', make('alice'));
    expect(last(alice, source, 'k', make('other'))).toBe(a);
    expect(made).toBe(1);
    // Another caller never gets alice's answer.
    expect(last(bob, source, 'k', make('bob')).text).toBe('bob');
    // A new source or another key is made anew, and then kept instead.
    expect(last(alice, {}, 'k', make('alice, new catalog')).text).toBe('alice, new catalog');
    expect(last(alice, source, 'k2', make('alice, page 2')).text).toBe('alice, page 2');
    expect(last(alice, source, 'k2', make('again')).text).toBe('alice, page 2');
    expect(made).toBe(4);
  });
});
