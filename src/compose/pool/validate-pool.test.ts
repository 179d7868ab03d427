import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { reportOf, validatePaths } from '../validate.js';
import { batchSize, loadInPool, poolSize, semiSpaceFlag } from './validate-pool.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/validate-pool', import.meta.url));
const files = readdirSync(FIXTURES)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => join(FIXTURES, name));
const registrySource = {
  url: new URL('../../app/registry.js', import.meta.url).href,
  export: 'builtinXBerthRegistry',
};
const options = { env: { TAG: '1' }, registry: builtinXBerthRegistry(), cwd: FIXTURES };
describe('validatePaths in a pool of worker threads', () => {
  it('reports the same diagnostics, in the same order, as in this thread', async () => {
    // Twice over, and a folder: more paths than batches, so batches come back out of order.
    const paths = [...files, FIXTURES, ...files.slice().reverse()];
    const here = await validatePaths(paths, { ...options, threads: 1 });
    // The pool itself (validatePaths would fall back to this thread if it failed).
    const loads = await loadInPool(paths, { registry: registrySource, env: options.env }, 3);
    const read = [...new Set(loads.flatMap((l) => l.files))];
    expect(
      reportOf(
        read,
        loads.flatMap((l) => l.diagnostics),
        FIXTURES,
      ),
    ).toEqual(here);
    expect(await validatePaths(paths, { ...options, registrySource, threads: 3 })).toEqual(here);
    // Without a registry: the workers build theirs, and so does this thread when it loads.
    const sourced = { env: options.env, cwd: FIXTURES, registrySource };
    expect(await validatePaths(paths, { ...sourced, threads: 2 })).toEqual(here);
    expect(await validatePaths(paths, { ...sourced, threads: 1 })).toEqual(here);
    // The fixtures hold what is worth comparing: valid files, and errors and warnings of many kinds.
    expect(here.files.filter((f) => f.valid).length).toBeGreaterThan(1);
    const codes = new Set(here.files.flatMap((f) => [...f.errors, ...f.warnings].map((d) => d.code)));
    expect(codes.size).toBeGreaterThanOrEqual(12);
  }, 60_000);

  it('validates in this thread without a registry source, and with threads: 1', async () => {
    const plain = await validatePaths(files, options);
    expect(plain.files.map((f) => f.path)).toEqual(files.map((f) => f.slice(FIXTURES.length + 1)));
  });

  it('falls back to this thread when the workers fail', async () => {
    const broken = { url: registrySource.url, export: 'noSuchFunction' };
    await expect(loadInPool(files, { registry: broken, env: {} }, 2)).rejects.toThrow(
      /exports no function noSuchFunction/,
    );
    const here = await validatePaths(files, { ...options, threads: 1 });
    expect(await validatePaths(files, { ...options, registrySource: broken, threads: 2 })).toEqual(here);
  }, 60_000);

  it("sets the process's own young generation back once the workers have theirs", () => {
    expect(semiSpaceFlag(['--max-semi-space-size=2'])).toBe('--max-semi-space-size=2');
    expect(semiSpaceFlag(['--max-semi-space-size=2', '--inspect', '--max-semi-space-size=8'])).toBe(
      '--max-semi-space-size=8',
    );
    expect(semiSpaceFlag(['--inspect'])).toBe('--max-semi-space-size=0');
  });

  it('sizes the pool to the cores and the batches to the work', () => {
    expect(poolSize(907, 8)).toBe(8);
    expect(poolSize(20, 8)).toBe(2);
    expect(poolSize(1, 8)).toBe(1);
    expect(batchSize(907, 2)).toBe(16);
    expect(batchSize(31, 3)).toBe(3);
    expect(batchSize(1, 4)).toBe(1);
  });
});
