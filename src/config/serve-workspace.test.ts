import { describe, expect, it } from 'vitest';
import { CWD, FILE, FILE_DIR } from '../../test/support/serve-config.js';
import { formatServeConfigProblem, resolveServeConfig, type ServeConfigInput } from './serve.js';
import type { PathProbe } from './serve-types.js';
import { probePath } from './serve-workspace.js';

const only =
  (present: string): PathProbe =>
  (path) =>
    path === present ? 'found' : 'missing';

function printed(input: Omit<ServeConfigInput, 'cwd'>): string[] {
  const result = resolveServeConfig({ cwd: CWD, ...input });
  return result.ok ? [] : result.errors.map((e) => formatServeConfigProblem(e).trimEnd());
}

describe('the workspace of berth serve', () => {
  it('must exist, whether given by flag, variable or file, and is named as it was given', () => {
    const probe = only('/srv/stacks');
    expect(printed({ flags: { workspace: '/srv/stacks' }, env: {}, probe })).toEqual([]);
    expect(printed({ flags: { workspace: 'ws' }, env: {}, probe })).toEqual([
      `error SERVE_CONFIG_INVALID: --workspace ws: no such folder or file (${CWD}/ws)\n` +
        '  hint: give the folder of your stacks (with berth.yaml or stack folders) or a compose file; a relative path is relative to the current folder',
    ]);
    expect(printed({ flags: {}, env: { BERTH_WORKSPACE: '/srv/gone' }, probe })).toEqual([
      expect.stringMatching(
        /^error SERVE_CONFIG_INVALID: BERTH_WORKSPACE=\/srv\/gone: no such folder or file\n/,
      ),
    ]);
    const file = { path: FILE, text: 'port: 0\nworkspace: stacks\n' };
    expect(printed({ flags: {}, env: {}, file, probe })).toEqual([
      `${FILE}:2:12: error SERVE_CONFIG_INVALID: workspace: stacks: no such folder or file (${FILE_DIR}/stacks)\n` +
        "  hint: give the folder of your stacks (with berth.yaml or stack folders) or a compose file; a relative path is relative to the config file's folder",
    ]);
  });

  it('is reported with the other problems, and says when it cannot be read', () => {
    const probe: PathProbe = () => ({ error: 'EACCES' });
    expect(printed({ flags: { workspace: '/srv/stacks', port: 'http' }, env: {}, probe })).toEqual([
      expect.stringContaining('--port http is not a TCP port'),
      'error SERVE_CONFIG_INVALID: --workspace /srv/stacks: cannot be read (EACCES)\n' +
        '  hint: check its permissions: the user running `berth serve` must be able to read it',
    ]);
  });

  it('is the current folder when none is given, not looked at', () => {
    expect(printed({ flags: {}, env: {}, probe: () => 'missing' })).toEqual([]);
  });

  it('is looked at on the filesystem by probePath', () => {
    expect(probePath('/')).toBe('found');
    expect(probePath('/nonexistent-berth-path/x')).toBe('missing');
  });
});
