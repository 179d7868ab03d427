import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cannotWrite } from './write-error.js';

const root = mkdtempSync(join(tmpdir(), 'berth-write-error-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The error Node gives for writing `file` for real. */
function writeError(file: string): unknown {
  try {
    writeFileSync(file, 'x');
  } catch (error: unknown) {
    return error;
  }
  throw new Error(`${file} could be written`);
}

describe('cannotWrite', () => {
  it('names the missing folder', () => {
    const file = join(root, 'missing', 'report.md');
    const error = cannotWrite(writeError(file), file, 'the report', '--output');
    expect([error.code, error.message, error.hint]).toEqual([
      'CANNOT_WRITE',
      `cannot write the report to ${file}: the folder ${join(root, 'missing')} does not exist`,
      'create the folder, or give --output a path in one that exists',
    ]);
  });

  it('says a folder was given for a file, and a file stands where a folder should', () => {
    expect(cannotWrite(writeError(root), root, 'the baseline', '--write-baseline').message).toBe(
      `cannot write the baseline to ${root}: it is a folder`,
    );
    writeFileSync(join(root, 'plain'), '');
    const under = join(root, 'plain', 'b.json');
    expect(cannotWrite(writeError(under), under, 'the baseline', '--write-baseline').message).toBe(
      `cannot write the baseline to ${under}: a part of its folder path is a file, not a folder`,
    );
  });

  it('keeps the words of an error it has no wording for', () => {
    const error = cannotWrite(new Error('disk on fire'), '/x', 'the report', '--output');
    expect([error.message, error.hint]).toEqual([
      'cannot write the report to /x: disk on fire',
      'check the path given to --output',
    ]);
  });
});
