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

  it('masks a .env value wherever it landed: a label, a URL, a healthcheck, as the API does', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  web:
    image: busybox:1.36
    labels: { rv.note: "pw=\${DB_PASSWORD}" }
    environment:
      DATABASE_URL: mysql://app:\${DB_PASSWORD}@db/app
    healthcheck:
      test: ["CMD", "wget", "-q", "http://app:\${DB_PASSWORD}@127.0.0.1/"]
`,
      '.env': 'DB_PASSWORD=Sup3rSecretRV42xyz\n',
    });
    for (const args of [
      ['config', '.'],
      ['config', '--json', '.'],
    ]) {
      const masked = await berth(args, { cwd: dir, env: {} });
      expect(masked.code).toBe(0);
      expect(masked.stdout).not.toContain('Sup3rSecretRV42xyz');
      expect(masked.stdout).toContain('pw=********');
      expect(masked.stdout).toContain('mysql://app:********@db/app');
    }
    const shown = await berth(['config', '--reveal', '.'], { cwd: dir, env: {} });
    expect(shown.stdout).toContain('http://app:Sup3rSecretRV42xyz@127.0.0.1/');
  });
});
