import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/audit/report/sarif.js';
import { fixtureReport } from '../support/audit-report.js';

/*
 * The SARIF 2.1.0 schema as shipped by @microsoft/jest-sarif (a devDependency, used for nothing but
 * this file): `sarif-2.1.0-rtm.5.json`, the schema of the 2.1.0 release. It is draft-04; ajv 8
 * reads it as draft-07 once its draft-04 `id`/`$schema` header is dropped (it uses no
 * draft-04-only keyword such as boolean exclusiveMinimum; every $ref is local).
 */
const require = createRequire(import.meta.url);
const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const {
  id: _id,
  $schema: _draft,
  ...schema
} = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;

// ajv and ajv-formats are CommonJS: under NodeNext the default import is `module.exports`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
// The schema's `language` pattern has a stray `]` that is only legal without the regex `u` flag.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

describe('SARIF output', () => {
  it('validates against the SARIF 2.1.0 schema, with suppressions, notifications and live facts', async () => {
    for (const options of [{}, { broken: true }, { live: { containers: [] } }]) {
      const log = JSON.parse(formatSarif(await fixtureReport(options))) as unknown;
      const valid = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('the schema check catches a broken log (the test can fail)', async () => {
    const log = JSON.parse(formatSarif(await fixtureReport())) as {
      runs: { results: { level: string }[] }[];
    };
    const result = log.runs[0]?.results[0];
    if (result) result.level = 'fatal';
    expect(validate(log)).toBe(false);
  });
});
