import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { loadWorkspace } from '../stack.js';
import { loadPath } from './load-path.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures', import.meta.url));

describe('loadPath', () => {
  it("gives loadWorkspace's files and diagnostics, for folders, files and missing paths", async () => {
    const options = { env: { TAG: '1' }, registry: builtinXBerthRegistry() };
    const paths = [
      join(FIXTURES, 'estate'),
      join(FIXTURES, 'estate', 'minio'),
      join(FIXTURES, 'validate-pool'),
      join(FIXTURES, 'validate-pool', 'coolify-affine.yaml'),
      join(FIXTURES, 'no-such-folder'),
    ];
    for (const path of paths) {
      const { files, diagnostics } = await loadWorkspace(path, options);
      expect(await loadPath(path, options)).toEqual({ files, diagnostics });
    }
    // A catalog with several stacks and their env files, and a file with findings.
    expect((await loadPath(join(FIXTURES, 'estate'), options)).files.length).toBeGreaterThan(5);
    expect((await loadPath(paths[3] ?? '', options)).diagnostics.length).toBeGreaterThan(0);
  });
});
