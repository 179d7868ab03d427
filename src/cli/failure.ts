// How an error that ends a command is shown. Every one is an `error CODE: …` line and a hint line;
// a stack trace only when it is asked for (-vv or --log-level debug). Pure.

import { ExitCode } from './io.js';

const RUN_AGAIN = 'run the command again with -vv for the details';

/** The error's own words on one line: a message never forges a second one. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}

/** Berth's coded errors (deploy, engine, store, the CLI's own) carry what to do. */
function coded(error: unknown): { code: string; hint: string } | undefined {
  const { code, hint } = (error ?? {}) as { code?: unknown; hint?: unknown };
  return error instanceof Error && typeof code === 'string' && typeof hint === 'string'
    ? { code, hint }
    : undefined;
}

/** Several coded errors at once (an AggregateError of them, as LogLevelError is): each is shown. */
function codedParts(error: unknown): { code: string; message: string; hint: string }[] | undefined {
  if (!(error instanceof AggregateError) || error.errors.length === 0) return undefined;
  const parts = error.errors.map((e: unknown) => {
    const known = coded(e);
    return known ? { ...known, message: messageOf(e) } : undefined;
  });
  return parts.every((p) => p !== undefined) ? parts : undefined;
}

/** A system error Node gave (EACCES, ENOSPC…): not Berth's wording, but it names what failed. */
function systemCode(error: unknown): string | undefined {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return error instanceof Error &&
    typeof code === 'string' &&
    /^E[A-Z0-9_]+$/.test(code) &&
    typeof syscall === 'string'
    ? code
    : undefined;
}

/** The stack and the stacks of its causes, for -vv. */
function stacks(error: unknown): string {
  const out: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    out.push(`${depth === 0 ? '' : 'caused by: '}${e.stack ?? `${e.name}: ${e.message}`}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/**
 * What stderr shows for an error that ended `berth <command>`. An error Berth did not code is a bug:
 * it says which command failed and how to see more, never a stack trace unless `debug`.
 */
export function describeFailure(error: unknown, command: string | undefined, debug: boolean): string {
  const where = command === undefined ? 'berth' : `berth ${command}`;
  const known = coded(error);
  const system = systemCode(error);
  const parts = known ? codedParts(error) : undefined;
  const lines = parts
    ? parts.map((p) => `error ${p.code}: ${p.message}\n  hint: ${p.hint}\n`).join('')
    : known
      ? `error ${known.code}: ${messageOf(error)}\n  hint: ${known.hint}\n`
      : system
        ? `error ${system}: ${where}: ${oneLine(messageOf(error))}\n  hint: check the file, folder or address it names; if they are right, this is a bug in Berth: ${RUN_AGAIN}\n`
        : `error INTERNAL: ${where} failed: ${oneLine(messageOf(error))}\n  hint: this is a bug in Berth; ${RUN_AGAIN}, and report it\n`;
  return debug ? `${lines}${stacks(error)}` : lines;
}

/** Signals a command ends on after putting back what it changed, and the exit code a shell gives them. */
const SIGNAL_EXIT: Readonly<Record<string, ExitCode>> = {
  SIGINT: ExitCode.Interrupted,
  SIGTERM: ExitCode.Terminated,
};

/**
 * Codes of a command line that cannot run as it was given, found before anything was done: a log
 * level setting that cannot be used (`--log-level`, `BERTH_LOG_LEVEL[_<COMPONENT>]`, LogLevelError),
 * refused by `--local` as `berth serve` refuses it.
 */
const USAGE_CODES: ReadonlySet<string> = new Set(['LOG_LEVEL_INVALID', 'LOG_COMPONENT_UNKNOWN']);

/**
 * The exit code of a command an error ended: 2 for a usage error (USAGE_CODES), 128 + n when signal n
 * interrupted a deploy this process ran (`berth --local up`: DEPLOY_INTERRUPTED naming the signal),
 * else 1. A deploy the server says was interrupted was not stopped by a signal to this process: 1.
 */
export function failureExitCode(error: unknown): ExitCode {
  const { code, signal } = (error ?? {}) as { code?: unknown; signal?: unknown };
  if (coded(error) && typeof code === 'string' && USAGE_CODES.has(code)) return ExitCode.Usage;
  if (coded(error) && code === 'DEPLOY_INTERRUPTED' && typeof signal === 'string')
    return SIGNAL_EXIT[signal] ?? ExitCode.Invalid;
  return ExitCode.Invalid;
}
