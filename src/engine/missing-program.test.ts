import { describe, expect, it } from 'vitest';
import { isMissingProgram, runtimeSaysMissing } from './missing-program.js';

describe('isMissingProgram', () => {
  it.each([
    [127, '', true],
    [126, '', true],
    [1, 'OCI runtime exec failed: exec: "sqlite3": executable file not found in $PATH', true],
    [1, 'exec: "x": not found in $PATH', true],
    [0, '', false],
    [1, 'sqlite3: no such table', false],
    [2, 'pg_dump: connection refused', false],
  ])('exit %i, %j → %s', (exitCode, output, missing) => {
    expect(isMissingProgram(exitCode, output)).toBe(missing);
  });

  it('reads the runtime’s message alone, whatever the exit code', () => {
    expect(runtimeSaysMissing('exec: "curl": executable file not found in $PATH')).toBe(true);
    expect(runtimeSaysMissing('sh: curl: not found')).toBe(false);
  });
});
