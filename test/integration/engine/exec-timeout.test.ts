import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun, type TestRun, waitFor } from './support.js';

// An exec that times out or is aborted ends the process it started (and its descendants), like
// Docker ends a healthcheck that runs too long; nothing else in the container is touched.

let run: TestRun;
let box: string;

beforeAll(async () => {
  run = await startRun();
  const { id } = await run.engine.containers.create(run.spec('exec-timeout', { command: ['sleep', '3600'] }));
  box = id;
  await run.engine.containers.start(id);
});

afterAll(async () => {
  await run?.cleanup();
});

/** The command lines of the container's processes, read from its /proc (zombies have none). */
async function commands(): Promise<string[]> {
  const r = await run.engine.exec.run(
    box,
    ['sh', '-c', 'for d in /proc/[0-9]*; do tr "\\000" " " < "$d/cmdline" 2>/dev/null; echo; done'],
    { timeoutMs: 10_000 },
  );
  return r.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Resolves once none of `lines` runs in the container; fails when one still does after ~3 s. */
async function gone(...lines: string[]): Promise<void> {
  await waitFor(
    `${lines.join(', ')} to end`,
    async () => ((await commands()).some((line) => lines.includes(line)) ? undefined : true),
    { attempts: 30, intervalMs: 100 },
  );
}

describe('exec timeout and abort', () => {
  it('kills a timed-out shell command (which the shell replaced itself with)', async () => {
    await expect(
      run.engine.exec.run(box, ['sh', '-c', 'sleep 300'], { timeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: 'ENGINE_TIMEOUT',
      message: expect.stringMatching(
        /no exit within 500 ms \(the process was killed: pid \d+ and 0 descendants, SIGKILL\)$/,
      ),
    });
    await gone('sleep 300');
  });

  it('kills a timed-out argv command', async () => {
    await expect(run.engine.exec.run(box, ['sleep', '300'], { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'ENGINE_TIMEOUT',
      message: expect.stringContaining('the process was killed'),
    });
    await gone('sleep 300');
  });

  it('kills the processes a timed-out shell started', async () => {
    const argv = ['sh', '-c', 'sleep 300 & sleep 301; wait'];
    await expect(run.engine.exec.run(box, argv, { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'ENGINE_TIMEOUT',
      message: expect.stringContaining('and 2 descendants'),
    });
    await gone('sleep 300', 'sleep 301', 'sh -c sleep 300 & sleep 301; wait');
  });

  it('kills the process of an aborted exec, and still fails with the caller’s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    setTimeout(() => controller.abort(reason), 500);
    await expect(run.engine.exec.run(box, ['sleep', '302'], { signal: controller.signal })).rejects.toBe(
      reason,
    );
    await gone('sleep 302');
  });

  it('leaves everything else in the container running', async () => {
    await run.engine.exec.run(box, ['sh', '-c', 'sleep 303 >/dev/null 2>&1 &'], { timeoutMs: 10_000 });
    await expect(run.engine.exec.run(box, ['sleep', '300'], { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'ENGINE_TIMEOUT',
    });
    await gone('sleep 300');
    expect(await commands()).toEqual(expect.arrayContaining(['sleep 3600', 'sleep 303']));
    expect((await run.engine.containers.inspect(box)).state).toBe('running');
  });

  it('leaves an exec that ends in time alone', async () => {
    const result = await run.engine.exec.run(box, ['sh', '-c', 'sleep 0.2; echo done'], {
      timeoutMs: 10_000,
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'done\n', stderr: '', truncated: false });
    expect(await commands()).toContain('sleep 3600');
  });
});
