import { printable, printableLines } from './printable.js';

/**
 * The progress of a backup, drill or restore on the CLI. Every step is a line on stderr; on a
 * terminal the byte counts ("… MiB dumped, … MiB/s") instead drive one bar redrawn in place below
 * them. A dump's size is not known before it ends, so the bar moves back and forth to show it is
 * alive, next to the bytes, the rate and the time so far.
 */
export interface BackupProgressOutput {
  readonly write: (text: string) => void;
  readonly tty: boolean;
  readonly columns?: number;
}

/** Byte counts as the server words them (backup/take.ts): they update the bar, not the log. */
const BYTES = /^[\d.]+ MiB \w+, [\d.]+ MiB\/s$/;

export const isByteProgress = (message: string): boolean => BYTES.test(message);

const WIDTH = 20;
const BLOCK = 5;

/** Pure: the bar line for the latest byte count, `frame` steps into its motion, cut to `width`. */
export function barLine(bytes: string | undefined, frame: number, seconds: number, width: number): string {
  const span = WIDTH - BLOCK;
  const step = frame % (2 * span);
  const at = step <= span ? step : 2 * span - step;
  const bar = `[${' '.repeat(at)}${'■'.repeat(BLOCK)}${' '.repeat(span - at)}]`;
  const line = `${bar} ${bytes ?? 'starting'} · ${Math.floor(seconds)}s`;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** Shows the steps of a backup operation; `stop()` clears the bar. */
export function backupProgress(out: BackupProgressOutput, now: () => number = Date.now) {
  const started = now();
  const clear = '\r\x1b[2K';
  let frame = 0;
  let bytes: string | undefined;
  const draw = () => {
    if (out.tty)
      out.write(
        `${clear}${printable(barLine(bytes, frame++, (now() - started) / 1000, (out.columns ?? 80) - 1))}`,
      );
  };
  const timer = out.tty ? setInterval(draw, 120) : undefined;
  timer?.unref();
  return {
    onMessage: (message: string) => {
      if (out.tty && isByteProgress(message)) {
        bytes = message;
        draw();
        return;
      }
      out.write(`${out.tty ? clear : ''}${printableLines(message)}\n`);
      draw();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      if (out.tty) out.write(clear);
    },
  };
}
