import { type Engine, isMissingProgram, runtimeSaysMissing } from '../../engine/model.js';
import { clip } from '../describe.js';
import type { ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  elapsed,
  failed,
  messageOf,
  printable,
  type RunResult,
  untilAborted,
} from './context.js';

export type CommandCheck = Extract<ProbeCheck, { type: 'command' }>;
export type ContainerExec = NonNullable<CheckContext['exec']>;

/** Output kept from a command (stdout and stderr together), as its body. */
export const MAX_OUTPUT_BYTES = 64 * 1024;

/** The first `max` bytes of `text` (a cut multi-byte character becomes U+FFFD). */
export function capBytes(text: string, max = MAX_OUTPUT_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= max ? text : bytes.subarray(0, max).toString('utf8');
}

/**
 * The engine's exec as a check runs it: argv (never a shell string), the engine's own timeout and
 * signal, stdout and stderr merged in the order they arrive (a tool's error usually goes to
 * stderr, and the operator wants it next to the rest), kept up to MAX_OUTPUT_BYTES.
 */
export function execInContainer(engine: Engine, containerId: string): ContainerExec {
  return async (argv, options) => {
    const pieces: Buffer[] = [];
    let size = 0;
    const result = await engine.exec.run(containerId, argv, {
      ...(options.env ? { env: options.env } : {}),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      onOutput: (_stream, data) => {
        if (size >= MAX_OUTPUT_BYTES) return;
        const kept = data.subarray(0, MAX_OUTPUT_BYTES - size);
        pieces.push(kept);
        size += kept.length;
      },
    });
    return { exitCode: result.exitCode, output: Buffer.concat(pieces).toString('utf8') };
  };
}

export interface Executed {
  readonly exitCode: number;
  /** Capped, with `secret` (if any) replaced by `***`. */
  readonly output: string;
  readonly responseTimeMs: number;
}

/**
 * Runs argv through `ctx.exec`, ending on time even if the exec ignores its signal. `secret` (a
 * password passed in `env`) is scrubbed from the output, should a tool ever echo it.
 */
export async function execute(
  argv: readonly string[],
  ctx: CheckContext,
  options: { env?: Readonly<Record<string, string>>; secret?: string } = {},
): Promise<Executed | { error: string }> {
  const tool = argv[0] ?? '';
  if (!ctx.exec) return { error: `no running container to run ${tool} in` };
  if (ctx.signal.aborted) return { error: abortMessage(ctx.signal) };
  const start = performance.now();
  try {
    const run = ctx.exec(argv, {
      ...(options.env ? { env: options.env } : {}),
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
    const { exitCode, output } = await untilAborted(run, ctx.signal);
    return { exitCode, output: scrub(capBytes(output), options.secret), responseTimeMs: elapsed(start) };
  } catch (error: unknown) {
    if (ctx.signal.aborted) return { error: abortMessage(ctx.signal) };
    return { error: `running ${tool} in the container failed: ${scrub(messageOf(error), options.secret)}` };
  }
}

export function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

/** The engine's answer when argv[0] is not in the image (exit 126/127, or the runtime's message). */
export function isMissingTool(result: Pick<Executed, 'exitCode' | 'output'>): boolean {
  return isMissingProgram(result.exitCode, result.output);
}

/**
 * A command in the service's container: ok on exit 0; the output is the body. A failure says the
 * exit code; what the command printed goes apart (`output`, operators only): a program may print
 * a secret, or a value derived from one, that no mask recognizes.
 */
export async function runCommand(check: CommandCheck, ctx: CheckContext): Promise<RunResult> {
  if (check.argv.length === 0) return failed('the command is empty');
  const result = await execute(check.argv, ctx);
  if ('error' in result) return failed(result.error);
  const measured = { body: result.output, responseTimeMs: result.responseTimeMs };
  if (result.exitCode === 0) return { ok: true, measured };
  if (runtimeSaysMissing(result.output)) {
    return failed(`exit ${result.exitCode}: ${check.argv[0]} is not in the container's image`, measured);
  }
  const output = printable(result.output).trim();
  return output === ''
    ? failed(`exit ${result.exitCode} (no output)`, measured)
    : { ...failed(`exit ${result.exitCode}`, measured), output: clip(output, OUTPUT_MAX) };
}

/** The most of a program's output a result keeps (its start and its end). */
const OUTPUT_MAX = 2000;
