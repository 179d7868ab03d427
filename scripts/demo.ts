/**
 * `npm run demo`: Berth's main job on the bundled examples.
 * 1. understand the stacks (validate the workspace, show the model and the start order);
 * 2. deploy examples/force1 on the local Docker engine in dependency order, gated on health,
 *    and print where it answers.
 * Where no engine answers, scripts/test-images.sh starts one (root on Debian) or says what to do.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, '.berth-demo');
mkdirSync(demoDir, { recursive: true, mode: 0o700 });

/** No default password ships with the example: the demo makes one, once, and keeps it (0600). */
function demoPassword(): string {
  const file = join(demoDir, 'db-password');
  if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

const env = {
  ...process.env,
  DB_PASSWORD: process.env.DB_PASSWORD ?? demoPassword(),
  BERTH_STATE_DIR: process.env.BERTH_STATE_DIR ?? join(demoDir, 'state'),
};
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
await step('Start order of every stack in the workspace', ['graph', 'examples/estate']);

io.stdout('\n━━ Docker engine and base images (built locally: no registry is needed)\n');
const images = spawnSync('bash', [join(root, 'scripts', 'test-images.sh'), 'all'], { stdio: 'inherit', env });
if (images.status !== 0) {
  io.stderr('demo: no Docker engine or base images; the lines above say what to do.\n');
  process.exit(1);
}

await step('What deploying force1 would change', ['plan', 'examples/force1']);
await step('Deploy force1: dependency order, health gates, rollback on failure', ['up', 'examples/force1']);
await step('What runs now', ['ps', 'force1']);
const port = process.env.WEB_PORT ?? '8080';
io.stdout(`\nforce1 answers at http://127.0.0.1:${port}/ (health: http://127.0.0.1:${port}/health.php)\n`);
io.stdout(`Try: npx berth logs force1 worker | npx berth deployments force1 | npx berth down force1\n`);
io.stdout(`(state: ${env.BERTH_STATE_DIR}; DB_PASSWORD: ${join(demoDir, 'db-password')})\n`);
