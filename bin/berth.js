#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `berth` command. Runs the compiled CLI when built,
// otherwise the TypeScript sources through tsx (development checkout).
// A young generation of 2 MiB (the shebang's flag): streaming a backup through gzip and age makes
// garbage fast, and a small nursery keeps Berth's peak memory flat at about 125 MB instead of 170,
// at the same or better speed (`npm run bench -- backup` measures both).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The AWS SDK (S3 stores) warns on Node 20 that its versions after January 2027 will need Node 22.
// Berth pins its SDK version (package-lock.json), so the notice is for Berth's maintainers (the
// README's Development section says so), not for an operator running a backup: it is turned off
// unless the environment says otherwise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');

/** The CLI's `main`: compiled when built, else the sources through tsx (which only a dev install has). */
async function loadMain() {
  if (existsSync(built)) return (await import(pathToFileURL(built).href)).main;
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    throw new Error(
      `${built} is missing and tsx is not installed, so the sources cannot run either; ` +
        'run `npm run build` (or `npm ci` for a development checkout)',
    );
  }
  // The checkout's tsconfig.json, wherever berth is started from: tsx would otherwise look for one
  // in the working folder, and without it the dashboard's JSX (hono/jsx) does not compile.
  tsx.register({ tsconfig: join(root, 'tsconfig.json') });
  return (await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href)).main;
}

// main answers every error it knows with a message and an exit code; what escapes it is a defect
// (or a broken install), said as such with its stack, exit 70 (EX_SOFTWARE), never an empty crash.
let main;
try {
  main = await loadMain();
} catch (error) {
  process.stderr.write(`berth: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(70);
}
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `berth: internal error (a defect of Berth; please report it with this text):\n${text}\n`,
  );
  process.exitCode = 70;
}
