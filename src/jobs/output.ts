/** How much of a run's output is kept: the end, where the result and the error usually are. */
export const OUTPUT_TAIL_BYTES = 16 * 1024;
/** A line longer than this (a progress bar redrawn with `\r`) keeps only its end until it ends. */
export const MAX_LINE_BYTES = 64 * 1024;
const STDOUT_HEAD_CHARS = 4096;

export interface OutputHandlers {
  /** Each line as it ends, masked (live output). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Each line as it ends, before masking (counting what a budgeted job used); never stored. */
  readonly onRawLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * A run's output as it arrives, split into lines, each masked before anything keeps it: the tail
 * keeps the last `limit` bytes of masked text, so cutting it can never leave half a secret. A
 * line not ended yet waits for its end (or for `end()`), so a secret split between two chunks is
 * still seen whole; an endless line keeps only its last MAX_LINE_BYTES meanwhile.
 */
export class OutputTail {
  private readonly kept: string[] = [];
  private size = 0;
  private dropped = false;
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  /** The first characters of stdout, for a result that must match (sqlite-integrity's `ok`). */
  private stdoutHead = '';

  constructor(
    private readonly mask: (text: string) => string,
    private readonly handlers: OutputHandlers = {},
    private readonly limit = OUTPUT_TAIL_BYTES,
  ) {}

  push(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    const lines = (this.partial[stream] + text).split('\n');
    let rest = lines.pop() ?? '';
    if (rest.length > MAX_LINE_BYTES) {
      // Masked before it is cut: a cut through a secret would keep its end, which no mask matches.
      rest = this.mask(rest).slice(-MAX_LINE_BYTES);
      this.dropped = true;
    }
    this.partial[stream] = rest;
    for (const line of lines) this.line(stream, line);
  }

  /** Takes whole lines (a container's log lines arrive that way). */
  pushLine(stream: 'stdout' | 'stderr', line: string): void {
    this.line(stream, line);
  }

  private line(stream: 'stdout' | 'stderr', raw: string): void {
    const text = raw.replace(/\r$/, '');
    this.handlers.onRawLine?.(text, stream);
    const line = this.mask(text);
    if (stream === 'stdout' && this.stdoutHead.length < STDOUT_HEAD_CHARS) {
      this.stdoutHead = `${this.stdoutHead}${line}\n`.slice(0, STDOUT_HEAD_CHARS);
    }
    this.handlers.onLine?.(line, stream);
    this.kept.push(`${line}\n`);
    this.size += Buffer.byteLength(line) + 1;
    while (this.size > this.limit && this.kept.length > 1) {
      this.size -= Buffer.byteLength(this.kept.shift() ?? '');
      this.dropped = true;
    }
  }

  /** Flushes the unfinished lines. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.line(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  /** The kept tail; starts with a marker when earlier output was dropped. */
  text(): string {
    let text = this.kept.join('');
    if (Buffer.byteLength(text) > this.limit) text = Buffer.from(text).subarray(-this.limit).toString('utf8');
    return this.dropped ? `[earlier output dropped]\n${text}` : text;
  }

  /** Standard output's beginning, masked (up to 4,096 characters). */
  stdout(): string {
    return this.stdoutHead;
  }
}
