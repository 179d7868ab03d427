import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/cli/commands/deploy.js';
import { main } from '../../src/cli/main.js';
import { berth, type CliRun } from '../support/cli.js';

// What a user sees when a command cannot do what it was asked: one `error CODE: …` line with a hint,
// the exit code of the kind of failure (2 for a bad command line or an output that cannot be written,
// 1 for a failure), and never a stack trace. In-process; the real binary is serve-errors.test.ts.

const root = mkdtempSync(join(tmpdir(), 'berth-cli-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = join(root, 'state');
const env = { HOME: root, BERTH_STATE_DIR: stateDir };
const stackTrace = /^\s+at |node:internal|triggerUncaughtException/m;

/** Runs main with a client factory; `connects` counts the clients asked for. */
async function run(argv: string[], factory: ClientFactory): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env,
      cwd: root,
    },
    factory,
  );
  return { code, stdout, stderr };
}

let connects = 0;
const counting: ClientFactory = () => {
  connects++;
  throw new TypeError("Cannot read properties of undefined (reading 'items')");
};

describe('berth serve where it cannot listen', () => {
  it('says the port is in use, exits 1, and opens no state', async () => {
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const res = await berth(['serve', '--port', String(port)], { cwd: root, env });
      expect(res).toEqual({
        code: 1,
        stdout: '',
        stderr: [
          `error ADDRESS_IN_USE: 127.0.0.1:${port} is in use by another process`,
          '  hint: stop that process, or pick another port with --port (or BERTH_PORT, or `port:` in the config file); 0 picks a free one',
          '',
        ].join('\n'),
      });
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      await new Promise<void>((done) => holder.close(() => done()));
    }
  });

  it('names the missing folder of --socket, and exits 1', async () => {
    const res = await berth(['serve', '--port', '0', '--socket', '/nonexistent/dir/b.sock'], {
      cwd: root,
      env,
    });
    expect(res).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error SERVE_CONFIG_INVALID: the folder /nonexistent/dir of --socket /nonexistent/dir/b.sock does not exist\n' +
        '  hint: create the folder, or choose another --socket path\n',
    });
    expect(existsSync(stateDir)).toBe(false);
  });
});

describe('bad option values are usage errors, found before anything is asked of the server', () => {
  it.each([
    [['logs', 'rv-web', '--since', 'yesterday'], "option '--since <when>' argument 'yesterday' is invalid"],
    [['logs', 'rv-web', '--since', 'March 7'], "argument 'March 7' is invalid"],
    [['logs', 'rv-web', '--tail', 'abc'], "option '--tail <n>' argument 'abc' is invalid"],
    [['logs', 'rv-web', '--tail', '-3'], 'expected a whole number of at least 0'],
    [['deployments', 'rv-web', '--limit', 'ten'], "option '--limit <n>' argument 'ten' is invalid"],
    [['deployments', 'rv-web', '--before', '0'], "option '--before <id>' argument '0' is invalid"],
  ])('berth %j exits 2', async (argv, message) => {
    connects = 0;
    const res = await run(argv, counting);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toMatch(stackTrace);
    expect(connects).toBe(0);
  });
});

describe('berth audit with an output it cannot write', () => {
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');

  it.each([
    [['-o', '/nonexistent/dir/x.md'], 'the report to /nonexistent/dir/x.md', '/nonexistent/dir', '--output'],
    [
      ['--write-baseline', '/nonexistent/b.json'],
      'the baseline to /nonexistent/b.json',
      '/nonexistent',
      '--write-baseline',
    ],
  ])('berth audit . %j exits 2, not the findings code', async (flags, what, folder, option) => {
    const res = await berth(['audit', '.', ...flags], { cwd: root, env });
    expect(res).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `error CANNOT_WRITE: cannot write ${what}: the folder ${folder} does not exist\n` +
        `  hint: create the folder, or give ${option} a path in one that exists\n`,
    });
  });
});

describe('an error Berth did not code', () => {
  it('ends as one line naming the command, exit 1, and no stack trace', async () => {
    const res = await run(['ps'], counting);
    expect(res).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "error INTERNAL: berth ps failed: Cannot read properties of undefined (reading 'items')\n" +
        '  hint: this is a bug in Berth; run the command again with -vv for the details, and report it\n',
    });
  });

  it('shows its stack at -vv or --log-level debug (in any case), and names a subcommand in full', async () => {
    for (const argv of [
      ['-vv', 'ps'],
      ['--log-level', 'debug', 'ps'],
      ['--log-level', 'DEBUG', 'ps'],
    ]) {
      const res = await run(argv, counting);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^error INTERNAL: berth ps failed: /);
      expect(res.stderr).toMatch(/^TypeError: Cannot read properties/m);
      expect(res.stderr).toMatch(/^\s+at /m);
    }
    const nested = await run(['job', 'list', 'rv-web'], counting);
    expect(nested.stderr).toMatch(/^error INTERNAL: berth job list failed: /);
  });
});
