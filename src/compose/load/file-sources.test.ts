import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { loadWorkspace } from '../stack.js';

// Real files in a temp folder: a `file:` secret or config an active service uses must exist.

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-file-sources-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const COMPOSE = `services:
  app:
    image: local/busybox:1
    secrets: [db_pw]
    configs: [app_conf]
  debug:
    image: local/busybox:1
    profiles: [debug]
    secrets: [debug_key]
secrets:
  db_pw:
    file: ./secrets/db_pw.txt
  debug_key:
    file: ./debug.key
  unused:
    file: ./nowhere.txt
configs:
  app_conf: { file: ./app.conf }
`;

async function load(files: Record<string, string>, profiles: string[] = []) {
  const dir = join(root, 'shop');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const result = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry(), profiles });
  return result.diagnostics.map((d) => ({
    where: `${d.file.slice(dir.length + 1)}:${d.line}:${d.column}`,
    code: d.code,
    severity: d.severity,
    message: d.message,
    hint: d.hint,
  }));
}

describe('file: secrets and configs that do not exist', () => {
  it('are errors at their `file:` entry, with the resolved path and who uses them', async () => {
    const found = await load({ 'compose.yaml': COMPOSE });
    expect(found).toEqual([
      {
        where: 'compose.yaml:12:11',
        code: 'SPEC_SECRET_FILE_MISSING',
        severity: 'error',
        message: `secrets.db_pw.file: ${join(root, 'shop', 'secrets', 'db_pw.txt')} does not exist (the secret is used by app)`,
        hint: expect.stringContaining('create the file, or fix the path'),
      },
      {
        where: 'compose.yaml:18:21',
        code: 'SPEC_CONFIG_FILE_MISSING',
        severity: 'error',
        message: `configs.app_conf.file: ${join(root, 'shop', 'app.conf')} does not exist (the config is used by app)`,
        hint: expect.stringContaining('create the file, or fix the path'),
      },
    ]);
  });

  it('checks only what an active service uses: a disabled profile or an unused definition is left alone', async () => {
    const files = { 'compose.yaml': COMPOSE, 'secrets/db_pw.txt': 'pw', 'app.conf': 'c' };
    expect(await load(files)).toEqual([]);
    const debug = await load(files, ['debug']);
    expect(debug.map((d) => [d.where, d.code])).toEqual([['compose.yaml:14:11', 'SPEC_SECRET_FILE_MISSING']]);
  });

  it('points into the file that defines the secret (an override)', async () => {
    const found = await load({
      'compose.yaml': 'services:\n  app:\n    image: local/busybox:1\n    secrets: [pw]\n',
      'compose.override.yaml': 'secrets:\n  pw:\n    file: ./pw.txt\n',
    });
    expect(found.map((d) => [d.where, d.code])).toEqual([
      ['compose.override.yaml:3:11', 'SPEC_SECRET_FILE_MISSING'],
    ]);
  });

  it('notes the path as an input of the load, so a cached load sees the file once it is created', async () => {
    const dir = join(root, 'shop');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'compose.yaml'), COMPOSE);
    const result = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() });
    expect(result.inputs.get(join(dir, 'secrets', 'db_pw.txt'))).toBe('missing');
  });
});
