import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ControlHarness,
  deployAndWait,
  LONG_JOB_COMPOSE,
  type OneStackWorkspace,
  oneStackWorkspace,
  postJson,
  startControl,
  stopOneStack,
} from './support.js';

// An error that escapes every handler of `berth serve` (planted here: a preload throws on SIGUSR2)
// is a defect: the server logs it as one fatal line, records the job run it was doing as
// interrupted, closes its store and exits 70, instead of Node's bare stack trace and exit 1.

let h: ControlHarness;
let ws: OneStackWorkspace | undefined;
let stack: string;
const preloadDir = mkdtempSync(join(tmpdir(), 'berth-crash-preload-'));
const preload = join(preloadDir, 'defect.cjs');

beforeAll(async () => {
  writeFileSync(
    preload,
    "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('planted defect for the crash test'); }));\n",
  );
  ws = oneStackWorkspace('crash', LONG_JOB_COMPOSE);
  stack = ws.stack;
  h = await startControl({ workspace: ws.workspace, env: { NODE_OPTIONS: `--require ${preload}` } });
}, 60_000);

afterAll(async () => {
  await stopOneStack(h, ws);
  rmSync(preloadDir, { recursive: true, force: true });
});

describe('berth serve crashing on a defect', () => {
  it('logs it, records the running job as interrupted, closes the store, exits 70', {
    timeout: 180_000,
  }, async () => {
    await deployAndWait(h, stack);
    const run = await postJson(h, `/api/v1/stacks/${stack}/jobs/app/long/run`);
    expect(run.status).toBe(202);
    const { id } = JSON.parse(run.body) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const exited = new Promise<number | null>((resolve) => h.server.process.once('exit', resolve));
    h.server.process.kill('SIGUSR2');
    expect(await exited).toBe(70);

    const output = h.server.output();
    const fatal = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } })
      .find((record) => record.msg === 'berth serve crashed: an uncaught exception');
    expect(fatal?.level).toBe(60);
    expect(fatal?.err?.message).toBe('planted defect for the crash test');
    expect(output).toContain('berth serve: stopped by an uncaught exception (a defect of Berth)');

    // The stop ran: the job run is recorded as interrupted (Node's default exit left it 'running').
    const db = new Database(join(h.stateDir, 'berth.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT kind, result_json FROM operations WHERE id = ?').get(id) as
        | { kind: string; result_json: string | null }
        | undefined;
      expect(row?.kind).toBe('job');
      expect(JSON.parse(row?.result_json ?? '{}')).toMatchObject({
        status: 'interrupted',
        reason: 'Berth stopped during the run',
      });
    } finally {
      db.close();
    }
  });
});
