import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_LOG_TAIL, BuildProgress, packContext } from './build.js';
import { EngineError } from './errors.js';
import type { BuildEvent } from './types.js';

function feed(progress: BuildProgress, messages: unknown[]): BuildEvent[] {
  return messages.flatMap((message) => progress.push(message));
}

describe('BuildProgress', () => {
  it('reassembles stream text into lines and reports the aux image id', () => {
    const progress = new BuildProgress();
    const events = feed(progress, [
      { stream: 'Step 1/2 : FROM local/busybox:1\n' },
      { stream: ' ---> 50aba0a4745f\n' },
      { stream: 'Step 2/2 : RUN echo hi' },
      { stream: '\n\n' },
      { status: 'Downloading', id: 'layer1', progressDetail: {} },
      { aux: { ID: 'sha256:abc' } },
      { stream: 'Successfully built abc\n' },
    ]);
    expect(events).toEqual([
      { type: 'log', line: 'Step 1/2 : FROM local/busybox:1' },
      { type: 'log', line: ' ---> 50aba0a4745f' },
      { type: 'log', line: 'Step 2/2 : RUN echo hi' },
      { type: 'log', line: 'layer1: Downloading' },
      { type: 'log', line: 'Successfully built abc' },
    ]);
    expect(progress.finish('t:1')).toEqual([{ type: 'done', imageId: 'sha256:abc' }]);
  });

  it('falls back to "Successfully built" when no aux message came', () => {
    const progress = new BuildProgress();
    feed(progress, [{ stream: 'Successfully built 0123abcd\nSuccessfully tagged t:1\n' }]);
    expect(progress.finish('t:1')).toEqual([{ type: 'done', imageId: '0123abcd' }]);
  });

  it('yields the error, then fails with ENGINE_FAILED carrying the last log lines', () => {
    const progress = new BuildProgress();
    const lines = Array.from({ length: BUILD_LOG_TAIL + 5 }, (_, i) => ({ stream: `line ${i}\n` }));
    const events = feed(progress, [
      ...lines,
      { stream: 'partial without newline' },
      {
        errorDetail: { code: 1, message: "The command '/bin/sh -c false' returned a non-zero code: 1" },
        error: "The command '/bin/sh -c false' returned a non-zero code: 1",
      },
    ]);
    expect(events.at(-2)).toEqual({ type: 'log', line: 'partial without newline' });
    expect(events.at(-1)).toEqual({
      type: 'error',
      message: "The command '/bin/sh -c false' returned a non-zero code: 1",
    });
    let thrown: unknown;
    try {
      progress.finish('shop/web:1');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EngineError);
    const error = thrown as EngineError;
    expect(error.code).toBe('ENGINE_FAILED');
    expect(error.message).toBe(
      "build of shop/web:1 failed: The command '/bin/sh -c false' returned a non-zero code: 1",
    );
    expect(error.details).toHaveLength(BUILD_LOG_TAIL);
    expect(error.details.at(-1)).toBe('partial without newline');
    expect(error.details[0]).toBe('line 6');
  });

  it('fails when the stream ends without an image id', () => {
    const progress = new BuildProgress();
    feed(progress, [{ stream: 'Step 1/1 : FROM x\n' }]);
    expect(() => progress.finish('t:1')).toThrow(/without reporting an image id/);
  });
});

describe('packContext', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function entries(dir: string, patterns: string[], dockerfile = 'Dockerfile') {
    const names: { name: string; uid: number | undefined }[] = [];
    const extractor = extract();
    extractor.on('entry', (header, stream, next) => {
      names.push({ name: header.name, uid: header.uid });
      stream.on('end', next);
      stream.resume();
    });
    const done = new Promise<void>((resolve, reject) => {
      extractor.on('finish', () => resolve());
      extractor.on('error', reject);
    });
    (await packContext(dir, patterns, dockerfile)).pipe(extractor);
    await done;
    return names;
  }

  it('leaves ignored files and folders out and sends everything as root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-engine-pack-'));
    dirs.push(dir);
    for (const path of [
      'Dockerfile',
      '.dockerignore',
      'app.txt',
      'secret.txt',
      'cache/a/b',
      'logs/keep.log',
      'logs/x',
    ]) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), path);
    }
    const packed = await entries(dir, ['secret.txt', 'cache', 'logs', '!logs/keep.log', 'Dockerfile']);
    // Excluded folders are not sent, not even empty: only the re-included file inside.
    expect(packed.map((e) => e.name)).toEqual(['.dockerignore', 'Dockerfile', 'app.txt', 'logs/keep.log']);
    expect(packed.every((e) => e.uid === 0)).toBe(true);
  });
});
