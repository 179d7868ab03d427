/** What a command may touch of the outside world; injected so commands are testable in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * All of standard input, for secrets given with `--password-stdin` and the like. On a terminal it
   * asks for `what` and reads one line without echoing it. Absent: the command cannot read stdin.
   */
  readonly readStdin?: (what?: string) => Promise<string>;
  /** Set when stdout is a terminal: deploys then show a live status line. */
  readonly terminal?: { readonly columns: number };
}

/** Exit codes, documented in the README. */
export const ExitCode = {
  Ok: 0,
  /** The input is invalid (validate, config, graph) or the operation failed. */
  Invalid: 1,
  /** Bad command line: unknown command or option, missing argument. */
  Usage: 2,
  /**
   * SIGINT (Ctrl-C) stopped the command, which first put back what it changed: 128 + the signal's
   * number, as a shell reports a command a signal ended.
   */
  Interrupted: 130,
  /** SIGTERM stopped the command, which first put back what it changed (128 + 15). */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A reader that closed its end (`berth logs … | head`) ends the command quietly, as a pipe's
 * reader expects, instead of an EPIPE stack trace; other output errors are still errors.
 */
export function quitOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(0);
  });
}

export function processIo(): CliIo {
  quitOnClosedPipe(process.stdout, (code) => process.exit(code));
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    ...(process.stdout.isTTY ? { terminal: { columns: process.stdout.columns || 80 } } : {}),
    readStdin: (what) => (process.stdin.isTTY ? readHiddenLine(what ?? 'input') : readAll()),
  };
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed on the terminal, not echoed; Ctrl-C cancels. */
function readHiddenLine(what: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    process.stderr.write(`${what} (hidden): `);
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') {
          return finish(
            Object.assign(new Error('cancelled'), { code: 'CANCELLED', hint: 'run the command again' }),
          );
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    // Decoded by the stream, so a character split across chunks stays whole.
    stdin.setEncoding('utf8');
    stdin.resume();
    stdin.on('data', onData);
  });
}
