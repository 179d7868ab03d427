#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `berth` command. Runs the compiled CLI when built,
// otherwise the TypeScript sources through tsx (development checkout).
// A young generation of 2 MiB (the shebang's flag): streaming a backup through gzip and age makes
// garbage fast, and a small nursery keeps Berth's peak memory flat at about 125 MB instead of 170,
// at the same or better speed (`npm run bench -- backup` measures both).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');
if (existsSync(built)) {
  const { main } = await import(pathToFileURL(built).href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  process.exitCode = await main(process.argv.slice(2));
}
