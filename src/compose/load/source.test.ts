import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecCode } from '../diagnostics.js';
import { decodeSource, readSource } from './source.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('decodeSource', () => {
  it('accepts UTF-8 and strips a BOM', () => {
    expect(decodeSource('f', enc('\uFEFFa: é\n'))).toEqual({ ok: true, text: 'a: é\n' });
  });

  it('rejects binary content at the NUL byte', () => {
    const r = decodeSource('f', enc('a: 1\nb: \u0000\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic).toMatchObject({ code: SpecCode.FileBinary, line: 2, column: 4 });
  });

  it('rejects non-UTF-8 content at the first bad byte', () => {
    const bytes = new Uint8Array([...enc('a: 1\nb: caf'), 0xe9, ...enc('\n')]);
    const r = decodeSource('f', bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic).toMatchObject({ code: SpecCode.FileNotUtf8, line: 2, column: 7 });
      expect(r.diagnostic.message).toContain('0xe9');
    }
  });

  it('rejects content over the size limit', () => {
    const r = decodeSource('f', enc('a: 1234567890\n'), { maxBytes: 8 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic.code).toBe(SpecCode.FileTooLarge);
  });
});

describe('readSource', () => {
  it('refuses a huge file from its size, and a folder, and a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-src-'));
    const big = join(dir, 'big.yaml');
    await writeFile(big, 'a'.repeat(2048));
    const r1 = await readSource(big, { maxBytes: 1024 });
    expect(r1.ok ? 'ok' : r1.diagnostic.code).toBe(SpecCode.FileTooLarge);
    const r2 = await readSource(dir);
    expect(r2.ok ? 'ok' : r2.diagnostic.code).toBe(SpecCode.FileUnreadable);
    const r3 = await readSource(join(dir, 'nope.yaml'));
    expect(r3.ok ? 'ok' : r3.diagnostic.message).toBe('file does not exist');
  });
});
