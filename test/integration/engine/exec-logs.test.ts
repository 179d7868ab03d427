import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src/engine/model.js';
import { collect, startRun, type TestRun, waitFor } from './support.js';

let run: TestRun;
let running: string;

beforeAll(async () => {
  run = await startRun();
  const { id } = await run.engine.containers.create(
    run.spec('exec', {
      // Ten numbered lines on stdout, odd ones also on stderr, then a line a second (for follow).
      command: [
        'sh',
        '-c',
        'i=1; while [ $i -le 10 ]; do echo "out $i"; [ $((i % 2)) -eq 1 ] && echo "err $i" >&2; i=$((i+1)); done; ' +
          'while true; do echo tick; sleep 1; done',
      ],
    }),
  );
  running = id;
  await run.engine.containers.start(id);
});

afterAll(async () => {
  await run?.cleanup();
});

describe('exec', () => {
  it('returns the exit code with stdout and stderr kept apart', async () => {
    const result = await run.engine.exec.run(running, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', truncated: false });
  });

  it('passes argv verbatim (no shell), env, workdir and user', async () => {
    const result = await run.engine.exec.run(
      running,
      ['sh', '-c', 'echo "$1|$FOO|$(pwd)|$(id -u)"', 'sh', '$HOME; rm -rf'],
      {
        env: { FOO: 'bar baz' },
        workdir: '/proc',
        user: '1234',
      },
    );
    expect(result.stdout).toBe('$HOME; rm -rf|bar baz|/proc|1234\n');
    expect(result.exitCode).toBe(0);
  });

  it('keeps large and binary-adjacent output intact across frames', async () => {
    const result = await run.engine.exec.run(running, [
      'sh',
      '-c',
      'i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done',
    ]);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20000);
    expect(lines[19999]).toBe('line19999');
  });

  it('streams stdin into the process and closes it at the end (64 MiB, counted on the other side)', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) yield chunk;
      })(),
    );
    // wc only prints once its input is closed: an unclosed stdin would hang here.
    const result = await run.engine.exec.run(running, ['wc', '-c'], { stdin: source, timeoutMs: 120_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(String(64 * 1024 * 1024));
  });

  it('fails with the input’s error when the input fails half way, and the process sees its input end', async () => {
    const source = new Readable({ read() {} });
    source.push('partial line\n');
    setTimeout(() => source.destroy(new Error('the artifact failed to decrypt')), 200);
    await expect(run.engine.exec.run(running, ['cat'], { stdin: source, timeoutMs: 60_000 })).rejects.toThrow(
      'the artifact failed to decrypt',
    );
  });

  it('a process that exits without reading all of its input reports its own exit code', async () => {
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 256; i++) yield Buffer.alloc(1024 * 1024);
      })(),
    );
    const result = await run.engine.exec.run(running, ['sh', '-c', 'head -c 10 >/dev/null; exit 4'], {
      stdin: source,
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(4);
    expect(source.destroyed).toBe(true);
  });

  it('truncates output past maxOutputBytes', async () => {
    const result = await run.engine.exec.run(running, ['sh', '-c', 'echo 0123456789'], { maxOutputBytes: 4 });
    expect(result).toMatchObject({ stdout: '0123', truncated: true, exitCode: 0 });
  });

  it('fails with ENGINE_TIMEOUT when the command outlives timeoutMs', async () => {
    await expect(run.engine.exec.run(running, ['sleep', '30'], { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ENGINE_TIMEOUT',
    });
  });

  it('reports a missing executable through the exit code and the runtime message', async () => {
    const result = await run.engine.exec.run(running, ['/no/such/binary']);
    // 20.10 says 126 and writes the runtime's error unframed into the stream; newer engines say 127.
    expect([126, 127]).toContain(result.exitCode);
    expect(result.stdout + result.stderr).toContain('/no/such/binary');
  });

  it('refuses to exec in a stopped container with ENGINE_CONFLICT', async () => {
    const { id } = await run.engine.containers.create(run.spec('exec-stopped'));
    await expect(run.engine.exec.run(id, ['true'])).rejects.toMatchObject({ code: 'ENGINE_CONFLICT' });
  });
});

describe('logs', () => {
  it('returns the tail, demultiplexed and split into lines', async () => {
    await waitFor('the first lines', async () => {
      const lines = await collect(run.engine.logs.logs(running));
      return lines.some((l) => l.line === 'out 10') ? true : undefined;
    });
    const all = await collect(run.engine.logs.logs(running));
    expect(all.filter((l) => l.stream === 'stdout' && l.line.startsWith('out ')).map((l) => l.line)).toEqual(
      Array.from({ length: 10 }, (_, i) => `out ${i + 1}`),
    );
    expect(all.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual([
      'err 1',
      'err 3',
      'err 5',
      'err 7',
      'err 9',
    ]);

    const tail = await collect(run.engine.logs.logs(running, { tail: 2, timestamps: true }));
    expect(tail).toHaveLength(2);
    for (const line of tail) expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('follows new lines until the signal aborts', async () => {
    const controller = new AbortController();
    const seen: LogLine[] = [];
    for await (const line of run.engine.logs.logs(running, {
      follow: true,
      tail: 0,
      signal: controller.signal,
    })) {
      seen.push(line);
      if (seen.length === 2) controller.abort();
    }
    // The loop ended because of the abort: the container still runs and still logs.
    expect(seen.map((l) => l.line)).toEqual(['tick', 'tick']);
    expect((await run.engine.containers.inspect(running)).state).toBe('running');
  });

  it('ends a follow at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const lines = await collect(run.engine.logs.logs(running, { follow: true, signal: controller.signal }));
    expect(lines).toEqual([]);
  });

  it('reads a TTY container (raw, not multiplexed)', async () => {
    const { id } = await run.engine.containers.create(
      run.spec('tty', { tty: true, command: ['sh', '-c', 'echo one; echo two >&2'] }),
    );
    await run.engine.containers.start(id);
    await run.engine.containers.wait(id);
    const lines = await collect(run.engine.logs.logs(id));
    expect(lines).toEqual([
      { stream: 'stdout', line: 'one' },
      { stream: 'stdout', line: 'two' },
    ]);
  });

  it('reports logs of a missing container as ENGINE_NOT_FOUND', async () => {
    await expect(collect(run.engine.logs.logs(run.name('nope')))).rejects.toMatchObject({
      code: 'ENGINE_NOT_FOUND',
    });
  });
});
