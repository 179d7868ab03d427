import { clip, oneLine } from './describe.js';

/*
 * What a failed healthcheck run was, from what Docker recorded in its health log (or Berth's own
 * run of the check recorded the same way): an exit code and the output. Docker writes -1 both for
 * a check that ran out of time and for a command it could not start, so the exit code alone does
 * not say which; the engine's own words in the output do. Pure.
 *
 * The texts go into details every role reads (a gate's reason, the deploy's summary, alerts), so
 * they quote only the engine's or the shell's own message about starting the command (the name of
 * the program and why it did not start), never what the program printed; clipped to one short
 * line. The caller masks the stack's secret values in details as before (`maskFailure`).
 */

/** The longest name or reason quoted from the engine's or shell's message. */
export const EXCERPT_MAX_CHARS = 120;

export type CheckFailure =
  /** Docker's (or Berth's) timeout ended the run: `Health check exceeded timeout (5s)`. */
  | { readonly kind: 'timed-out'; readonly after?: string }
  /** The engine could not start the command: `exec: "pgrep": executable file not found in $PATH`. */
  | { readonly kind: 'not-started'; readonly exitCode: number; readonly excerpt: string }
  /** The check's shell found no such command (exit 127): `/bin/sh: pgrep: not found`. */
  | { readonly kind: 'not-found'; readonly exitCode: number; readonly command?: string }
  /** The check's shell could not execute it (exit 126): `/bin/sh: /tmp/x: Permission denied`. */
  | { readonly kind: 'not-executable'; readonly exitCode: number; readonly command?: string }
  /** Berth's run could not reach the engine or the container (its output says why). */
  | { readonly kind: 'not-run'; readonly excerpt: string }
  /** -1 without words Berth recognizes: the run ended without an exit code. */
  | { readonly kind: 'no-exit' }
  /** The command ran and exited non-zero. */
  | { readonly kind: 'exited'; readonly exitCode: number; readonly silent: boolean };

export interface CheckRecord {
  readonly exitCode: number;
  readonly output: string;
}

const TIMEOUT = /^Health check exceeded timeout(?: \(([^)\n]{1,40})\))?/;
/**
 * runc's words, behind Docker's (`OCI runtime exec failed: exec failed: unable to start container
 * process: exec: "pgrep": executable file not found in $PATH: unknown`) or alone in older engines
 * (`… starting container process caused: exec: "pgrep": …`).
 */
const NOT_STARTED =
  /(?:OCI runtime exec failed|unable to start container process|starting container process caused)[^\n]*?exec: "([^"\n]{1,500})": ([^\n]*)/;
/** The shells' words: busybox/ash `sh: x: not found`, dash `sh: 1: x: not found`, bash `sh: line 1: x: command not found`. */
const SHELL_MESSAGE =
  /^[^:\n]{1,200}: (?:(?:line )?\d+: )?([^\n]{1,500}?): (not found|command not found|Permission denied|Is a directory|cannot execute[^\n]*)\s*$/m;
const COULD_NOT_RUN = /^the check could not run: ([^\n]*)/;

function excerpt(text: string): string {
  return clip(oneLine(text), EXCERPT_MAX_CHARS, 'start');
}

/** Which of the failures above a failed run was; an exit 0 is not looked at here. */
export function classifyCheck(check: CheckRecord): CheckFailure {
  const output = check.output.replace(/\r/g, '').trim();
  const notStarted = NOT_STARTED.exec(output);
  if (notStarted !== null) {
    const why = (notStarted[2] ?? '').replace(/: unknown$/, '');
    const name = excerpt(notStarted[1] ?? '');
    return {
      kind: 'not-started',
      exitCode: check.exitCode,
      excerpt: why === '' ? `"${name}"` : `"${name}": ${excerpt(why)}`,
    };
  }
  if (check.exitCode === -1) {
    const timeout = TIMEOUT.exec(output);
    if (timeout !== null)
      return timeout[1] === undefined ? { kind: 'timed-out' } : { kind: 'timed-out', after: timeout[1] };
    const notRun = COULD_NOT_RUN.exec(output);
    if (notRun !== null) return { kind: 'not-run', excerpt: excerpt(notRun[1] ?? '') };
    return { kind: 'no-exit' };
  }
  if (check.exitCode === 126 || check.exitCode === 127) {
    const shell = SHELL_MESSAGE.exec(output);
    const command = shell?.[1] === undefined ? undefined : excerpt(shell[1]);
    const kind = check.exitCode === 127 ? 'not-found' : 'not-executable';
    return command === undefined
      ? { kind, exitCode: check.exitCode }
      : { kind, exitCode: check.exitCode, command };
  }
  return { kind: 'exited', exitCode: check.exitCode, silent: output === '' };
}

/**
 * What a failed run was, in a few words after `last check` or `its health check`: `timed out after
 * 5s`, `could not start its command: "pgrep": executable file not found in $PATH`, `exited 127:
 * command not found ("pgrep")`, `exited 1` (`with no output` when `silent` is told and it printed
 * nothing).
 */
export function checkFailureWords(check: CheckRecord, options: { readonly silent?: boolean } = {}): string {
  const failure = classifyCheck(check);
  switch (failure.kind) {
    case 'timed-out':
      return failure.after === undefined ? 'timed out' : `timed out after ${failure.after}`;
    case 'not-started':
      return `could not start its command: ${failure.excerpt}`;
    case 'not-found':
      return `exited ${failure.exitCode}: command not found${quoted(failure.command)}`;
    case 'not-executable':
      return `exited ${failure.exitCode}: command not executable${quoted(failure.command)}`;
    case 'not-run':
      return `could not run: ${failure.excerpt}`;
    case 'no-exit':
      return 'ended without an exit code (exit -1)';
    case 'exited':
      return failure.silent && options.silent === true
        ? `exited ${failure.exitCode} with no output`
        : `exited ${failure.exitCode}`;
  }
}

/** `last check …` for a gate's detail (see checkFailureWords). */
export function checkFailureText(check: CheckRecord): string {
  return `last check ${checkFailureWords(check, { silent: true })}`;
}

function quoted(command: string | undefined): string {
  return command === undefined ? '' : ` ("${command}")`;
}
