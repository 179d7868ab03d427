import { describe, expect, it } from 'vitest';
import { berth } from '../support/cli.js';
import { writeTree } from '../support/tree.js';

// Asked for JSON, `berth config` and `berth graph --format json` answer an invalid stack in JSON on
// stdout, in the shape `berth validate --json` prints, and exit 1 as before; without JSON, text on stderr.

const BROKEN = 'services:\n  web:\n    image: busybox:1.36\n    helthcheck: {}\n';

interface Report {
  valid: boolean;
  files: Array<{
    path: string;
    valid: boolean;
    errors: Array<{ code: string; message: string; line: number; column: number; hint: string }>;
    warnings: unknown[];
  }>;
}

describe('config --json on invalid compose', () => {
  it.each([
    ['config', '--json'],
    ['graph', '--format', 'json'],
  ])('%s %s: the errors as JSON on stdout, exit 1, nothing on stderr', async (...argv) => {
    const dir = await writeTree({ 'compose.yaml': BROKEN });
    const run = await berth([...argv, '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toEqual({
      valid: false,
      files: [
        {
          path: 'compose.yaml',
          valid: false,
          errors: [
            {
              code: 'SPEC_UNKNOWN_KEY',
              message: expect.stringContaining('helthcheck'),
              line: 4,
              column: 5,
              hint: expect.stringContaining('healthcheck'),
            },
          ],
          warnings: [],
        },
      ],
    });
    // The same files and errors `berth validate --json` reports.
    const validate = JSON.parse((await berth(['validate', '--json', '.'], { cwd: dir })).stdout) as Report;
    expect(report.files).toEqual(validate.files);
  });

  it('says in JSON that there is no compose file at all', async () => {
    const dir = await writeTree({});
    const run = await berth(['config', '--json', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Report).files[0]?.errors[0]?.code).toBe('SPEC_NO_COMPOSE_FILE');
  });

  it('keeps text on stderr without --json', async () => {
    const dir = await writeTree({ 'compose.yaml': BROKEN });
    const run = await berth(['config', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^compose\.yaml:4:5: error SPEC_UNKNOWN_KEY/);
  });
});
