import { describe, expect, it } from 'vitest';
import { errors, settings } from '../../test/support/serve-config.js';

// The `backup:` section of the config file: stores, recipients, identity and the default store,
// checked where they are written.

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

describe('backup settings', () => {
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
      errors({ yaml: `backup:\n  stores: { s3: { type: s3, bucket: x } }\n  recipients: [${RECIPIENT}]\n` })
        .length,
    ).toBeGreaterThan(0);
  });
});
