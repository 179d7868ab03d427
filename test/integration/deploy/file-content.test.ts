import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDeploy } from '../../../src/deploy/deploy.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { isEmpty } from '../../../src/deploy/plan.js';
import { maskPlan, stackMasker } from '../../../src/deploy/redact.js';
import { type DeployHarness, SLEEPER, startHarness } from './support.js';

// Editing the host file of a `file:` secret or config is a change: plan names it (never its
// content) and up recreates the service, whose container then reads the new content.

let h: DeployHarness;
let stack = '';
let dir = '';

const COMPOSE = `x-berth:
  deploy: { health_timeout: 30s, stable_window: 1s }
services:
  db:
    image: local/busybox:1
    command: ${SLEEPER}
    secrets: [db_pw]
    configs: [{ source: app_conf, target: /etc/app.conf }]
  web:
    image: local/busybox:1
    command: ${SLEEPER}
secrets:
  db_pw: { file: ./db_pw.txt }
configs:
  app_conf: { file: ./app.conf }
`;

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
/** Like an editor saving: a new file renamed over the old one (the container keeps the old inode). */
const replaceFile = (name: string, text: string): void => {
  writeFileSync(join(dir, `${name}.tmp`), text);
  renameSync(join(dir, `${name}.tmp`), join(dir, name));
};
const planned = async () => {
  const loaded = await h.load(dir, stack);
  const { plan } = await planDeploy({ engine: h.engine, store: h.store }, loaded);
  return maskPlan(plan, stackMasker(loaded));
};
const reasons = (plan: Awaited<ReturnType<typeof planned>>) =>
  Object.fromEntries(
    plan.services
      .filter((s) => s.steps.length > 0)
      .map((s) => [s.service, s.steps.flatMap((t) => t.reasons)]),
  );

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(COMPOSE);
  writeFileSync(join(dir, 'db_pw.txt'), 'first-pw-4711');
  writeFileSync(join(dir, 'app.conf'), 'listen=1\n');
});

afterAll(async () => {
  await h?.cleanup();
});

describe.sequential('content of file secrets and configs', () => {
  it('deploys, then plans nothing while the files stay as they are', async () => {
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    expect(isEmpty(await planned())).toBe(true);
  });

  it('plans to recreate the service whose secret changed, naming it, never its content', async () => {
    replaceFile('db_pw.txt', 'second-pw-0815');
    const plan = await planned();
    expect(reasons(plan)).toEqual({ db: ['secret db_pw content changed'] });
    const text = JSON.stringify(plan);
    expect(text).not.toContain('first-pw-4711');
    expect(text).not.toContain('second-pw-0815');
  });

  it('up recreates it: the container reads the new secret, the other service is left alone', async () => {
    const web = docker('inspect', '-f', '{{.Id}}', `${stack}-web-1`);
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(dir, stack), { events });
    expect(result.outcome).toBe('succeeded');
    expect(docker('exec', `${stack}-db-1`, 'cat', '/run/secrets/db_pw')).toBe('second-pw-0815');
    expect(docker('inspect', '-f', '{{.Id}}', `${stack}-web-1`)).toBe(web);
    expect(JSON.stringify(events)).not.toContain('second-pw-0815');
    expect(isEmpty(await planned())).toBe(true);
  });

  it('does the same for a config', async () => {
    replaceFile('app.conf', 'listen=2\n');
    expect(reasons(await planned())).toEqual({ db: ['config app_conf content changed'] });
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    expect(docker('exec', `${stack}-db-1`, 'cat', '/etc/app.conf')).toBe('listen=2');
  });
});
