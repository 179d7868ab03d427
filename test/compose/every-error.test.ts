import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { type DiagnosticJson, validatePaths } from '../../src/compose/validate.js';
import { writeTree } from '../support/tree.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/every-error', import.meta.url));
const registry = builtinXBerthRegistry();

const brief = (d: DiagnosticJson) => `${d.line}:${d.column} ${d.code}`;

async function errorsOf(path: string): Promise<DiagnosticJson[]> {
  const report = await validatePaths([path], { env: {}, registry, threads: 1 });
  return report.files.flatMap((f) => f.errors);
}

/**
 * Each fixture holds independent mistakes: every one is reported at its own line and column, once,
 * with a message that names the key and a hint that says what to write.
 */
const CASES: readonly { fixture: string; errors: readonly string[] }[] = [
  {
    fixture: 'service-and-xberth.yaml',
    errors: [
      '6:5 SPEC_UNKNOWN_KEY',
      '8:9 SPEC_INVALID_VALUE',
      '11:25 SPEC_XBERTH_INVALID',
      '14:5 SPEC_XBERTH_UNKNOWN_KEY',
    ],
  },
  {
    fixture: 'backup.yaml',
    errors: [
      '9:9 SPEC_XBERTH_UNKNOWN_KEY',
      '10:19 SPEC_XBERTH_INVALID',
      '11:19 SPEC_XBERTH_INVALID',
      '12:24 SPEC_XBERTH_INVALID',
      // `kind` is wrong: `path` is not checked against it (no consequence reported).
      '17:15 SPEC_XBERTH_INVALID',
      '20:22 SPEC_XBERTH_INVALID',
      '23:13 SPEC_XBERTH_INVALID',
      '24:12 SPEC_XBERTH_INVALID',
    ],
  },
  {
    fixture: 'jobs.yaml',
    errors: [
      '9:21 SPEC_XBERTH_INVALID',
      '10:16 SPEC_XBERTH_INVALID',
      '12:20 SPEC_XBERTH_INVALID',
      '15:20 SPEC_XBERTH_INVALID',
      '16:28 SPEC_XBERTH_INVALID',
      '16:41 SPEC_XBERTH_INVALID',
      '17:51 SPEC_XBERTH_INVALID',
      // `command: 5` is wrong: the job is not also told it needs a command.
      '20:20 SPEC_XBERTH_INVALID',
      '21:20 SPEC_XBERTH_INVALID',
    ],
  },
  {
    fixture: 'probes.yaml',
    errors: [
      '10:19 SPEC_XBERTH_INVALID',
      '12:43 SPEC_XBERTH_INVALID',
      '15:17 SPEC_XBERTH_INVALID',
      // The interval is wrong: the timeout that follows from it is not reported.
      '16:21 SPEC_XBERTH_INVALID',
      '19:19 SPEC_XBERTH_INVALID',
      '20:20 SPEC_XBERTH_INVALID',
      '21:9 SPEC_XBERTH_INVALID',
      '23:21 SPEC_XBERTH_INVALID',
    ],
  },
  {
    fixture: 'service-fields.yaml',
    errors: [
      '7:13 SPEC_INVALID_VALUE',
      '8:7 SPEC_UNKNOWN_KEY',
      '11:20 SPEC_INVALID_VALUE',
      '12:18 SPEC_INVALID_VALUE',
      '15:19 SPEC_INVALID_VALUE',
      '16:9 SPEC_UNKNOWN_KEY',
      '18:17 SPEC_INVALID_VALUE',
      '19:9 SPEC_INVALID_VALUE',
      '21:9 SPEC_INVALID_VALUE',
      // volumes[0]'s source is wrong: it is not also checked as a bind mount.
      '24:17 SPEC_INVALID_TYPE',
      '25:9 SPEC_INVALID_VALUE',
      '27:9 SPEC_INVALID_VALUE',
      '28:18 SPEC_INVALID_TYPE',
      '30:15 SPEC_INVALID_VALUE',
      '31:14 SPEC_INVALID_TYPE',
      '33:9 SPEC_INVALID_VALUE',
      '34:9 SPEC_INVALID_TYPE',
      // A secret without its source, and a bad mode beside it.
      '36:9 SPEC_MISSING_KEY',
      '36:15 SPEC_INVALID_VALUE',
    ],
  },
  {
    fixture: 'top-level.yaml',
    errors: [
      '9:13 SPEC_INVALID_TYPE',
      '10:15 SPEC_INVALID_VALUE',
      '11:5 SPEC_UNKNOWN_KEY',
      '14:5 SPEC_UNKNOWN_KEY',
      '15:15 SPEC_INVALID_VALUE',
      '16:15 SPEC_INVALID_VALUE',
      // `external.name` conflicts with `name`, told beside the wrong `driver` of the same network.
      '18:22 SPEC_INVALID_VALUE',
      '20:13 SPEC_INVALID_TYPE',
      '23:15 SPEC_INVALID_VALUE',
      '24:11 SPEC_INVALID_TYPE',
    ],
  },
];

describe('validation reports every independent error of an object', () => {
  for (const { fixture, errors } of CASES) {
    it(`reports each error of ${fixture}`, async () => {
      const found = await errorsOf(join(FIXTURES, fixture));
      expect(found.map(brief)).toEqual(errors);
      for (const e of found) {
        expect(e.message).not.toBe('');
        expect(e.hint).not.toBe('');
      }
    });
  }

  it('says what is wrong with an x-berth value beside the compose errors of its file', async () => {
    const found = await errorsOf(join(FIXTURES, 'service-and-xberth.yaml'));
    expect(found[2]).toEqual({
      code: 'SPEC_XBERTH_INVALID',
      message: 'services.web.x-berth.deploy.health_timeout: invalid duration "soon"',
      line: 11,
      column: 25,
      hint: 'write a duration with a unit, like 30s, 2m or 1m30s',
    });
  });
});

describe('x-berth beside files that have errors of their own', () => {
  it('checks a block only one compose file writes, and leaves one an override also writes for the merge', async () => {
    const dir = await writeTree({
      'app/compose.yaml': `services:
  web:
    image: nginx
    restartt: always
    x-berth:
      jobs:
        sync: {command: [x]}
  db:
    image: postgres
    x-berth:
      deploy: {health_timeout: soon}
`,
      'app/compose.override.yaml': `services:
  web:
    x-berth:
      jobs:
        sync: {schedule: "@daily"}
`,
    });
    const found = await errorsOf(join(dir, 'app'));
    expect(found.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`)).toEqual([
      '4:5 SPEC_UNKNOWN_KEY services.web: unknown key `restartt`',
      '11:32 SPEC_XBERTH_INVALID services.db.x-berth.deploy.health_timeout: invalid duration "soon"',
    ]);
  });

  it('masks a value from .env in an x-berth finding beside compose errors', async () => {
    const dir = await writeTree({
      'app/.env': 'TIMEOUT=hunter2xyz\n',
      'app/compose.yaml': `services:\n  web:\n    image: nginx\n    restartt: x\n    x-berth:\n      deploy: {health_timeout: "\${TIMEOUT}"}\n`,
    });
    const found = await errorsOf(join(dir, 'app'));
    expect(found.map((e) => e.code)).toEqual(['SPEC_UNKNOWN_KEY', 'SPEC_XBERTH_INVALID']);
    expect(JSON.stringify(found)).not.toContain('hunter2xyz');
  });

  it('leaves the x-berth of a service that extends another for the merge', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  base:
    image: nginx
    x-berth:
      jobs:
        sync: {schedule: "@daily", command: [y]}
  web:
    extends: base
    restartt: always
    x-berth:
      jobs:
        sync: {command: [x]}
`,
    });
    const found = await errorsOf(join(dir, 'compose.yaml'));
    expect(found.map(brief)).toEqual(['9:5 SPEC_UNKNOWN_KEY']);
  });
});
