import { createHash } from 'node:crypto';

/**
 * Counts what a tar stream holds while it streams by: regular files, their bytes, and folders, and a
 * digest of every entry's path, mode, owner and content, so a volume backup records its contents
 * without reading the archive twice and a drill can tell that what came back is the same. Pure and
 * incremental.
 */
export class TarCounter {
  files = 0;
  bytes = 0;
  directories = 0;
  private buffer = Buffer.alloc(0);
  /** Bytes of entry data still to read (hashed), then padding to skip before the next header. */
  private data = 0;
  private padding = 0;
  private ended = false;
  private readonly hash = createHash('sha256');

  push(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0 && !this.ended) {
      if (this.data > 0) {
        const n = Math.min(this.data, rest.length);
        this.hash.update(rest.subarray(0, n));
        this.data -= n;
        rest = rest.subarray(n);
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, rest.length);
        this.padding -= n;
        rest = rest.subarray(n);
        continue;
      }
      const need = 512 - this.buffer.length;
      this.buffer = Buffer.concat([this.buffer, rest.subarray(0, need)]);
      rest = rest.subarray(need);
      if (this.buffer.length < 512) return;
      const header = this.buffer;
      this.buffer = Buffer.alloc(0);
      if (header.every((b) => b === 0)) {
        this.ended = true;
        return;
      }
      const size = entrySize(header);
      const type = String.fromCharCode(header[156] ?? 0);
      if (type === '0' || type === '\0' || type === '7') {
        this.files++;
        this.bytes += size;
      } else if (type === '5') this.directories++;
      // What identifies an entry: its path, mode, owner, type, size and link; times are left out.
      for (const [from, to] of FIELDS) this.hash.update(header.subarray(from, to));
      this.data = size;
      this.padding = Math.ceil(size / 512) * 512 - size;
    }
  }

  result(): { files: number; bytes: number; directories: number; digest: string } {
    return {
      files: this.files,
      bytes: this.bytes,
      directories: this.directories,
      digest: this.hash.copy().digest('hex'),
    };
  }
}

/** Header fields in the digest: name, mode, uid, gid, size, type, linkname, and the ustar prefix. */
const FIELDS: ReadonlyArray<readonly [number, number]> = [
  [0, 100],
  [100, 108],
  [108, 116],
  [116, 124],
  [124, 136],
  [156, 157],
  [157, 257],
  [345, 500],
];

/** The size field: octal text, or base-256 when its first byte has the high bit set. */
function entrySize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/, '').trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}
