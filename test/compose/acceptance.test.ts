import { describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/compose/validate.js';
import { berth } from '../support/cli.js';
import { writeTree } from '../support/tree.js';

const TYPO = `services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    restart: always
    helthcheck:
      test: ["CMD", "true"]
`;

describe('issue 2 acceptance', () => {
  it('a misspelt key at 7:5 gives file:7:5, SPEC_UNKNOWN_KEY and a did-you-mean hint; exit 1', async () => {
    const dir = await writeTree({ 'compose.yaml': TYPO });
    const text = await berth(['validate', 'compose.yaml'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('compose.yaml:7:5: error SPEC_UNKNOWN_KEY');
    expect(text.stdout).toContain('did you mean `healthcheck`?');

    const json = await berth(['validate', '--json', 'compose.yaml'], { cwd: dir });
    const report = JSON.parse(json.stdout) as ValidationReport;
    expect(json.code).toBe(1);
    expect(report.files).toEqual([
      {
        path: 'compose.yaml',
        valid: false,
        errors: [
          {
            code: 'SPEC_UNKNOWN_KEY',
            message: expect.stringContaining('helthcheck'),
            line: 7,
            column: 5,
            hint: expect.stringContaining('healthcheck'),
          },
        ],
        warnings: [],
      },
    ]);
  });

  it('rejects an alias bomb with a clear message (bounded: guarded by the test timeout)', {
    timeout: 5000,
  }, async () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghijk';
    for (let i = 1; i < names.length; i++) {
      rows.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(',')}]`,
      );
    }
    rows.push('services:', '  web:', '    image: x', '    command: *k');
    const dir = await writeTree({ 'compose.yaml': `${rows.join('\n')}\n` });
    const run = await berth(['validate', '--json', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ValidationReport;
    expect(report.files[0]?.errors[0]).toMatchObject({
      code: 'SPEC_YAML_ALIAS_LIMIT',
      message: expect.stringMatching(/alias bomb/),
    });
  });

  it('a depends_on cycle is an error that prints the cycle', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  web:
    image: a
    depends_on: [worker]
  worker:
    image: b
    depends_on:
      web:
        condition: service_healthy
`,
    });
    const run = await berth(['validate', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /SPEC_DEPENDENCY_CYCLE: dependency cycle: (web → worker → web|worker → web → worker)/,
    );
    expect(run.stdout).toMatch(/compose\.yaml:\d+:\d+: error SPEC_DEPENDENCY_CYCLE/);
  });

  it('a required variable (DB_PASSWORD:?set it) left unset names the variable, file and line', async () => {
    const dir = await writeTree({
      'stack/compose.yaml': `services:
  db:
    image: mariadb:11.4
    environment:
      MARIADB_PASSWORD: \${DB_PASSWORD:?set it}
`,
    });
    const run = await berth(['validate', 'stack'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /stack\/compose\.yaml:5:25: error SPEC_INTERPOLATION_REQUIRED: .*DB_PASSWORD.*set it/,
    );
    const ok = await berth(['validate', 'stack'], { cwd: dir, env: { DB_PASSWORD: 'x' } });
    expect(ok.code).toBe(0);
  });

  it('usage errors exit 2', async () => {
    const dir = await writeTree({});
    expect((await berth(['validate', '--nope'], { cwd: dir })).code).toBe(2);
    expect((await berth(['frobnicate'], { cwd: dir })).code).toBe(2);
    expect((await berth(['graph', '--format', 'svg'], { cwd: dir })).code).toBe(2);
  });
});
