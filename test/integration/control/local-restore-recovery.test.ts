import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRecord } from '../../../src/api/operations.js';
import { connectEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/model.js';
import { openStore, processIsAlive } from '../../../src/store/index.js';
import { backupConfigArgs, runBerth, type ServeChild, serveOver } from '../../support/serve-process.js';
import { type BerthChild, spawnBerth } from '../deploy/berth-child.js';
import { waitFor } from '../engine/support.js';
import { engineEvents, type OneStackWorkspace, oneStackWorkspace } from './support.js';

// `kill -9` of `berth --local backup restore` once it has taken its safety backup and stopped a
// dependent: the restore was recorded as an operation owned by that process, so the next
// `--local` command that changes the stack, or the next `berth serve` start, records it as
// interrupted and starts the dependent again. A restore whose `--local` process is alive is left
// running by a server start.

/** `web` depends on `files` (a volume backed up); its `sleep` ignores SIGTERM, so its stop takes 20 s. */
const COMPOSE = `services:
  files:
    image: local/busybox:1
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    volumes: [files:/srv]
    x-berth:
      backup: { kind: volume }
  web:
    image: local/busybox:1
    command: ["sleep", "600"]
    stop_grace_period: 20s
    depends_on: [files]
volumes:
  files: {}
`;

let ws: OneStackWorkspace | undefined;
let engine: Engine;
let root: string;
let args: string[];
let env: Record<string, string>;
let stateDir: string;
let home: string;
let source: string;
let serve: ServeChild | undefined;
/** The restore of the last test while it runs: killed if that test fails first. */
let running: BerthChild | undefined;

const stack = () => ws?.stack ?? '';
const web = () => `${stack()}-web-1`;

const local = async (...argv: string[]) => {
  const run = await runBerth(['--local', ...argv], { env, cwd: root, timeoutMs: 180_000 });
  expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
  return run;
};

/** The stack's restore operations, newest first, as the state file has them. */
function restores(): OperationRecord[] {
  const store = openStore({
    path: join(stateDir, 'berth.db'),
    clock: { now: () => new Date() },
    isAlive: processIsAlive,
  });
  try {
    return store.operations.list(stack(), 50).filter((o) => o.kind === 'restore');
  } finally {
    store.close();
  }
}

const stateOf = async (name: string) =>
  (await engine.containers.list({ 'dev.berth.stack': stack() }, { all: true })).find((c) => c.name === name)
    ?.state;

/** A `berth --local` restore of `source`, resolved once the engine sent web its stop signal. */
async function restoreUntilWebStops(): Promise<BerthChild> {
  const seen = engineEvents(engine, web());
  const child = spawnBerth(['--local', 'backup', 'restore', stack(), source], env);
  try {
    await waitFor(
      'the restore stopping web',
      async () => (child.output().includes(`stopping ${web()}`) ? true : undefined),
      { attempts: 600 },
    );
    await seen.until((e) => e.action === 'kill', 'the engine sending web its stop signal');
    return child;
  } finally {
    seen.close();
  }
}

/** Kills the restore with SIGKILL while web stops, and waits until the engine finished that stop. */
async function killMidRestore(): Promise<{ pid: number }> {
  const seen = engineEvents(engine, web());
  const child = await restoreUntilWebStops();
  const pid = child.child.pid ?? 0;
  child.child.kill('SIGKILL');
  await child.exited;
  await seen.until((e) => e.action === 'die', 'web dying after its 20 s grace');
  seen.close();
  await waitFor('web recorded as exited', async () =>
    (await stateOf(web())) === 'exited' ? true : undefined,
  );
  expect(restores()[0]?.status).toBe('running');
  return { pid };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-local-restore-'));
  args = await backupConfigArgs(root);
  ws = oneStackWorkspace('lrest', COMPOSE);
  stateDir = join(root, 'state');
  home = join(root, 'home');
  mkdirSync(home);
  env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    BERTH_STATE_DIR: stateDir,
    BERTH_WORKSPACE: ws.workspace,
    BERTH_CONFIG: args[1] ?? '',
  };
  engine = await connectEngine({});
  await local('up', stack());
  await local('backup', 'run', stack(), 'files');
  const store = openStore({
    path: join(stateDir, 'berth.db'),
    clock: { now: () => new Date() },
    isAlive: processIsAlive,
  });
  source = store.backups.list({ stack: stack(), service: 'files', status: 'completed' })[0]?.id ?? '';
  store.close();
  expect(source).not.toBe('');
}, 240_000);

afterAll(async () => {
  if (running?.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  await serve?.stop('SIGTERM');
  if (ws)
    await runBerth(['--local', 'down', ws.stack, '--volumes'], { env, cwd: root, timeoutMs: 120_000 }).catch(
      () => undefined,
    );
  ws?.remove();
  rmSync(root, { recursive: true, force: true });
});

describe('berth --local backup restore killed midway', () => {
  it('is recovered by the next --local command on the stack', { timeout: 240_000 }, async () => {
    const { pid } = await killMidRestore();
    const op = restores()[0];
    const ps = await local('up', stack());
    expect(ps.stderr).toContain(`recovered from interrupted restore ${op?.id} of backup ${source}`);
    expect(ps.stderr).toContain(`started ${web()} again`);
    expect(await stateOf(web())).toBe('running');
    const ended = restores().find((o) => o.id === op?.id);
    expect(ended?.status).toBe('interrupted');
    expect(ended?.error?.message).toContain(`the berth --local process (pid ${pid} on`);
    expect(ended?.error?.message).toContain('its safety backup is');
  });

  it('is recovered by the next berth serve start', { timeout: 240_000 }, async () => {
    await killMidRestore();
    const op = restores()[0];
    serve = await serveOver({ home, stateDir, workspace: ws?.workspace ?? '' }, { args });
    await waitFor(
      'the recovery starting web again',
      async () => (serve?.output().includes(`started ${web()} again`) ? true : undefined),
      { attempts: 600 },
    );
    expect(serve.output()).toContain(`recovered from interrupted restore ${op?.id} of backup ${source}`);
    expect(await stateOf(web())).toBe('running');
    expect(restores().find((o) => o.id === op?.id)?.status).toBe('interrupted');
    await serve.stop('SIGTERM');
    serve = undefined;
  });

  it('is left running by a server start while its process lives', { timeout: 240_000 }, async () => {
    const child = await restoreUntilWebStops();
    running = child;
    const op = restores()[0];
    serve = await serveOver({ home, stateDir, workspace: ws?.workspace ?? '' }, { args });
    // Listening: its start recorded what it found interrupted. The restore still runs (web's stop
    // takes 20 s), and it was not taken for one a dead process left.
    expect(child.child.exitCode, child.output()).toBeNull();
    expect(restores().find((o) => o.id === op?.id)?.status).toBe('running');
    expect(await child.exited, child.output()).toBe(0);
    expect(restores().find((o) => o.id === op?.id)?.status).toBe('succeeded');
    expect(serve.output()).not.toContain(`interrupted restore ${op?.id}`);
    expect(await stateOf(web())).toBe('running');
    await serve.stop('SIGTERM');
    serve = undefined;
  });
});
