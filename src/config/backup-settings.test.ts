import { describe, expect, it } from 'vitest';
import { errors, settings } from '../../test/support/serve-config.js';

// The `backup:` section of the config file: stores, recipients, identity and the default store,
// checked where they are written.

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

describe('backup settings', () => {
  it('takes an S3-compatible store with its credentials named, never written', () => {
    const yaml = `backup:
  stores:
    offsite:
      type: s3
      bucket: acme-backups
      endpoint: http://127.0.0.1:9000
      accessKeyId: { env: S3_KEY }
      secretAccessKey: { file: s3-secret }
  recipients: [${RECIPIENT}]
`;
    const s = settings({ yaml, env: { S3_KEY: 'AKIA1' } });
    expect(s.backup?.stores.offsite).toEqual({
      type: 's3',
      bucket: 'acme-backups',
      prefix: '',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      accessKeyId: 'AKIA1',
      secretAccessKey: { file: expect.stringMatching(/\/etc\/s3-secret$/) },
      partSizeBytes: 8 * 1024 * 1024,
    });
    expect(errors({ yaml, env: {} }).map((e) => e.message)).toEqual([
      'backup.stores.offsite.accessKeyId names the variable S3_KEY, which is not set',
    ]);
    const inline = errors({ yaml: yaml.replace('{ env: S3_KEY }', 'AKIAINLINE') });
    expect(inline.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      expect.stringMatching(/^7:20 .*a credential is never written in the config file/),
    ]);
    expect(inline[0]?.hint).toMatch(/env:.*file:/);
    // The value written there may be the secret itself: it is not repeated.
    expect(JSON.stringify(inline)).not.toContain('AKIAINLINE');
  });

  it('resolves the paths of stores and identity against the file’s folder', () => {
    const s = settings({
      yaml: `backup:\n  stores:\n    local: { type: dir, path: ../backups }\n  recipients: [${RECIPIENT}]\n  identity: keys/backup.txt\n`,
    });
    expect(s.backup).toEqual({
      stores: { local: { type: 'dir', path: expect.stringMatching(/\/backups$/) } },
      recipients: [RECIPIENT],
      identityFile: expect.stringMatching(/\/etc\/keys\/backup\.txt$/),
    });
  });

  it('refuses what is not an age public key, an empty store list, ~ paths and unknown keys, where they are', () => {
    const found = errors({
      yaml: `backup:\n  stores: {}\n  recipients: [AGE-SECRET-KEY-1ABC]\n  identity: ~/key.txt\n  encrypt: true\n`,
    });
    expect(found.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      expect.stringMatching(/^2:11 .*at least one store/),
      expect.stringMatching(/^3:16 .*age public key/),
      expect.stringMatching(/^4:13 .*`~` is not expanded/),
      expect.stringMatching(/^5:3 .*unknown key `encrypt`/),
    ]);
    expect(found[1]?.hint).toMatch(/age-keygen/);
  });

  it('refuses a default store that is not among the stores, and a store that is not a folder', () => {
    expect(
      errors({
        yaml: `backup:\n  stores: { local: { type: dir, path: /b } }\n  recipients: [${RECIPIENT}]\n  defaultStore: offsite\n`,
      }).map((e) => e.message),
    ).toEqual([expect.stringMatching(/defaultStore names offsite/)]);
    expect(
      errors({ yaml: `backup:\n  stores: { x: { type: ftp, path: /b } }\n  recipients: [${RECIPIENT}]\n` })[0]
        ?.message,
    ).toMatch(/backup\.stores\.x/);
  });
});
