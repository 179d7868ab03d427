/**
 * Reads how many keys a Redis snapshot holds from the start of its RDB file, as it streams by: the
 * RESIZEDB record Redis writes at the head of each database section carries the exact size of that
 * database at fork time. Only the first database section is reachable without decoding every value,
 * so the answer is that database's number and keys (an empty snapshot is database 0 with 0 keys).
 * Pure and incremental.
 */
export interface RdbFacts {
  readonly db: number;
  readonly keys: number;
}

/** Past this many bytes without a RESIZEDB record, the snapshot's size stays unknown. */
const MAX_PREFIX = 4 * 1024 * 1024;

const OP = {
  FUNCTION2: 0xf5,
  FUNCTION_PRE_GA: 0xf6,
  SLOT_INFO: 0xf4,
  AUX: 0xfa,
  RESIZEDB: 0xfb,
  SELECTDB: 0xfe,
  EOF: 0xff,
} as const;

class NeedMore extends Error {}
class Unreadable extends Error {}

class Reader {
  at = 0;
  constructor(private readonly data: Buffer) {}
  byte(): number {
    const b = this.data[this.at];
    if (b === undefined) throw new NeedMore();
    this.at++;
    return b;
  }
  skip(n: number): void {
    if (this.at + n > this.data.length) throw new NeedMore();
    this.at += n;
  }
  /** A length; `special` is the format of an encoded string (type bits 11). */
  length(): { value: number; special?: number } {
    const first = this.byte();
    const type = first >> 6;
    if (type === 0) return { value: first & 0x3f };
    if (type === 1) return { value: ((first & 0x3f) << 8) | this.byte() };
    if (type === 3) return { value: 0, special: first & 0x3f };
    const bytes = first === 0x80 ? 4 : first === 0x81 ? 8 : 0;
    if (bytes === 0) throw new Unreadable(`unknown length encoding 0x${first.toString(16)}`);
    let value = 0;
    for (let i = 0; i < bytes; i++) value = value * 256 + this.byte();
    return { value };
  }
  string(): void {
    const { value, special } = this.length();
    if (special === undefined) this.skip(value);
    else if (special <= 2) this.skip([1, 2, 4][special] ?? 0);
    else if (special === 3) {
      const compressed = this.length().value;
      this.length();
      this.skip(compressed);
    } else throw new Unreadable(`unknown string encoding ${special}`);
  }
}

/** The facts of a snapshot from its first bytes: undefined while more bytes are needed. */
export function readRdbFacts(data: Buffer): RdbFacts | undefined {
  const r = new Reader(data);
  try {
    r.skip(9);
    if (data.subarray(0, 5).toString('latin1') !== 'REDIS') throw new Unreadable('not an RDB file');
    let db = 0;
    for (;;) {
      const op = r.byte();
      if (op === OP.EOF) return { db: 0, keys: 0 };
      if (op === OP.AUX) {
        r.string();
        r.string();
      } else if (op === OP.FUNCTION2 || op === OP.FUNCTION_PRE_GA) {
        r.string();
      } else if (op === OP.SLOT_INFO) {
        r.length();
        r.length();
        r.length();
      } else if (op === OP.SELECTDB) {
        db = r.length().value;
      } else if (op === OP.RESIZEDB) {
        return { db, keys: r.length().value };
      } else {
        throw new Unreadable(`record 0x${op.toString(16)} before the first database size`);
      }
    }
  } catch (error: unknown) {
    if (error instanceof NeedMore) return undefined;
    throw error;
  }
}

/** Feeds chunks to readRdbFacts until it answers; keeps at most MAX_PREFIX bytes. */
export class RdbFactsReader {
  private prefix = Buffer.alloc(0);
  private answer: RdbFacts | undefined;
  private failure: string | undefined;

  push(chunk: Buffer): void {
    if (this.answer || this.failure) return;
    this.prefix = Buffer.concat([this.prefix, chunk]);
    try {
      this.answer = readRdbFacts(this.prefix);
    } catch (error: unknown) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
    if (this.answer || this.failure) this.prefix = Buffer.alloc(0);
    else if (this.prefix.length > MAX_PREFIX) {
      this.failure = `no database size in the first ${MAX_PREFIX} bytes`;
      this.prefix = Buffer.alloc(0);
    }
  }

  /** The facts, or why they could not be read. */
  result(): { ok: true; facts: RdbFacts } | { ok: false; reason: string } {
    if (this.answer) return { ok: true, facts: this.answer };
    return { ok: false, reason: this.failure ?? 'the snapshot ended before its first database size' };
  }
}
