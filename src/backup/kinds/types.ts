import { type Readable, Transform } from 'node:stream';
import type { ContentFacts } from '../../api/backups.js';
import { type ContainerInfo, type Engine, type ExecResult, isMissingProgram } from '../../engine/model.js';
import { BackupError } from '../errors.js';
import type { BackupKind, BackupPolicy } from '../xberth.js';

/** What a dump needs: the running service container and its policy. */
export interface DumpContext {
  readonly engine: Engine;
  readonly container: ContainerInfo;
  readonly policy: BackupPolicy;
  readonly kind: BackupKind;
  /** A unique id, for temporary files in the container. */
  readonly id: string;
  readonly signal: AbortSignal;
  /**
   * A server with no database gives an empty dump instead of a refusal: the safety backup a restore
   * takes first (a restore is most needed when the server has lost everything).
   */
  readonly emptyIsFine?: boolean;
}

/** A dump as it streams, and what is known once it has been read to its end. */
export interface Dump {
  readonly stream: Readable;
  /** Sees every chunk as it passes (facts counted from the dump itself). */
  readonly observe?: (chunk: Buffer) => void;
  /** Already compressed formats skip gzip. */
  readonly compressed: boolean;
  /** File extension of the plain dump: `sql`, `db`, `rdb`, `tar`. */
  readonly extension: string;
  readonly tool: string;
  readonly server?: string;
  /** redis: the snapshot file the server reads at start (`dir/dbfilename`); sqlite: the database. */
  readonly sourcePath?: string;
  /** volume: the named volumes copied. */
  readonly volumes?: readonly string[];
  /** After the stream ended: checks the tool's exit and returns the content facts. */
  finish(): Promise<ContentFacts>;
  /** Always called last, whatever happened: temporary files go, a stopped service starts again. */
  close?(): Promise<void>;
}

/** The container's environment as a map (credentials for the dump tools). */
/**
 * The end of a tool's error output for a message, in whole lines: at most `max` characters, the
 * first line dropped when the cut went through it, so no cut can keep half a secret (the end of a
 * value the masking downstream would no longer recognise). Pure.
 */
export function errorTail(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const cut = trimmed.slice(-max);
  const start = cut.indexOf('\n');
  return start < 0 ? '…' : `…${cut.slice(start)}`;
}

export function envOf(container: ContainerInfo): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/** Whether an exec's result says its program is not in the image (not found, or not executable). */
export function isToolMissing(r: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>): boolean {
  return isMissingProgram(r.exitCode, r.stdout + r.stderr);
}

/** The coded error for a missing tool: one name, or the alternatives none of which the image has. */
export function toolMissing(
  names: readonly string[],
  container: string,
  hint = `the backup needs ${names.join(' or ')} inside the container; use an image that has it, or set kind: volume`,
): BackupError {
  return new BackupError(
    'BACKUP_TOOL_MISSING',
    names.length === 1
      ? `${names[0]} is not in the image of ${container}`
      : `none of ${names.join(', ')} is in the image of ${container}`,
    hint,
  );
}

/**
 * Whether `tool` is in the running container: it is run with `--version`, read only, and counts as
 * there whatever it answers, unless the engine says the program was not found (as `run` decides).
 */
export async function hasTool(
  ctx: Pick<DumpContext, 'engine' | 'container'>,
  tool: string,
  user?: string,
): Promise<boolean> {
  const r = await ctx.engine.exec.run(ctx.container.id, [tool, '--version'], {
    ...(user ? { user } : {}),
    timeoutMs: 30_000,
  });
  return !isToolMissing(r);
}

/** Runs a short command in the container; a missing binary is a coded error that names it. */
export async function run(
  ctx: Pick<DumpContext, 'engine' | 'container'>,
  argv: readonly string[],
  options: { env?: Record<string, string>; user?: string; timeoutMs?: number; stdin?: Readable } = {},
): Promise<string> {
  const r = await ctx.engine.exec.run(ctx.container.id, argv, {
    ...(options.env ? { env: options.env } : {}),
    ...(options.user ? { user: options.user } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  if (isToolMissing(r)) throw toolMissing([argv[0] ?? ''], ctx.container.name);
  if (r.exitCode !== 0) {
    throw new BackupError(
      'BACKUP_DUMP_FAILED',
      `${argv[0]} failed in ${ctx.container.name} (exit ${r.exitCode}): ${errorTail(r.stderr, 500)}`,
      'check that the service is healthy and that the credentials in its environment are right',
    );
  }
  return r.stdout;
}

/** Passes every chunk on unchanged after showing it to `see` (counting facts as the dump streams by). */
export function tap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      see(chunk);
      done(null, chunk);
    },
  });
}
