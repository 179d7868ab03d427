// What `berth serve` does when an error escapes every handler (an uncaught exception or an unhandled
// rejection): a defect. Node's default prints a bare stack trace and exits 1 with the store open and
// work in flight unrecorded. Instead, the error is logged as one structured `fatal` line (through the
// logger, so its redaction applies), a short line on stderr says what happened and what to do, the
// server is stopped with no grace (running operations are recorded `interrupted`, the store is closed
// cleanly), and the process exits 70 (EX_SOFTWARE), as bin/berth.js does for a defect at start.
// A stop that does not finish within `stopTimeoutMs` is not waited for; a second crash while
// stopping exits at once.

/** EX_SOFTWARE: an internal error, as bin/berth.js exits on a defect. */
export const CRASH_EXIT_CODE = 70;

/** The part of `process` the handlers use (tests give an EventEmitter). */
export interface CrashSource {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
}

export interface CrashHandling {
  readonly source: CrashSource;
  readonly logger: { fatal(obj: object, msg?: string): void };
  readonly stderr: (text: string) => void;
  /** Stops the server with no grace: records what runs as interrupted, closes the store. */
  readonly stop: () => Promise<void>;
  readonly exit: (code: number) => void;
  /** How long the stop may take before the process exits anyway (default 10 s). */
  readonly stopTimeoutMs?: number;
}

/** The one line on stderr: what failed, that it is a defect, what was done and what to do. */
export function crashLine(kind: string, error: unknown): string {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const firstLine = what.split('\n', 1)[0] ?? '';
  return (
    `berth serve: stopped by an ${kind} (a defect of Berth): ${firstLine.slice(0, 300)}\n` +
    '  running operations are recorded as interrupted; start berth serve again, and report the ' +
    "'fatal' log line above (its stack) as a bug\n"
  );
}

/** Installs the handlers; returns what removes them (the server's own clean stop does). */
export function handleCrashes(options: CrashHandling): () => void {
  let crashing = false;
  const crash = (kind: 'uncaught exception' | 'unhandled rejection') => (error: unknown) => {
    if (crashing) {
      // A second escape while stopping: the first one is already logged; do not wait any longer.
      options.logger.fatal({ err: error, kind }, 'a second error escaped while stopping');
      options.exit(CRASH_EXIT_CODE);
      return;
    }
    crashing = true;
    options.logger.fatal({ err: error, kind }, `berth serve crashed: an ${kind}`);
    options.stderr(crashLine(kind, error));
    const timeoutMs = options.stopTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.logger.fatal({ timeoutMs }, 'the stop after the crash did not finish in time');
        resolve();
      }, timeoutMs);
    });
    const stopped = options.stop().catch((stopError: unknown) => {
      options.logger.fatal({ err: stopError }, 'the stop after the crash failed');
    });
    void Promise.race([stopped, timedOut]).then(() => {
      clearTimeout(timer);
      options.exit(CRASH_EXIT_CODE);
    });
  };
  const onException = crash('uncaught exception');
  const onRejection = crash('unhandled rejection');
  options.source.on('uncaughtException', onException);
  options.source.on('unhandledRejection', onRejection);
  return () => {
    options.source.off('uncaughtException', onException);
    options.source.off('unhandledRejection', onRejection);
  };
}
