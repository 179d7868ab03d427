import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../../src/api/jobs.js';
import { manualClock } from '../../../src/clock.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { EventHub } from '../../../src/events/hub.js';
import { JobService } from '../../../src/jobs/service.js';
import { MASK } from '../../../src/secrets/detect.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { type DeployHarness, isAlive, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// Jobs against the real engine: exec and oneoff runs, overlap, timeouts that leave no process,
// budgets across periods and restarts, the sqlite presets, and secrets masked in the output.

const SERVICES = 'local/services:1';
const SECRET = 'sup3r-s3cret-t0ken-value';

const COMPOSE = `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    environment:
      API_TOKEN: \${API_TOKEN}
    x-berth:
      jobs:
        hello:
          schedule: "@every 1h"
          command: [sh, -c, "echo hello from $$HOSTNAME; echo warn >&2"]
        fresh:
          schedule: "@every 1h"
          run: oneoff
          command: [sh, -c, "echo fresh in $$HOSTNAME"]
        slow:
          schedule: "@every 1h"
          command: [sleep, "3"]
        stuck:
          schedule: "@every 1h"
          timeout: 2s
          command: [sh, -c, "sleep 300 & sleep 301"]
        stuck-oneoff:
          schedule: "@every 1h"
          run: oneoff
          timeout: 2s
          command: [sleep, "300"]
        leak:
          schedule: "@every 1h"
          command: [sh, -c, "echo token=$$API_TOKEN"]
        flaky:
          schedule: "@every 1h"
          retries: { count: 1, backoff: 1s }
          command: [sh, -c, "exit 3"]
        send:
          schedule: "@every 5m"
          timezone: Europe/Berlin
          command: [sh, -c, "n={remaining}; if [ $$n -gt 2000 ]; then n=2000; fi; echo sent $$n"]
          budget: { limit: 5000, per: day, consumed: "sent (?<n>\\\\d+)" }
  db:
    image: ${SERVICES}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    x-berth:
      jobs:
        integrity:
          schedule: "0 4 * * 0"
          preset: sqlite-integrity
          database: /tmp/app.db
        vacuum:
          schedule: "0 3 * * 0"
          preset: sqlite-vacuum
          database: /tmp/app.db
`;

let h: DeployHarness;
let stack: string;
let loaded: LoadedStack;

const service = (store: Store, clock = h.clock) =>
  new JobService({
    engine: async () => h.engine,
    store: () => store,
    clock,
    events: () => new EventHub(store.events),
    stacks: async () => [loaded],
    killGraceMs: 500,
  });

async function run(jobs: JobService, serviceName: string, job: string, lines?: string[]): Promise<JobRun> {
  const entry = await jobs.find({ stack, service: serviceName, job });
  return jobs.run(entry, { trigger: 'manual', ...(lines ? { onLine: (line) => lines.push(line) } : {}) });
}

/** Processes of a container that are still alive (zombies left for PID 1 to reap do not count). */
async function alive(container: string): Promise<string[]> {
  const r = await h.engine.exec.run(container, [
    'sh',
    '-c',
    'for d in /proc/[0-9]*; do s=$(cat $d/stat 2>/dev/null) || continue; echo "$s"; done',
  ]);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .filter((l) => (l.split(') ')[1] ?? '').split(' ')[0] !== 'Z')
    .map((l) => l.slice(l.indexOf('(') + 1, l.lastIndexOf(')')));
}

const appContainer = async () => {
  const [c] = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'app' });
  return c?.id ?? '';
};

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  const dir = h.writeStack(COMPOSE);
  writeFileSync(join(dir, '.env'), `API_TOKEN=${SECRET}\n`);
  loaded = await h.load(dir, stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
}, 180_000);

afterAll(async () => {
  await h?.cleanup();
});

describe('jobs on the real engine', () => {
  it('runs an exec job in the service container, keeping its output', async () => {
    const r = await run(service(h.store), 'app', 'hello');
    expect(r).toMatchObject({ status: 'succeeded', exitCode: 0, trigger: 'manual', attempt: 1 });
    // stdout and stderr are two streams: their lines keep their own order, not each other's.
    expect(
      r.output
        ?.split('\n')
        .filter((l) => l !== '')
        .sort(),
    ).toEqual([expect.stringMatching(/^hello from [0-9a-f]{12}$/), 'warn']);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs a oneoff job in a fresh container from the service, and removes it', async () => {
    const r = await run(service(h.store), 'app', 'fresh');
    expect(r).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(r.output).toMatch(/^fresh in /);
    expect(r.output).not.toContain((await appContainer()).slice(0, 12));
    const left = await h.engine.containers.list({ 'dev.berth.task': 'job:fresh' }, { all: true });
    expect(left).toEqual([]);
  });

  it('skips a run while the previous one still runs (overlap: skip)', async () => {
    const jobs = service(h.store);
    const first = run(jobs, 'app', 'slow');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await run(jobs, 'app', 'slow');
    expect(second).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/still running/) });
    expect(await first).toMatchObject({ status: 'succeeded' });
  });

  it('ends a timed-out exec job with every process it started', async () => {
    const r = await run(service(h.store), 'app', 'stuck');
    expect(r).toMatchObject({ status: 'timed-out', reason: expect.stringMatching(/no exit within 2 s/) });
    const left = await alive(await appContainer());
    expect(left.filter((name) => name === 'sleep')).toHaveLength(1); // PID 1, the service's own sleep
  });

  it('removes the container of a timed-out oneoff job', async () => {
    const r = await run(service(h.store), 'app', 'stuck-oneoff');
    expect(r.status).toBe('timed-out');
    expect(await h.engine.containers.list({ 'dev.berth.task': 'job:stuck-oneoff' }, { all: true })).toEqual(
      [],
    );
  });

  it('masks a secret value of the service in the output and in the live lines', async () => {
    const lines: string[] = [];
    const r = await run(service(h.store), 'app', 'leak', lines);
    expect(r.output).toBe(`token=${MASK}\n`);
    expect(lines).toEqual([`token=${MASK}`]);
    expect(JSON.stringify(h.store.events.after({ after: 0, limit: 10_000 }))).not.toContain(SECRET);
  });

  it('retries a failing job with backoff, recording each attempt', async () => {
    const r = await run(service(h.store), 'app', 'flaky');
    expect(r).toMatchObject({ status: 'failed', exitCode: 3, attempt: 2, reason: 'exit code 3' });
    const history = h.store.jobRuns.list({ stack, service: 'app', job: 'flaky' }, { limit: 5 }).items;
    expect(history.map((x) => [x.attempt, x.status])).toEqual([
      [2, 'failed'],
      [1, 'failed'],
    ]);
  });

  it('spends a budget per day in the job’s time zone, never beyond it, and across a restart', async () => {
    const clock = manualClock(new Date('2026-06-10T10:00:00Z'));
    const sent = async (jobs: JobService) => {
      const r = await run(jobs, 'app', 'send');
      return r.status === 'skipped' ? `skipped: ${r.reason}` : r.output;
    };
    const before = service(h.store, clock);
    expect(await sent(before)).toBe('sent 2000\n');
    expect(await sent(before)).toBe('sent 2000\n');
    expect(await sent(before)).toBe('sent 1000\n');
    // A restart: a new process on the same state file still sees the ledger.
    const reopened = openStore({ path: h.statePath, clock, isAlive });
    try {
      const after = service(reopened, clock);
      expect(await sent(after)).toMatch(
        /^skipped: budget spent: 5000 of 5000 this day \(resets at 2026-06-10T22:00:00.000Z\)/,
      );
      // Midnight in Berlin: the ledger starts over.
      await clock.advance(12 * 3_600_000);
      expect(await sent(after)).toBe('sent 2000\n');
    } finally {
      reopened.close();
    }
  });

  it('sqlite-integrity passes on a sound database and fails on a corrupted one; vacuum runs', async () => {
    const [db] = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'db' });
    const exec = (cmd: string) => h.engine.exec.run(db?.id ?? '', ['sh', '-c', cmd]);
    await exec(
      "sqlite3 /tmp/app.db 'PRAGMA page_size=1024; CREATE TABLE t(x TEXT); " +
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000) INSERT INTO t SELECT hex(randomblob(40)) FROM n;'",
    );
    const jobs = service(h.store);
    expect(await run(jobs, 'db', 'integrity')).toMatchObject({ status: 'succeeded', output: 'ok\n' });
    expect(await run(jobs, 'db', 'vacuum')).toMatchObject({ status: 'succeeded' });
    // Garbage over the middle of the file: b-tree pages no longer check out.
    await exec('dd if=/dev/urandom of=/tmp/app.db bs=1024 seek=20 count=20 conv=notrunc 2>/dev/null');
    const broken = await run(jobs, 'db', 'integrity');
    expect(broken.status).toBe('failed');
    expect(broken.output).not.toBe('ok\n');
  });
});
