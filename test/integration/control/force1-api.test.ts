import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, repoRoot } from '../deploy/support.js';
import { freePort, waitFor } from '../engine/support.js';
import { type ControlHarness, readEvents, startControl } from './support.js';

// Issue 4's end-to-end: `berth serve` as a real process, the CLI logged in to it, examples/force1
// deployed through the API with its events streamed, and a grep of everything the run printed or
// answered for the secrets planted in it (the database password and the admin's password).

let h: ControlHarness;
let workspace: string;
let stack: string;
let port: number;
const dbPassword = `planted-db-${Math.random().toString(36).slice(2)}-secret`;

beforeAll(async () => {
  stack = `force1api${Date.now().toString(36)}`;
  workspace = mkdtempSync(join(tmpdir(), 'berth-control-ws-'));
  cpSync(join(repoRoot, 'examples', 'force1'), join(workspace, 'force1'), { recursive: true });
  writeFileSync(join(workspace, 'berth.yaml'), `stacks:\n  ${stack}:\n    path: force1\n`);
  port = await freePort();
  h = await startControl({ workspace, env: { DB_PASSWORD: dbPassword, WEB_PORT: String(port) } });
}, 120_000);

afterAll(async () => {
  // Whatever happened above, leave nothing of this run on the engine.
  if (h) await h.cli(['down', stack, '--volumes']).catch(() => undefined);
  await h?.stop();
  h?.cleanup();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('berth serve + CLI: examples/force1 through the API', () => {
  it('answers 401 to management calls without a token', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/stacks'],
      ['POST', `/api/v1/stacks/${stack}/up`],
      ['GET', '/api/v1/audit-log'],
      ['GET', '/api/v1/events'],
    ] as const) {
      const res = await h.fetchText(path, { method, token: null });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('saved the admin login mode 0600 and lists the stack', async () => {
    const file = join(h.configDir, 'berth', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stacks = await h.fetchText('/api/v1/stacks');
    expect(JSON.parse(stacks.body).items.map((s: { name: string }) => s.name)).toEqual([stack]);
  });

  it('deploys with live per-service progress, and the stack answers', { timeout: 900_000 }, async () => {
    const up = await h.cli(['up', stack]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`${stack}: succeeded \\(deployment \\d+\\)`));
    for (const service of ['web', 'worker', 'cron', 'db', 'redis'])
      expect(up.stdout).toContain(`[${service}]`);
    const page = await waitFor('force1 to answer', async () => {
      const r = await httpGet(port);
      return r?.status === 200 ? r : undefined;
    });
    expect(page?.body).toMatch(/force1 is up/);

    const again = await h.cli(['up', stack]);
    expect(again.stdout).toContain(`${stack}: unchanged`);
  });

  it('streams the deploy and the containers’ state changes as events', async () => {
    // Both `up` calls finished (the second found nothing to change) and containers reported health.
    let finished = 0;
    let healthy = false;
    // after=0: the whole log (a stream without a resume point starts with the newest 100 events only).
    const events = await readEvents(
      `${h.server.url}/api/v1/events?stack=${stack}&after=0`,
      h.token(),
      (e) => {
        if (e.kind === 'operation' && e.type === 'finished') finished++;
        if (e.kind === 'container' && e.type === 'health_status') healthy = true;
        return finished === 2 && healthy;
      },
    );
    const kinds = new Set(events.map((e) => `${e.kind}:${e.type}`));
    expect(kinds).toContain('operation:started');
    expect(kinds).toContain('deploy:gate');
    expect(kinds).toContain('operation:finished');
    expect(kinds).toContain('container:start');
    expect(events.every((e) => e.stack === stack)).toBe(true);
    const ids = events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('runs ps, logs, exec and deployments through the API', { timeout: 120_000 }, async () => {
    const ps = await h.cli(['ps', stack, '--json']);
    const rows = JSON.parse(ps.stdout) as Array<{ service: string; state: string; health?: string }>;
    expect(rows.map((r) => [r.service, r.state]).sort()).toEqual(
      ['cron', 'db', 'redis', 'web', 'worker'].map((s) => [s, 'running']),
    );
    const exec = await h.cli(['exec', stack, 'db', '--', 'mariadb', '-N', '-e', 'SELECT 40 + 2']);
    expect([exec.code, exec.stdout.trim()]).toEqual([0, '42']);
    const logs = await h.cli(['logs', stack, 'web', '--tail', '5', '--json']);
    expect(logs.code).toBe(0);
    const lines = logs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { service: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['web']));
    const config = await h.fetchText(`/api/v1/stacks/${stack}/config`);
    // An operator (here an admin) reads the environment as the plan shows it: the password masked.
    const env = JSON.parse(config.body).services.db.environment;
    expect(env.MARIADB_PASSWORD).toBe('********');
    expect(config.body).not.toContain(dbPassword);
    const deployments = await h.cli(['deployments', stack, '--json']);
    const items = JSON.parse(deployments.stdout).items as Array<{
      status: string;
      actor: string;
      trigger: string;
    }>;
    // The API's deploy, then the pass that ended the install phase: both by root, both succeeded.
    expect(items.map((d) => [d.trigger, d.status, d.actor])).toEqual([
      ['install-phase', 'succeeded', 'root'],
      ['api', 'succeeded', 'root'],
    ]);
    // An operator (here an admin) reads the stored plans' environment, secrets masked; the current
    // plan has nothing to change.
    expect(deployments.stdout).toContain('"MARIADB_PASSWORD": "********"');
    const plan = await h.fetchText(`/api/v1/stacks/${stack}/plan`);
    expect(plan.status).toBe(200);
    const steps = (JSON.parse(plan.body) as { services: Array<{ steps: unknown[] }> }).services.flatMap(
      (s) => s.steps,
    );
    expect(steps).toEqual([]);
  });

  it('lists force1’s scheduled jobs and runs two of them through the API', { timeout: 120_000 }, async () => {
    const list = await h.cli(['job', 'list', stack, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const jobs = JSON.parse(list.stdout) as Array<{ job: string; schedule: string; nextRunAt?: string }>;
    expect(jobs.map((j) => j.job)).toEqual(['campaigns-trigger', 'campaigns-update', 'segments', 'send']);
    // berth serve's scheduler has seen them: each has its next run.
    expect(jobs.every((j) => j.nextRunAt !== undefined)).toBe(true);
    const segments = await h.cli(['job', 'run', stack, 'web', 'segments']);
    expect(segments.code, segments.stderr).toBe(0);
    // The scheduler may have run it too (at :00, :15, :30 or :45 in Berlin): count is at least 1.
    expect(segments.stdout).toMatch(/segments:update: run \d+/);
    const send = await h.cli(['job', 'run', stack, 'web', 'send', '--json']);
    const run = JSON.parse(send.stdout) as { status: string; output: string; budgetConsumed: number };
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatch(/^sent \d+ \(limit 3800, \d+ queued\)/);
    const after = JSON.parse((await h.cli(['job', 'list', stack, '--json'])).stdout) as Array<{
      job: string;
      budget?: { remaining: number };
    }>;
    // What the manual run sent is off the day's budget (a scheduled run may have sent some too).
    expect(after.find((j) => j.job === 'send')?.budget?.remaining).toBeLessThanOrEqual(
      3800 - run.budgetConsumed,
    );
    const history = JSON.parse(
      (await h.cli(['job', 'history', stack, 'web', 'segments', '--json'])).stdout,
    ) as {
      items: Array<{ trigger: string; status: string }>;
    };
    expect(history.items.map((r) => [r.trigger, r.status])).toContainEqual(['manual', 'succeeded']);
  });

  it('records every mutating call in the audit log', async () => {
    const log = await h.cli(['audit-log', '--json', '--limit', '100']);
    const entries = JSON.parse(log.stdout).items as Array<{
      actor: string;
      action: string;
      target?: string;
      outcome: string;
    }>;
    const actions = entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toContain('completeSetup:ok');
    expect(actions).toContain('createToken:ok');
    expect(
      entries.filter((e) => e.action === 'deployStack' && e.target === stack && e.actor === 'root'),
    ).toHaveLength(2);
    expect(actions).toContain('execInService:ok');
  });

  it('removes the stack with its volumes, then stops cleanly', { timeout: 300_000 }, async () => {
    const down = await h.cli(['down', stack, '--volumes', '--json']);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    const removed = JSON.parse(down.stdout) as { containers: string[]; volumes: string[] };
    expect(removed.containers).toHaveLength(5);
    expect(removed.volumes.length).toBeGreaterThan(0);
    expect(JSON.parse((await h.cli(['ps', stack, '--json'])).stdout)).toEqual([]);
    expect(await h.stop()).toBe(0);
  });

  it('never printed or answered a planted secret', () => {
    const everything = [...h.seen, h.server.output()].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    expect(everything).not.toContain(dbPassword);
    expect(everything).not.toContain(h.adminPassword);
  });
});
