import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun, type TestRun } from './support.js';

// Streamed exec output (database dumps) and the archive API (volume backups), on the real engine.

let run: TestRun;
let running: string;

beforeAll(async () => {
  run = await startRun();
  const { id } = await run.engine.containers.create(run.spec('stream'));
  running = id;
  await run.engine.containers.start(id);
});

afterAll(async () => {
  await run?.cleanup();
});

async function drain(stream: Readable): Promise<{ bytes: number; sha256: string; head: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = '';
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    if (head.length < 64) head += buffer.toString('utf8', 0, Math.min(buffer.length, 64));
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { bytes, sha256: hash.digest('hex'), head };
}

describe('exec.stream', () => {
  it('streams stdout whole and in order, with the exit code and the end of stderr', async () => {
    // 8 MiB of zeros through the exec stream: read as it comes, never held whole.
    const { stdout, done } = await run.engine.exec.stream(running, [
      'sh',
      '-c',
      'echo starting >&2; head -c 8388608 /dev/zero; echo finished >&2; exit 4',
    ]);
    const read = await drain(stdout);
    expect(read.bytes).toBe(8 * 1024 * 1024);
    expect(read.sha256).toBe(
      createHash('sha256')
        .update(Buffer.alloc(8 * 1024 * 1024))
        .digest('hex'),
    );
    expect(await done).toEqual({ exitCode: 4, stderr: 'starting\nfinished\n' });
  });

  it('reports a reader that stops early as a failure, not as a finished command', async () => {
    const { stdout, done } = await run.engine.exec.stream(running, ['sh', '-c', 'yes | head -c 50000000']);
    for await (const _chunk of stdout) break;
    await expect(done).rejects.toThrow(/not read to its end/);
  });
});

describe('container archives', () => {
  it('reads a path of a stopped container as tar, volumes included, and writes one back', async () => {
    const volume = run.name('archive-vol');
    await run.engine.volumes.create({ name: volume, labels: run.labels() });
    const writer = await run.engine.containers.create(
      run.spec('archive-writer', {
        command: [
          'sh',
          '-c',
          'mkdir -p /data/sub && echo hello > /data/sub/a.txt && chmod 640 /data/sub/a.txt',
        ],
        mounts: [{ type: 'volume', source: volume, target: '/data', readOnly: false }],
      }),
    );
    await run.engine.containers.start(writer.id);
    await run.engine.containers.wait(writer.id);
    // A container that never starts, with the volume read-only: the engine reads the volume for it.
    const reader = await run.engine.containers.create(
      run.spec('archive-reader', {
        mounts: [{ type: 'volume', source: volume, target: '/backup', readOnly: true }],
      }),
    );
    const tar = await run.engine.containers.getArchive(reader.id, '/backup');
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    const archive = Buffer.concat(chunks);
    expect(archive.includes(Buffer.from('backup/sub/a.txt'))).toBe(true);
    expect(archive.includes(Buffer.from('hello\n'))).toBe(true);

    // Written back into another volume through a container that never starts either.
    const target = run.name('archive-restored');
    await run.engine.volumes.create({ name: target, labels: run.labels() });
    const restorer = await run.engine.containers.create(
      run.spec('archive-restorer', {
        mounts: [{ type: 'volume', source: target, target: '/restore', readOnly: false }],
      }),
    );
    await run.engine.containers.putArchive(restorer.id, '/restore', Readable.from([archive]));
    const check = await run.engine.containers.create(
      run.spec('archive-check', {
        command: ['sh', '-c', 'cat /r/backup/sub/a.txt; stat -c %a /r/backup/sub/a.txt'],
        mounts: [{ type: 'volume', source: target, target: '/r', readOnly: true }],
      }),
    );
    await run.engine.containers.start(check.id);
    await run.engine.containers.wait(check.id);
    const logs: string[] = [];
    for await (const line of run.engine.logs.logs(check.id)) logs.push(line.line);
    expect(logs).toEqual(['hello', '640']);
  });
});
