// The Engine multiplexes stdout and stderr of non-TTY containers into one byte
// stream of frames: [stream type (1 byte), 0, 0, 0, payload size (uint32 BE)],
// then the payload. TTY containers send raw bytes instead.

export interface Frame {
  readonly stream: 'stdout' | 'stderr';
  readonly data: Buffer;
}

const HEADER = 8;

export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private raw: boolean;

  /** `raw`: the stream is known not to be multiplexed (a TTY container). */
  constructor(options: { raw?: boolean } = {}) {
    this.raw = options.raw === true;
  }

  push(chunk: Buffer): Frame[] {
    if (this.raw) return chunk.length > 0 ? [{ stream: 'stdout', data: chunk }] : [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const type = this.pending[offset];
      const padded =
        this.pending[offset + 1] === 0 && this.pending[offset + 2] === 0 && this.pending[offset + 3] === 0;
      if ((type !== 0 && type !== 1 && type !== 2) || !padded) {
        // Not a frame header: the stream is raw after all; pass the rest through.
        this.raw = true;
        const rest = this.pending.subarray(offset);
        this.pending = Buffer.alloc(0);
        frames.push({ stream: 'stdout', data: rest });
        return frames;
      }
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER < size) break;
      const data = this.pending.subarray(offset + HEADER, offset + HEADER + size);
      // Type 0 (stdin) only shows up echoed on TTYs; treat it as output.
      if (size > 0) frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data });
      offset += HEADER + size;
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }

  /** A stream cut inside a frame: keep what arrived rather than lose it. */
  end(): Frame[] {
    if (this.pending.length <= HEADER) {
      this.pending = Buffer.alloc(0);
      return [];
    }
    const type = this.pending[0];
    const data = this.pending.subarray(HEADER);
    this.pending = Buffer.alloc(0);
    return [{ stream: type === 2 ? 'stderr' : 'stdout', data }];
  }
}

/** Splits bytes into lines without cutting UTF-8 sequences; drops `\r` of CRLF (TTY output). */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (let index = this.pending.indexOf(10, start); index !== -1; index = this.pending.indexOf(10, start)) {
      lines.push(trimCr(this.pending.subarray(start, index).toString('utf8')));
      start = index + 1;
    }
    this.pending = start === 0 ? this.pending : Buffer.from(this.pending.subarray(start));
    return lines;
  }

  /** The last line when the stream did not end with a newline. */
  end(): string[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length > 0 ? [trimCr(rest.toString('utf8'))] : [];
  }
}

function trimCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** With `timestamps`, the engine prefixes each line with an RFC 3339 time and a space. */
export function splitTimestamp(line: string): { time?: string; line: string } {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/.exec(line);
  if (!match?.[1]) return { line };
  return { time: match[1], line: line.slice(match[0].length) };
}
