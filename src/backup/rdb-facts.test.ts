import { describe, expect, it } from 'vitest';
import { RdbFactsReader, readRdbFacts } from './rdb-facts.js';

const str = (text: string) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text, 'latin1')]);
const aux = (key: string, value: Buffer) => Buffer.concat([Buffer.from([0xfa]), str(key), value]);
const header = Buffer.from('REDIS0011', 'latin1');

/** A snapshot head as Redis 7 writes it: aux fields, then db 0 with its size. */
function snapshot(keys: Buffer, db = 0): Buffer {
  return Buffer.concat([
    header,
    aux('redis-ver', str('7.0.15')),
    aux('redis-bits', Buffer.from([0xc0, 64])), // int8-encoded
    aux('ctime', Buffer.from([0xc2, 1, 2, 3, 4])), // int32-encoded
    aux('used-mem', Buffer.from([0xc2, 9, 9, 9, 9])),
    aux('aof-base', Buffer.from([0xc0, 0])),
    Buffer.from([0xfe, db, 0xfb]),
    keys,
    Buffer.from([0]),
    Buffer.from([0x00, 0x01, 0x61, 0x01, 0x62]), // first key/value follows
  ]);
}

describe('readRdbFacts', () => {
  it('reads the size of the first database, in each length encoding', () => {
    expect(readRdbFacts(snapshot(Buffer.from([42])))).toEqual({ db: 0, keys: 42 });
    expect(readRdbFacts(snapshot(Buffer.from([0x40 | 0x27, 0x10])))).toEqual({ db: 0, keys: 10_000 });
    expect(readRdbFacts(snapshot(Buffer.from([0x80, 0, 0x0f, 0x42, 0x40]), 3))).toEqual({
      db: 3,
      keys: 1_000_000,
    });
  });

  it('an empty snapshot holds no keys', () => {
    expect(
      readRdbFacts(Buffer.concat([header, aux('redis-ver', str('7.0.15')), Buffer.from([0xff])])),
    ).toEqual({
      db: 0,
      keys: 0,
    });
  });

  it('skips LZF-compressed aux values and functions', () => {
    const lzf = Buffer.from([0xc3, 3, 10, 1, 2, 3]);
    const data = Buffer.concat([
      header,
      aux('lib', lzf),
      Buffer.from([0xf5]),
      str('#!lua name=x'),
      Buffer.from([0xfe, 0, 0xfb, 7, 0]),
    ]);
    expect(readRdbFacts(data)).toEqual({ db: 0, keys: 7 });
  });

  it('asks for more bytes until the size is there, whatever the chunking', () => {
    const data = snapshot(Buffer.from([0x40 | 0x27, 0x10]));
    for (let cut = 0; cut < 60; cut++) {
      const reader = new RdbFactsReader();
      for (let at = 0; at < data.length; at += cut + 1) reader.push(data.subarray(at, at + cut + 1));
      expect(reader.result()).toEqual({ ok: true, facts: { db: 0, keys: 10_000 } });
    }
    expect(readRdbFacts(data.subarray(0, 20))).toBeUndefined();
  });

  it('refuses what is not an RDB file, or a record it cannot skip', () => {
    expect(() => readRdbFacts(Buffer.from('SQLite format 3\0'))).toThrow(/not an RDB/);
    expect(() => readRdbFacts(Buffer.concat([header, Buffer.from([0xf7, 1])]))).toThrow(/0xf7/);
    const reader = new RdbFactsReader();
    reader.push(Buffer.from('hello world, this is text'));
    expect(reader.result()).toEqual({ ok: false, reason: 'not an RDB file' });
    const short = new RdbFactsReader();
    short.push(header);
    expect(short.result()).toEqual({
      ok: false,
      reason: 'the snapshot ended before its first database size',
    });
  });
});
