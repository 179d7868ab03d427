import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { berth } from '../support/cli.js';
import { writeTree } from '../support/tree.js';

const root = join(import.meta.dirname, '..', '..');
const env = { DB_PASSWORD: 'round-trip-secret' };

describe('berth config round-trip', () => {
  it.each(['examples/force1', 'examples/estate/notes'])(
    '%s: the printed compose loads back to the same model',
    async (stack) => {
      const first = await berth(['config', '--json', '--reveal', stack], { cwd: root, env });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const yaml = await berth(['config', '--reveal', stack], { cwd: root, env });
      const dir = await writeTree({});
      await writeFile(join(dir, 'compose.yaml'), yaml.stdout);
      const second = await berth(['config', '--json', '--reveal', '.'], { cwd: dir, env: {} });
      expect(second.stderr).toBe('');
      const model = (out: string) =>
        (JSON.parse(out) as { stacks: Array<{ model: unknown }> }).stacks[0]?.model;
      expect(model(second.stdout)).toEqual(model(first.stdout));
      expect(parse(yaml.stdout, { version: '1.1' })).toEqual(model(first.stdout));
    },
  );

  it('masks secret values unless --reveal is given', async () => {
    const masked = await berth(['config', 'examples/force1'], { cwd: root, env });
    expect(masked.stdout).not.toContain('round-trip-secret');
    expect(masked.stdout).toContain('APP_DB_PASSWORD: "********"');
    const shown = await berth(['config', '--reveal', 'examples/force1'], { cwd: root, env });
    expect(shown.stdout).toContain('round-trip-secret');
  });
});
