import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ControlHarness,
  deployAndWait,
  LONG_JOB_COMPOSE,
  type OneStackWorkspace,
  oneStackWorkspace,
  startControl,
  stopOneStack,
} from './support.js';

// SIGTERM while `berth job run` follows a run: the CLI prints the run, interrupted, instead of
// losing it to a server that is gone by the time it asks for the run's record.

let h: ControlHarness;
let workspace: string;
let ws: OneStackWorkspace | undefined;
let stack: string;

beforeAll(async () => {
  ws = oneStackWorkspace('shutjob', LONG_JOB_COMPOSE);
  ({ workspace, stack } = ws);
  h = await startControl({ workspace, env: {}, args: ['--shutdown-grace', '1'] });
}, 60_000);

afterAll(() => stopOneStack(h, ws));

/** Whether the stack has a job operation running (the CLI's run has started). */
async function jobRunning(): Promise<boolean> {
  const list = JSON.parse((await h.fetchText(`/api/v1/stacks/${stack}/operations`)).body) as {
    items?: Array<{ kind: string; status: string }>;
  };
  return (list.items ?? []).some((o) => o.kind === 'job' && o.status === 'running');
}

describe('berth serve shutdown during a job run', () => {
  it('tells the CLI following the run that it was interrupted', { timeout: 180_000 }, async () => {
    await deployAndWait(h, stack);
    // `berth job run` follows the run; the server is stopped under it.
    const cli = h.cli(['job', 'run', stack, 'app', 'long']);
    const deadline = Date.now() + 30_000;
    while (!(await jobRunning())) {
      if (Date.now() > deadline) throw new Error('the job run did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await h.server.stop('SIGTERM', 60_000)).toBe(0);
    const run = await cli;
    // The outcome reaches the client: the run, interrupted, not "cannot reach the server".
    expect(run.stderr).not.toMatch(/SERVER_UNREACHABLE|SERVER_GONE/);
    expect(run.stdout).toMatch(/interrupted/);
    expect(run.stdout).toMatch(/Berth stopped during the run/);
    expect(run.code).not.toBe(0);
  });
});
