import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, sameValue } from './assemble.js';

describe('sameValue', () => {
  it('compares plain data deeply, key order included', () => {
    expect(sameValue({ a: [1, { b: null }], c: 'x' }, { a: [1, { b: null }], c: 'x' })).toBe(true);
    expect(sameValue({ a: 1, c: 2 }, { c: 2, a: 1 })).toBe(false);
    expect(sameValue({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameValue({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(sameValue({ a: null }, { a: {} })).toBe(false);
    expect(sameValue({ a: '1' }, { a: 1 })).toBe(false);
  });
});

describe('assemble', () => {
  it("hands back a lone file's own document when merging changed nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-assemble-'));
    const plain = join(dir, 'compose.yaml');
    const rebased = join(dir, 'rebased.yaml');
    await writeFile(plain, 'services:\n  web:\n    image: nginx\n');
    await writeFile(rebased, 'services:\n  web:\n    build: ./web\n');
    const input = { dir, lookup: () => undefined, env: {} };
    const one = await assemble({ ...input, files: [plain] });
    expect(one.raw).toBe(one.sources[0]?.raw);
    // The build context is made absolute: another document, checked again.
    const other = await assemble({ ...input, files: [rebased] });
    expect(other.raw).not.toBe(other.sources[0]?.raw);
    expect(other.raw).not.toEqual(other.sources[0]?.raw);
  });
});
