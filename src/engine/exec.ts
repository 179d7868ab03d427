import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExecClient } from './clients.js';
import { FrameDecoder } from './demux.js';
import { EngineError } from './errors.js';
import { type EndDeps, endExec, HOST_PROCESSES } from './exec-end.js';
import { describeEnd, type EndOutcome } from './exec-kill.js';
import { chunksOf } from './streams.js';
import { seg, type Transport } from './transport.js';

export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** Collects one stream's bytes up to a limit. */
export class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(data: Buffer): void {
    const room = this.limit - this.size;
    if (data.length > room) this.truncated = true;
    const kept = data.length > room ? data.subarray(0, Math.max(room, 0)) : data;
    if (kept.length === 0) return;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function toExecCreateBody(
  argv: readonly string[],
  options: { user?: string; env?: Readonly<Record<string, string>>; workdir?: string; stdin?: unknown },
): Record<string, unknown> {
  return {
    AttachStdin: options.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Cmd: [...argv],
    ...(options.user === undefined ? {} : { User: options.user }),
    ...(options.env === undefined ? {} : { Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`) }),
    ...(options.workdir === undefined ? {} : { WorkingDir: options.workdir }),
  };
}

/** Standard error kept by a streamed exec: its end, where the error is. */
const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * `ends`: how `run` ends the process it started when it times out or is aborted (this host's /proc
 * and process.kill; see ./exec-kill.ts for when it may).
 */
export function execClient(transport: Transport, ends: EndDeps = HOST_PROCESSES): ExecClient {
  return {
    async stream(containerId, argv, options = {}) {
      const resource = `container ${containerId}`;
      const action = `exec ${JSON.stringify(argv[0] ?? '')} in`;
      if (argv.length === 0) {
        throw new EngineError('ENGINE_BAD_REQUEST', `exec in ${resource}: no command given`, {
          resource,
          hint: 'pass the command as an argv array',
        });
      }
      const created = (await transport.json({
        method: 'POST',
        path: `/containers/${seg(containerId)}/exec`,
        body: toExecCreateBody(argv, options),
        ...(options.signal ? { signal: options.signal } : {}),
        action,
        resource,
      })) as { Id?: string };
      const execId = created.Id ?? '';
      const response = await transport.stream({
        method: 'POST',
        path: `/exec/${seg(execId)}/start`,
        body: { Detach: false, Tty: false },
        ...(options.signal ? { signal: options.signal } : {}),
        action,
        resource,
      });
      let stderr = Buffer.alloc(0);
      const keep = (data: Buffer) => {
        stderr = Buffer.concat([stderr, data]);
        if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(-STDERR_TAIL_BYTES);
      };
      let finished: (value: { exitCode: number; stderr: string }) => void = () => {};
      let failed: (error: unknown) => void = () => {};
      const done = new Promise<{ exitCode: number; stderr: string }>((resolve, reject) => {
        finished = resolve;
        failed = reject;
      });
      // Unhandled when nobody waits for it: the stream's own error reaches the reader anyway.
      done.catch(() => undefined);
      const context = { endpoint: transport.endpoint, action, resource };
      async function* frames(): AsyncGenerator<Buffer> {
        const decoder = new FrameDecoder();
        try {
          for await (const chunk of chunksOf(response, context, options.signal)) {
            for (const frame of decoder.push(chunk)) {
              if (frame.stream === 'stderr') keep(frame.data);
              else yield frame.data;
            }
          }
          for (const frame of decoder.end()) {
            if (frame.stream === 'stderr') keep(frame.data);
            else yield frame.data;
          }
          const signal = options.signal ?? new AbortController().signal;
          finished({
            exitCode: await exitCodeOf(transport, execId, signal, action, resource),
            stderr: stderr.toString('utf8'),
          });
        } catch (error: unknown) {
          failed(stdout.destroyed ? unread() : error);
          throw error;
        } finally {
          response.destroy();
        }
      }
      const unread = () =>
        new EngineError('ENGINE_FAILED', `${action} ${resource}: the output was not read to its end`, {
          resource,
        });
      const stdout = Readable.from(frames(), { objectMode: false });
      // A reader that stops early (destroy) ends the generator: the exec's stream closes with it.
      stdout.once('close', () => failed(unread()));
      return { stdout, done };
    },

    async run(containerId, argv, options = {}) {
      const resource = `container ${containerId}`;
      if (argv.length === 0) {
        throw new EngineError('ENGINE_BAD_REQUEST', `exec in ${resource}: no command given`, {
          resource,
          hint: 'pass the command as an argv array, e.g. ["sh", "-c", "..."]',
        });
      }
      const controller = new AbortController();
      const onCallerAbort = () => controller.abort(options.signal?.reason);
      options.signal?.addEventListener('abort', onCallerAbort, { once: true });
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              controller.abort();
            }, options.timeoutMs);
      const signal = controller.signal;
      const action = `exec ${JSON.stringify(argv[0])} in`;
      let execId: string | undefined;
      try {
        const created = (await transport.json({
          method: 'POST',
          path: `/containers/${seg(containerId)}/exec`,
          body: toExecCreateBody(argv, options),
          signal,
          action,
          resource,
        })) as { Id?: string };
        execId = created.Id ?? '';
        const start = {
          method: 'POST' as const,
          path: `/exec/${seg(execId)}/start`,
          body: { Detach: false, Tty: false },
          signal,
          action,
          resource,
        };
        const input = options.stdin ? await feed(transport, start, options.stdin) : undefined;
        const response = input ? input.connection : await transport.stream(start);
        const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
        const stdout = new OutputBuffer(limit);
        const stderr = new OutputBuffer(limit);
        const decoder = new FrameDecoder();
        const context = { endpoint: transport.endpoint, action, resource };
        const take = (frame: { stream: 'stdout' | 'stderr'; data: Buffer }) => {
          (frame.stream === 'stderr' ? stderr : stdout).push(frame.data);
          options.onOutput?.(frame.stream, frame.data);
        };
        try {
          for await (const chunk of chunksOf(response, context, signal)) {
            for (const frame of decoder.push(chunk)) take(frame);
          }
        } catch (error: unknown) {
          // A failed input cut the connection: that failure is the one to report.
          throw input?.failure() ?? error;
        } finally {
          input?.close();
        }
        for (const frame of decoder.end()) take(frame);
        if (signal.aborted) throw signal.reason;
        const failure = input?.failure();
        if (failure !== undefined) throw failure;
        const exitCode = await exitCodeOf(transport, execId, signal, action, resource);
        return {
          exitCode,
          stdout: stdout.text(),
          stderr: stderr.text(),
          truncated: stdout.truncated || stderr.truncated,
        };
      } catch (err) {
        // Given up on (timeout, abort): the process must not run on unwatched.
        if (!timedOut && !options.signal?.aborted) throw err;
        const ended: EndOutcome =
          execId === undefined ? { kind: 'not-started' } : await endExec(transport, execId, argv, ends);
        if (!timedOut) throw err;
        throw new EngineError(
          'ENGINE_TIMEOUT',
          `${action} ${resource}: no exit within ${options.timeoutMs} ms (${describeEnd(ended)})`,
          { resource, cause: err },
        );
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onCallerAbort);
      }
    },
  };
}

/**
 * Starts an exec on a hijacked connection and streams `source` into its standard input (pipe keeps
 * the backpressure); the end of `source` half-closes the connection, which closes the input. A
 * failing source cuts the connection. Write errors after the process stopped reading (it exited
 * early) are not failures: its exit code says what happened.
 */
async function feed(transport: Transport, request: Parameters<Transport['hijack']>[0], source: Readable) {
  const connection = await transport.hijack(request);
  let failed: unknown;
  source.once('error', (error: unknown) => {
    failed = error;
    connection.destroy();
  });
  connection.on('error', () => undefined);
  source.pipe(connection);
  return {
    connection,
    failure: () => failed,
    close: () => {
      source.unpipe(connection);
      if (!source.readableEnded) source.destroy();
    },
  };
}

/**
 * The output stream can close a moment before the engine records the exit
 * code, so a still-"running" exec is asked again, a bounded number of times.
 */
async function exitCodeOf(
  transport: Transport,
  execId: string,
  signal: AbortSignal,
  action: string,
  resource: string,
): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const raw = (await transport.json({
      method: 'GET',
      path: `/exec/${seg(execId)}/json`,
      signal,
      action,
      resource,
    })) as { Running?: boolean; ExitCode?: number | null };
    if (raw.Running !== true && typeof raw.ExitCode === 'number') return raw.ExitCode;
    await delay(20, undefined, { signal });
  }
  throw new EngineError(
    'ENGINE_FAILED',
    `${action} ${resource}: output ended but the engine reports no exit code`,
    {
      resource,
    },
  );
}
