/**
 * `npm run demo`: Berth's main job on the bundled examples. Today that is understanding the stacks:
 * validate the workspace, print the normalized model and the dependency graph (start order).
 * Later capabilities grow this into serve → deploy → operate; the command stays the same.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// No default password ships with the example: the demo makes one for this run only.
const env = { ...process.env, DB_PASSWORD: process.env.DB_PASSWORD ?? randomBytes(18).toString('base64url') };
const io = { ...processIo(), env, cwd: root };

async function step(title: string, argv: string[]): Promise<void> {
  io.stdout(`\n━━ ${title}\n$ berth ${argv.join(' ')}\n`);
  const code = await main(argv, io);
  if (code !== 0) {
    io.stderr(`demo: \`berth ${argv.join(' ')}\` exited with ${code}\n`);
    process.exit(code);
  }
}

await step('Validate the example workspace (catalog + stacks)', ['validate', 'examples/estate']);
await step('Normalized model of force1 (interpolated, short syntax expanded)', ['config', 'examples/force1']);
await step('Start order of every stack in the workspace', ['graph', 'examples/estate']);
await step('The same graph as Mermaid, for docs', ['graph', 'examples/force1', '--format', 'mermaid']);
io.stdout('\ndemo: done. Try `npx berth validate <your stack folder>`.\n');
