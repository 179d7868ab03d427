import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFERRED_FILES, deferModule, deferredPaths } from './dockerode.js';

const require = createRequire(import.meta.url);
const dirs: string[] = [];

/** A CommonJS file exporting one function, which counts its loads on globalThis under `key`. */
function realModule(key: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-defer-'));
  dirs.push(dir);
  const file = join(dir, 'real.cjs');
  writeFileSync(
    file,
    [
      `globalThis[${JSON.stringify(key)}] = (globalThis[${JSON.stringify(key)}] ?? 0) + 1;`,
      'module.exports = function (a, b) { return { self: this, sum: a + b }; };',
    ].join('\n'),
  );
  return file;
}

const loads = (key: string): number => ((globalThis as Record<string, unknown>)[key] as number) ?? 0;

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('deferModule', () => {
  it('loads the real module on the first call only, and forwards this and the arguments', () => {
    const key = `berthDefer${Math.random().toString(36).slice(2)}`;
    const file = realModule(key);
    expect(deferModule(file)).toBe(true);
    // What dockerode's own `require('./session')` gets: the stand-in, without loading the file.
    const standIn = require(file) as (this: unknown, a: number, b: number) => { self: unknown; sum: number };
    expect(loads(key)).toBe(0);
    const owner = { name: 'caller' };
    expect(standIn.call(owner, 2, 3)).toEqual({ self: owner, sum: 5 });
    expect(loads(key)).toBe(1);
    expect(standIn.call(owner, 4, 5).sum).toBe(9);
    expect(loads(key)).toBe(1);
    // Later requires get the real module, not the stand-in.
    expect(require(file)).not.toBe(standIn);
    expect(loads(key)).toBe(1);
  });

  it('leaves a module that is already loaded alone', () => {
    const key = `berthDefer${Math.random().toString(36).slice(2)}`;
    const file = realModule(key);
    const real = require(file);
    expect(deferModule(file)).toBe(false);
    expect(require(file)).toBe(real);
    expect(loads(key)).toBe(1);
  });
});

describe('deferredPaths', () => {
  it("names dockerode's session file and docker-modem's ssh file as dockerode resolves them", () => {
    const paths = deferredPaths();
    expect(paths).toHaveLength(DEFERRED_FILES.length);
    expect(paths[0]).toMatch(/node_modules[\\/]dockerode[\\/]lib[\\/]session\.js$/);
    expect(paths[1]).toMatch(/node_modules[\\/]docker-modem[\\/]lib[\\/]ssh\.js$/);
  });
});
