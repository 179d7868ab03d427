import { describe, expect, it } from 'vitest';
import type { Engine, ExecOptions } from '../../engine/model.js';
import { type ContainerExec, capBytes, execInContainer, MAX_OUTPUT_BYTES } from './exec.js';
import { type CheckContext, runCheck } from './run.js';

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

/** An exec port that answers `result` and records what it was asked. */
function fakeExec(result: { exitCode: number; output: string }) {
  const calls: Array<{ argv: readonly string[]; options: Parameters<ContainerExec>[1] }> = [];
  const exec: ContainerExec = async (argv, options) => {
    calls.push({ argv, options });
    return result;
  };
  return { exec, calls };
}

describe('command probe', () => {
  it('runs the argv in the container: exit 0 is ok, the output is the body', async () => {
    const { exec, calls } = fakeExec({ exitCode: 0, output: 'all good\n' });
    const out = await runCheck(
      { type: 'command', argv: ['check-health', '--quick'] },
      ctx({ exec, timeoutMs: 4000 }),
    );
    expect(out).toMatchObject({ ok: true, measured: { body: 'all good\n' } });
    expect(out.measured.responseTimeMs).toBeGreaterThanOrEqual(0);
    expect(calls[0]?.argv).toEqual(['check-health', '--quick']);
    expect(calls[0]?.options.timeoutMs).toBe(4000);
    expect(calls[0]?.options.signal).toBeInstanceOf(AbortSignal);
  });

  it('fails a non-zero exit with the code; what it printed is output, apart (operators only)', async () => {
    const { exec } = fakeExec({ exitCode: 3, output: '\n  queue is stuck  \nsecond line\n' });
    const out = await runCheck({ type: 'command', argv: ['check'] }, ctx({ exec }));
    expect(out).toMatchObject({
      ok: false,
      error: 'exit 3',
      output: 'queue is stuck  \nsecond line',
      measured: { body: '\n  queue is stuck  \nsecond line\n' },
    });
    expect(out.error).not.toContain('stuck');
    const silent = fakeExec({ exitCode: 1, output: '' });
    expect(await runCheck({ type: 'command', argv: ['check'] }, ctx({ exec: silent.exec }))).toMatchObject({
      error: 'exit 1 (no output)',
    });
  });

  it('keeps output without control characters, and names a tool the image lacks', async () => {
    const coloured = fakeExec({ exitCode: 1, output: '\u0007\u001b[31mdisk full\u001b[0m\r\nmore' });
    expect(await runCheck({ type: 'command', argv: ['check'] }, ctx({ exec: coloured.exec }))).toMatchObject({
      error: 'exit 1',
      output: 'disk full\nmore',
    });
    const missing = fakeExec({
      exitCode: 126,
      output:
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "check": executable file not found in $PATH: unknown\r\n',
    });
    expect(await runCheck({ type: 'command', argv: ['check'] }, ctx({ exec: missing.exec }))).toMatchObject({
      ok: false,
      error: "exit 126: check is not in the container's image",
    });
  });

  it('keeps 64 KiB of output', async () => {
    const { exec } = fakeExec({ exitCode: 0, output: 'y'.repeat(MAX_OUTPUT_BYTES + 10) });
    const out = await runCheck({ type: 'command', argv: ['yes'] }, ctx({ exec }));
    expect(out.measured.body).toHaveLength(MAX_OUTPUT_BYTES);
    expect(capBytes('é'.repeat(4), 3)).toBe('é\uFFFD');
  });

  it('says when there is no container to run in, or the exec fails', async () => {
    expect(await runCheck({ type: 'command', argv: ['check'] }, ctx())).toMatchObject({
      ok: false,
      error: 'no running container to run check in',
    });
    const exec: ContainerExec = async () => {
      throw new Error('container abc is not running');
    };
    expect(await runCheck({ type: 'command', argv: ['check'] }, ctx({ exec }))).toMatchObject({
      ok: false,
      error: 'running check in the container failed: container abc is not running',
    });
  });

  it('ends on time even when the exec ignores its signal', async () => {
    const exec: ContainerExec = () => new Promise(() => undefined);
    const out = await runCheck({ type: 'command', argv: ['sleep', '60'] }, ctx({ exec, timeoutMs: 150 }));
    expect(out).toMatchObject({ ok: false, error: 'timed out after 150ms' });
    expect(out.latencyMs).toBeLessThan(1000);
  });
});

describe('execInContainer', () => {
  it("runs through the engine's exec with its timeout and signal, stdout and stderr in arrival order", async () => {
    const seen: Array<{ id: string; argv: readonly string[]; options: ExecOptions | undefined }> = [];
    const engine = {
      exec: {
        run: async (id: string, argv: readonly string[], options?: ExecOptions) => {
          seen.push({ id, argv, options });
          options?.onOutput?.('stdout', Buffer.from('one\n'));
          options?.onOutput?.('stderr', Buffer.from('two\n'));
          options?.onOutput?.('stdout', Buffer.from('three\n'));
          return { exitCode: 2, stdout: 'one\nthree\n', stderr: 'two\n', truncated: false };
        },
      },
    } as unknown as Engine;
    const signal = new AbortController().signal;
    const exec = execInContainer(engine, 'c0ffee');
    const result = await exec(['psql', '-c', 'SELECT 1'], {
      env: { PGPASSWORD: 'pw' },
      timeoutMs: 1234,
      signal,
    });
    expect(result).toEqual({ exitCode: 2, output: 'one\ntwo\nthree\n' });
    expect(seen[0]).toMatchObject({
      id: 'c0ffee',
      argv: ['psql', '-c', 'SELECT 1'],
      options: { env: { PGPASSWORD: 'pw' }, timeoutMs: 1234, signal, maxOutputBytes: MAX_OUTPUT_BYTES },
    });
  });

  it('keeps at most 64 KiB of merged output', async () => {
    const engine = {
      exec: {
        run: async (_id: string, _argv: readonly string[], options?: ExecOptions) => {
          for (let i = 0; i < 3; i++)
            options?.onOutput?.(i % 2 ? 'stderr' : 'stdout', Buffer.alloc(40_000, 'z'));
          return { exitCode: 0, stdout: '', stderr: '', truncated: true };
        },
      },
    } as unknown as Engine;
    const result = await execInContainer(engine, 'c')(['x'], {
      timeoutMs: 1000,
      signal: new AbortController().signal,
    });
    expect(result.output).toHaveLength(MAX_OUTPUT_BYTES);
  });
});
