import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type BerthExit, runBerth } from '../support/serve-process.js';

// The real `berth` binary where it cannot start: the process ends by itself with exit code 1 and one
// coded error, no Node crash report, and no half-started server left behind.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = mkdtempSync(join(tmpdir(), 'berth-serve-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `node bin/berth.js ...args`, resolved when it exits; killed (and failed) if it does not within 20 s. */
function berthProcess(
  args: readonly string[],
  env: Record<string, string>,
  bin?: string,
): Promise<BerthExit> {
  return runBerth(args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    timeoutMs: 20_000,
    ...(bin ? { bin } : {}),
  });
}

describe('berth serve as a process', () => {
  it('on a port in use: one coded error, exit 1, no crash, no state written', async () => {
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const stateDir = join(root, 'state');
    try {
      const exit = await berthProcess(['serve', '--port', String(port)], {
        HOME: root,
        BERTH_STATE_DIR: stateDir,
      });
      expect(exit.code).toBe(1);
      expect(exit.stdout).toBe('');
      expect(exit.stderr).toBe(
        `error ADDRESS_IN_USE: 127.0.0.1:${port} is in use by another process\n` +
          '  hint: stop that process, or pick another port with --port (or BERTH_PORT, or `port:` in the config file); 0 picks a free one\n',
      );
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      await new Promise<void>((done) => holder.close(() => done()));
    }
  });

  it('on a state folder it cannot make, after taking the port: exit 1, the socket removed', async () => {
    const socket = join(root, 'b.sock');
    const exit = await berthProcess(['serve', '--port', '0', '--socket', socket], {
      HOME: root,
      BERTH_STATE_DIR: '/dev/null/state',
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(
      /^error STORE_IO: cannot create the state folder \/dev\/null\/state\n {2}hint: /,
    );
    expect(exit.stderr).not.toMatch(/^\s+at |node:internal/m);
    expect(existsSync(socket)).toBe(false);
  });
});

describe('the berth binary', () => {
  it('installed without its build or tsx: says so and what to run, exit 70, no stack trace', async () => {
    const bin = join(root, 'bare', 'bin', 'berth.js');
    mkdirSync(dirname(bin), { recursive: true });
    copyFileSync(join(repoRoot, 'bin', 'berth.js'), bin);
    const exit = await berthProcess(['--version'], { HOME: root }, bin);
    expect(exit.code).toBe(70);
    expect(exit.stderr).toBe(
      `berth: could not start: ${join(root, 'bare', 'dist', 'cli', 'main.js')} is missing and tsx is not ` +
        'installed, so the sources cannot run either; run `npm run build` (or `npm ci` for a development checkout)\n',
    );
  });
});
