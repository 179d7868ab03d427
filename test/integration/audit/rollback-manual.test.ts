import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../../src/audit/live.js';
import { isParked } from '../../../src/engine/model.js';
import { berth } from '../../support/cli.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX, freePort } from '../engine/support.js';

// After a deploy that failed with `rollback: manual`, the replaced container stays parked as
// `<name>-berth-prev-<deployment>` for inspection. It is not a service's current state: the live
// audit must neither count it nor report it as a container nobody declared.

const compose = (port: number, healthy: boolean) => `x-berth:
  deploy:
    rollback: manual
    health_timeout: 6s
services:
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo up; exec sleep 600"]
    stop_signal: SIGKILL
    ports: ["127.0.0.1:${port}:8080"]   # a published port: replaced stop-first, so the old one is parked
    environment:
      RELEASE: "${healthy ? 'one' : 'two'}"
    healthcheck:
      test: ["CMD", "${healthy ? 'true' : 'false'}"]
      interval: 1s
      timeout: 2s
      retries: 1
`;

let h: DeployHarness;
let dir: string;
let stack: string;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  port = await freePort();
  const written = h.writeStack(compose(port, true));
  // The audit derives the project name from the folder: give the folder the stack's name.
  dir = join(dirname(written), stack);
  await rename(written, dir);
  const first = await h.deploy(await h.load(dir, stack));
  if (first.outcome !== 'succeeded') throw new Error(`first deploy of ${stack} ended ${first.outcome}`);
  await writeFile(join(dir, 'compose.yaml'), compose(port, false));
  const second = await h.deploy(await h.load(dir, stack));
  if (second.outcome !== 'failed') throw new Error(`second deploy of ${stack} ended ${second.outcome}`);
}, 120_000);

afterAll(async () => {
  await h?.cleanup();
});

describe('berth audit --live after a failed deploy with rollback: manual (real engine)', () => {
  it('leaves the failed state in place: the new container and the parked old one', async () => {
    const names = (await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true }))
      .map((c) => c.name)
      .sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe(`${stack}-web-1`);
    expect(names[1]).toMatch(new RegExp(`^${stack}-web-1-berth-prev-\\d+$`));
    expect(isParked({ name: names[1] ?? '' })).toBe(true);
  });

  it('does not see the parked container among what runs', async () => {
    const live = await collectLive(h.engine);
    const mine = live.containers.filter((c) => c.stack === stack).map((c) => c.name);
    expect(mine).toEqual([`${stack}-web-1`]);
  });

  it('reports no undeclared container, and counts the one declared service once', async () => {
    const run = await berth(['audit', dir, '--live', '--format', 'json', '--fail-on', 'critical'], {
      cwd: dir,
      env: {},
    });
    const json = JSON.parse(run.stdout) as {
      summary: { running: number; declared: number };
      findings: { rule: string; message: string }[];
    };
    expect(json.summary).toMatchObject({ running: 1, declared: 1 });
    expect(json.findings.filter((f) => f.rule === 'running-not-declared')).toEqual([]);
    expect(json.findings.filter((f) => f.message.includes('-berth-prev-'))).toEqual([]);
  });
});
