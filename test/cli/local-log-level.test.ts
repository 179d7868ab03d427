import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BerthExit, runBerth } from '../support/serve-process.js';

// The real `berth` binary with `--local` and a log level setting it cannot use: it refuses as
// `berth serve` does (exit 2, the setting, what is valid) before it opens the state file or asks the
// engine anything. The engine is a socket that counts who connects and hangs up on them.

const root = mkdtempSync(join(tmpdir(), 'berth-local-log-level-'));
const workspace = join(root, 'ws');
const stateDir = join(root, 'state');
const socket = join(root, 'docker.sock');
let engine: Server;
let connections = 0;

beforeAll(async () => {
  mkdirSync(join(workspace, 'app'), { recursive: true });
  writeFileSync(join(workspace, 'app', 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');
  engine = createServer((c) => {
    connections++;
    c.destroy();
  });
  await new Promise<void>((done) => engine.listen(socket, done));
});

afterAll(async () => {
  await new Promise<void>((done) => engine.close(() => done()));
  rmSync(root, { recursive: true, force: true });
});

/** `node bin/berth.js --local ...args` against the counting socket; failed if it does not exit in 30 s. */
function berthLocal(args: readonly string[], env: Record<string, string>): Promise<BerthExit> {
  return runBerth(['--local', ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      BERTH_STATE_DIR: stateDir,
      BERTH_WORKSPACE: workspace,
      DOCKER_HOST: `unix://${socket}`,
      ...env,
    },
    timeoutMs: 30_000,
  });
}

const LEVELS_HINT = '  hint: use one of trace, debug, info, warn, error, fatal, silent\n';

describe('berth --local with a log level setting it cannot use', () => {
  it('refuses `up` on a bad BERTH_LOG_LEVEL and an unknown component: exit 2, nothing opened or asked', async () => {
    const exit = await berthLocal(['up', 'app'], {
      BERTH_LOG_LEVEL: 'verbose',
      BERTH_LOG_LEVEL_ENGNE: 'debug',
    });
    expect(exit).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error LOG_LEVEL_INVALID: BERTH_LOG_LEVEL=verbose: `verbose` is not a log level\n' +
        LEVELS_HINT +
        'error LOG_COMPONENT_UNKNOWN: BERTH_LOG_LEVEL_ENGNE=debug: Berth has no log component `engne`\n' +
        '  hint: did you mean BERTH_LOG_LEVEL_ENGINE? the components are alerts, backup, deploy, engine, health, http, jobs, server, web\n',
    });
    expect(existsSync(stateDir)).toBe(false);
    expect(connections).toBe(0);
  }, 40_000);

  it('refuses a --log-level that is not a level, and a bad component level, the same way', async () => {
    const flag = await berthLocal(['--log-level', 'loud', 'ps'], {});
    expect(flag).toEqual({
      code: 2,
      stdout: '',
      stderr: `error LOG_LEVEL_INVALID: --log-level loud: \`loud\` is not a log level\n${LEVELS_HINT}`,
    });
    const component = await berthLocal(['down', 'app'], { BERTH_LOG_LEVEL_DEPLOY: 'chatty' });
    expect([component.code, component.stderr]).toEqual([
      2,
      `error LOG_LEVEL_INVALID: BERTH_LOG_LEVEL_DEPLOY=chatty: \`chatty\` is not a log level\n${LEVELS_HINT}`,
    ]);
    expect(existsSync(stateDir)).toBe(false);
    expect(connections).toBe(0);
  }, 40_000);
});
