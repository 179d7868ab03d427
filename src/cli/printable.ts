import type { CliIo } from './io.js';

/*
 * Text from the server (usernames, targets, messages, log lines) is shown on a terminal, where control
 * characters are commands: ESC sequences recolor, move the cursor or retitle the window, a carriage return
 * or newline forges a line, and bidirectional overrides reorder what is read. They are shown escaped.
 */

// C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same, but tab and newline: the layout of multi-line text.
const CONTROL_BUT_LAYOUT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<number, string>> = { 10: '\\n', 13: '\\r', 9: '\\t', 27: '\\e' };

function escaped(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const named = NAMED[code];
  if (named !== undefined) return named;
  // \uXXXX: in JSON output (which escapes C0 itself but not these) it is the same character, still valid.
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text (a table cell, a name): every control character escaped, newline and tab included. */
export function printable(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** Text of several lines: control characters escaped but for newline and tab. */
export function printableLines(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, escaped);
}

const RAW = new WeakMap<CliIo, CliIo>();

/**
 * The io commands write through: whatever they print passes `printableLines`. The few writers that
 * send control characters of their own (the live status lines) or bytes as they are (exec into a pipe)
 * take `rawIo`.
 */
export function printableIo(io: CliIo): CliIo {
  if (RAW.has(io)) return io;
  const safe: CliIo = {
    ...io,
    stdout: (text) => io.stdout(printableLines(text)),
    stderr: (text) => io.stderr(printableLines(text)),
  };
  RAW.set(safe, io);
  return safe;
}

/** The io under `printableIo`: the caller makes sure what it writes is safe. */
export function rawIo(io: CliIo): CliIo {
  return RAW.get(io) ?? io;
}
