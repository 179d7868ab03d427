/**
 * `npm run demo`: Berth's main job on the bundled examples, through its API.
 * 1. understand the stacks offline (validate the workspace, show the start order);
 * 2. start `berth serve` on the examples, create its first admin with the one-time setup token
 *    (there is no default password), and log the CLI in;
 * 3. deploy examples/force1 through the API, with live progress, list its scheduled jobs and run
 *    one;
 * 4. show force1's health (every container's built-in probe and its HTTP probe with conditions)
 *    and send a test alert to a webhook channel whose receiver (in this process) checks the signature;
 * 5. deploy examples/magnetiq (nginx + a Python API + SQLite, built from Debian packages), back its
 *    database up (encrypted with an age key the demo makes), prove the backup by a restore drill
 *    into a scratch container, list the backups, and print the URLs and credentials it created.
 * Where no engine answers, scripts/test-images.sh starts one (root on Debian) or says what to do.
 * On a terminal the server keeps running until Ctrl-C; otherwise (CI) it stops at the end.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { processIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { startServeChild } from '../test/support/serve-process.js';
import { startWebhookReceiver } from './demo/webhook.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, '.berth-demo');
mkdirSync(demoDir, { recursive: true, mode: 0o700 });

/** A secret the demo makes once and keeps (0600): no default password ships with Berth or the example. */
function kept(name: string): string {
  const file = join(demoDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * The server's config file: backups go to a folder of the demo, encrypted to an age key pair made
 * once (the secret key, 0600, stays outside the store, as it should in production); alerts go to
 * the demo's webhook receiver, signed with a secret the server reads from its environment.
 */
async function serveConfig(webhookUrl: string): Promise<string> {
  const keyFile = join(demoDir, 'backup-key.txt');
  if (!existsSync(keyFile)) writeFileSync(keyFile, `${await generateIdentity()}\n`, { mode: 0o600 });
  const recipient = await identityToRecipient(readFileSync(keyFile, 'utf8').trim());
  const file = join(demoDir, 'serve.yaml');
  writeFileSync(
    file,
    [
      '# written by npm run demo',
      'backup:',
      '  stores:',
      `    local: { type: dir, path: ${JSON.stringify(join(demoDir, 'backups'))} }`,
      `  recipients: [${recipient}]`,
      `  identity: ${JSON.stringify(keyFile)}`,
      'alerts:',
      '  channels:',
      '    demo-hook:',
      '      type: webhook',
      `      url: ${JSON.stringify(webhookUrl)}`,
      '      secret: { env: BERTH_DEMO_WEBHOOK_SECRET }',
      '  rules:',
      '    - channels: [demo-hook]',
      '      minSeverity: warning',
      '      remind: 30m',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

const stateDir = process.env.BERTH_STATE_DIR ?? join(demoDir, 'state');
const configDir = join(demoDir, 'config');
const apiPort = process.env.BERTH_DEMO_PORT ?? '7300';
const webPort = process.env.WEB_PORT ?? '8080';
const magnetiqPort = process.env.MAGNETIQ_PORT ?? '8090';
const adminPassword = kept('admin-password');
const dbPassword = process.env.DB_PASSWORD ?? kept('db-password');
// The CLI's login is kept in the demo folder, so the demo never replaces your own `berth login`.
// validate and graph read the files here, so they see the same DB_PASSWORD as the server.
const cliEnv = {
  ...process.env,
  DB_PASSWORD: dbPassword,
  XDG_CONFIG_HOME: configDir,
  BERTH_URL: undefined,
  BERTH_TOKEN: undefined,
};

async function step(title: string, argv: string[], stdin?: string): Promise<void> {
  process.stdout.write(
    `\n━━ ${title}\n$ berth ${argv.join(' ')}${stdin !== undefined ? ' < (secret)' : ''}\n`,
  );
  const io = {
    ...processIo(),
    env: cliEnv,
    cwd: root,
    ...(stdin !== undefined ? { readStdin: async () => stdin } : {}),
  };
  const code = await main(argv, io);
  if (code !== 0) {
    process.stderr.write(`demo: \`berth ${argv.join(' ')}\` exited with ${code}\n`);
    await server?.stop();
    process.exit(code);
  }
}

let server: Awaited<ReturnType<typeof startServeChild>> | undefined;

/** Waits (at most a minute) until a probe has its first result: probes run on their own interval. */
async function waitForProbe(stack: string, service: string, probe: string): Promise<void> {
  process.stdout.write(`\n━━ Wait for the first result of ${stack}/${service} probe ${probe}\n`);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    let out = '';
    const io = {
      ...processIo(),
      env: cliEnv,
      cwd: root,
      stdout: (t: string) => (out += t),
      stderr: () => true,
    };
    await main(['health', stack, '--json'], io);
    const list = JSON.parse(out || '{"items":[]}') as {
      items: { service: string; probe: string; last?: unknown }[];
    };
    if (list.items.some((p) => p.service === service && p.probe === probe && p.last !== undefined)) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  process.stderr.write(`demo: ${stack}/${service} probe ${probe} has no result after a minute\n`);
}

await step('Validate the example workspace (catalog + stacks)', ['validate', 'examples/estate']);
await step('Start order of every stack in the workspace', ['graph', 'examples/estate']);

process.stdout.write('\n━━ Docker engine and base images (built locally: no registry is needed)\n');
const images = spawnSync('bash', [join(root, 'scripts', 'test-images.sh'), 'all'], { stdio: 'inherit' });
if (images.status !== 0) {
  process.stderr.write('demo: no Docker engine or base images; the lines above say what to do.\n');
  process.exit(1);
}

const webhookSecret = kept('webhook-secret');
const receiver = await startWebhookReceiver(webhookSecret, (line) => process.stdout.write(`${line}\n`));

process.stdout.write(`\n━━ Start the Berth API on 127.0.0.1:${apiPort} (workspace: examples/)\n`);
server = await startServeChild({
  args: ['--port', apiPort, '--config', await serveConfig(receiver.url)],
  env: {
    ...process.env,
    BERTH_STATE_DIR: stateDir,
    BERTH_WORKSPACE: join(root, 'examples'),
    BERTH_LOG_LEVEL: process.env.BERTH_LOG_LEVEL ?? 'warn',
    BERTH_DEMO_WEBHOOK_SECRET: webhookSecret,
    // The stack's variables are the server's: force1 needs a database password and a port.
    DB_PASSWORD: dbPassword,
    WEB_PORT: webPort,
    MAGNETIQ_PORT: magnetiqPort,
  },
}).catch((error: unknown) => {
  process.stderr.write(
    `demo: berth serve did not start (is port ${apiPort} free? set BERTH_DEMO_PORT)\n${String(error)}\n`,
  );
  process.exit(1);
});
const url = server.url;
process.stdout.write(`berth serve is listening at ${url}\n`);
process.stdout.write(
  `dashboard: ${url}/ (log in as admin, password in ${join(demoDir, 'admin-password')})\n`,
);

const setupToken = join(stateDir, 'setup-token');
if (existsSync(setupToken)) {
  await step(
    'First start: create the admin with the one-time setup token, and log the CLI in',
    ['admin', 'init', url, '--username', 'admin', '--setup-token-file', setupToken, '--password-stdin'],
    adminPassword,
  );
} else {
  await step(
    'Log the CLI in as the admin created earlier',
    ['login', url, '--username', 'admin', '--password-stdin'],
    adminPassword,
  );
}

await step('What deploying force1 would change (GET /api/v1/stacks/force1/plan)', ['plan', 'force1']);
await step('Deploy force1 through the API: dependency order, health gates, rollback on failure', [
  'up',
  'force1',
]);
await step('What runs now', ['ps', 'force1']);
await step('Its scheduled jobs (x-berth.jobs): Mautic-style cron work and a budgeted mail send', [
  'job',
  'list',
  'force1',
]);
await step('Run one now, with its output live', ['job', 'run', 'force1', 'web', 'segments']);
await waitForProbe('force1', 'web', 'home');
await step('Its health: every container’s built-in probe, and the HTTP probe of x-berth.probes', [
  'health',
  'force1',
]);
await step('Test the alert channel: a signed webhook to the receiver this demo runs', [
  'alert',
  'test',
  'demo-hook',
]);
await step('Recent alerts and their deliveries', ['alert', 'list']);
await step('Deploy magnetiq: nginx in front of a Python API that keeps its notes in SQLite', [
  'up',
  'magnetiq',
]);
process.stdout.write('\n━━ Write two notes through magnetiq (POST /api/notes)\n');
for (const text of ['deployed by npm run demo', 'backed up and drilled next']) {
  const answer = await fetch(`http://127.0.0.1:${magnetiqPort}/api/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  process.stdout.write(`${answer.status} ${text}\n`);
}
await step('Back its database up now: SQLite online backup, gzip, age-encrypted, then a restore drill', [
  'backup',
  'run',
  'magnetiq',
  'api',
]);
await step('Its backups: a backup counts as good once its drill passed', ['backup', 'list', 'magnetiq']);

process.stdout.write(
  [
    '',
    '━━ Done',
    `force1:      http://127.0.0.1:${webPort}/   (health: http://127.0.0.1:${webPort}/health.php)`,
    `magnetiq:    http://127.0.0.1:${magnetiqPort}/`,
    `Dashboard:   ${url}/   (log in as admin; viewers see the same pages without the buttons)`,
    `Berth API:   ${url}/api/v1/openapi.json   (every route but health, readiness, login and setup needs a token)`,
    `admin login: user admin, password in ${join(demoDir, 'admin-password')} (0600)`,
    `CLI token:   ${join(configDir, 'berth', 'credentials.json')} (0600)`,
    `DB password: ${join(demoDir, 'db-password')} (0600)`,
    `Backups:     ${join(demoDir, 'backups')}   (age key: ${join(demoDir, 'backup-key.txt')}, 0600)`,
    `Try:         XDG_CONFIG_HOME=${configDir} npx berth logs force1 worker`,
    `             XDG_CONFIG_HOME=${configDir} npx berth job history force1 web segments`,
    `             XDG_CONFIG_HOME=${configDir} npx berth backup list magnetiq --json`,
    `             XDG_CONFIG_HOME=${configDir} npx berth audit-log`,
    `             XDG_CONFIG_HOME=${configDir} npx berth health force1   (alerts go to ${receiver.url})`,
    '',
  ].join('\n'),
);

if (process.stdout.isTTY && !process.env.CI) {
  process.stdout.write('berth serve keeps running; press Ctrl-C to stop it (the stacks keep running).\n');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}
const code = await server.stop('SIGTERM');
await receiver.close();
// The stacks stay up to be tried; removing them goes through the demo's own state file and workspace.
const down = (stack: string) =>
  `BERTH_STATE_DIR=${stateDir} npx berth --local -w examples down ${stack} --volumes`;
process.stdout.write(
  [
    `berth serve stopped (exit ${code}); the "Try" commands need it running again.`,
    'The stacks keep running (containers, networks and volumes). To remove them and their data:',
    `  ${down('force1')}`,
    `  ${down('magnetiq')}`,
    `and \`rm -rf ${demoDir}\` for the demo's state, keys, backups and passwords.`,
    '',
  ].join('\n'),
);
