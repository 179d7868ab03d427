import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpResult } from '../../../src/api/deploy.js';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import { StackService } from '../../../src/deploy/service.js';
import type { createLoggers } from '../../../src/log/index.js';
import type { OperationRunner } from '../../../src/operations/runner.js';
import { MASK } from '../../../src/secrets/detect.js';
import { loggedRunner } from './logged-runner.js';
import { containerIds, type DeployHarness, startHarness } from './support.js';

// Issue 13 against the real engine: a canary secret in a label, a healthcheck URL and a command,
// printed by a service that turns unhealthy and by one that crash-loops. The deploys fail and roll
// back; the operation, its events, the deployment record and the server log show only masks.

/** In the stack's `.env` (API_PASSWORD). */
const FROM_DOTENV = `canary-dotenv-${Math.random().toString(36).slice(2)}`;
/** In the caller's environment under a secret-looking name (SERVICE_TOKEN). */
const FROM_SECRET_NAME = `canary-token-${Math.random().toString(36).slice(2)}`;
/** In the service's env file (WEB_KEY in web.env). */
const FROM_ENV_FILE = `canary-envfile-${Math.random().toString(36).slice(2)}`;
const CANARIES = [FROM_DOTENV, FROM_SECRET_NAME, FROM_ENV_FILE];

const HEADER = `x-berth:
  deploy:
    health_timeout: 20s
    stable_window: 3s
`;

/** Serves, prints every canary, and fails a healthcheck whose URL and output carry one. */
const UNHEALTHY = `${HEADER}
services:
  web:
    image: local/busybox:1
    command: ["sh", "-c", "trap 'exit 0' TERM; echo key=$$WEB_KEY token=$$TOKEN; echo 'login --password=\${API_PASSWORD}' >&2; while :; do sleep 1 & wait; done"]
    env_file: [web.env]
    environment:
      TOKEN: \${SERVICE_TOKEN}
    labels:
      example.auth: "admin:\${API_PASSWORD}"
      example.token: "\${SERVICE_TOKEN}"
    healthcheck:
      test: ["CMD-SHELL", "echo 'GET http://u:\${API_PASSWORD}@127.0.0.1:8080/ refused'; exit 1"]
      interval: 1s
      timeout: 2s
      retries: 1
`;

/** Prints every canary and exits 1, again and again. */
const CRASH_LOOP = `${HEADER}
services:
  worker:
    image: local/busybox:1
    command: ["sh", "-c", "echo 'cannot log in as admin:\${API_PASSWORD}' token=$$TOKEN key=$$WEB_KEY; exit 1"]
    restart: unless-stopped
    env_file: [web.env]
    environment:
      TOKEN: \${SERVICE_TOKEN}
    labels:
      example.auth: "admin:\${API_PASSWORD}"
`;

let h: DeployHarness;
let logText: () => string;
let loggers: ReturnType<typeof createLoggers>;
let runner: OperationRunner;

beforeAll(async () => {
  h = await startHarness();
  ({ runner, loggers, logText } = loggedRunner(h));
});

afterAll(async () => {
  await h?.cleanup();
});

/** Deploys `compose` as a new stack through the operation runner, as the API does; waits for the end. */
async function deployThroughRunner(compose: string) {
  const stack = h.stackName();
  const dir = h.writeStack(compose);
  writeFileSync(join(dir, '.env'), `API_PASSWORD=${FROM_DOTENV}\n`);
  writeFileSync(join(dir, 'web.env'), `WEB_KEY=${FROM_ENV_FILE}\n`);
  // The stack's folder is the service's workspace, as `berth up <folder>` would load it.
  const stacks = new StackService({
    engine: async () => h.engine,
    store: () => h.store,
    clock: h.clock,
    owner: h.owner(),
    workspace: dir,
    env: { COMPOSE_PROJECT_NAME: stack, SERVICE_TOKEN: FROM_SECRET_NAME },
    registry: builtinXBerthRegistry(),
    allowPaths: false,
    logger: loggers.for('deploy'),
  });
  const op = runner.start({
    kind: 'up',
    stack,
    actor: 'test',
    requestId: 'req-canary',
    run: ({ onEvent, signal }) => stacks.up(stack, { trigger: 'api', actor: 'test', onEvent, signal }),
  });
  await runner.idle();
  const ended = h.store.operations.get(op.id);
  return { stack, dir, stacks, op: ended, result: ended?.result as UpResult | undefined };
}

function expectNoCanary(what: string, text: string): void {
  for (const canary of CANARIES) expect(text.includes(canary), `${what} shows ${canary}`).toBe(false);
}

/** Everything Berth shows or stores about the stack's deploys, as text. */
async function everythingAbout(
  stacks: StackService,
  stack: string,
  operation: string,
): Promise<Record<string, string>> {
  const deployments = await stacks.deployments(stack, { limit: 10 });
  const raw = h.store.deployments.list(stack, { limit: 10 }).items;
  return {
    operation: JSON.stringify(h.store.operations.get(operation)),
    events: JSON.stringify(h.store.events.after({ after: 0, limit: 10_000 })),
    deployments: JSON.stringify(deployments),
    'stored deployments': JSON.stringify(raw),
    'deployment events': JSON.stringify(raw.map((d) => h.store.deployments.events(d.id))),
    'service results': JSON.stringify(raw.map((d) => h.store.deployments.serviceResults(d.id))),
    'server log': logText(),
  };
}

describe.sequential('secrets in a failing deploy', () => {
  it('an unhealthy service: its output, health output and events are masked', {
    timeout: 120_000,
  }, async () => {
    const { stack, stacks, op, result } = await deployThroughRunner(UNHEALTHY);
    expect(op?.status).toBe('succeeded');
    expect(result?.outcome).toBe('rolled-back');
    expect(result?.failure?.reason).toBe('unhealthy');
    // The output was captured, masked where the secrets were.
    expect(result?.failure?.logTail.join('\n')).toContain(`key=${MASK} token=${MASK}`);
    expect(result?.failure?.logTail.join('\n')).toContain(`login --password=${MASK}`);
    expect(result?.failure?.healthOutput).toContain(`http://u:${MASK}@127.0.0.1:8080/`);
    for (const [what, text] of Object.entries(await everythingAbout(stacks, stack, op?.id ?? '')))
      expectNoCanary(what, text);
    expect(await containerIds(h.engine, stack)).toEqual({});
  });

  it('a crash-looping service: its log tail and the summary are masked', { timeout: 120_000 }, async () => {
    const { stack, stacks, op, result } = await deployThroughRunner(CRASH_LOOP);
    expect(result?.outcome).toBe('rolled-back');
    expect(result?.failure?.reason).toBe('crash-loop');
    expect(result?.failure?.logTail.join('\n')).toContain(
      `cannot log in as admin:${MASK} token=${MASK} key=${MASK}`,
    );
    for (const [what, text] of Object.entries(await everythingAbout(stacks, stack, op?.id ?? '')))
      expectNoCanary(what, text);
  });

  it('leaves no canary in the state file', () => {
    for (const file of readdirSync(h.stateDir))
      expectNoCanary(file, readFileSync(join(h.stateDir, file)).toString('latin1'));
  });
});

/** Healthy at once; every canary is in its environment, a label and its command. */
const HEALTHY = `${HEADER}
services:
  web:
    image: local/busybox:1
    command: ["sh", "-c", "trap 'exit 0' TERM; echo started \${API_PASSWORD}; while :; do sleep 1 & wait; done"]
    env_file: [web.env]
    environment:
      TOKEN: \${SERVICE_TOKEN}
      DB_URL: postgres://app:\${API_PASSWORD}@db/app
    labels:
      example.auth: "admin:\${API_PASSWORD}"
    healthcheck:
      test: ["CMD-SHELL", "exit 0"]
      interval: 1s
      timeout: 2s
`;

describe.sequential('secrets in a successful deploy', () => {
  let deployed: Awaited<ReturnType<typeof deployThroughRunner>>;

  it('deploys, and the applied specs it records hold fingerprints, not the values', {
    timeout: 120_000,
  }, async () => {
    deployed = await deployThroughRunner(HEALTHY);
    expect(deployed.result?.outcome).toBe('succeeded');
    const records = h.store.appliedSpecs.list(deployed.stack);
    expect(records.map((r) => r.service)).toEqual(['web']);
    const text = JSON.stringify(records);
    expectNoCanary('applied specs', text);
    expect(text).toMatch(/postgres:\/\/app:\[secret [0-9a-f]{16}\]@db\/app/);
    for (const file of readdirSync(h.stateDir))
      expectNoCanary(file, readFileSync(join(h.stateDir, file)).toString('latin1'));
  });

  it('still explains a changed secret in the next plan, and only that', { timeout: 60_000 }, async () => {
    const dir = deployed.dir;
    expect(await deployed.stacks.plan(deployed.stack)).toMatchObject({
      services: [{ service: 'web', steps: [] }],
    });
    writeFileSync(join(dir, '.env'), `API_PASSWORD=${FROM_DOTENV}-rotated\n`);
    const plan = await deployed.stacks.plan(deployed.stack);
    const reasons = plan.services[0]?.steps[0]?.reasons ?? [];
    expect(reasons.length).toBeGreaterThan(0);
    expect(
      reasons.every((r) => /changed \(value hidden\)$/.test(r)),
      reasons.join('; '),
    ).toBe(true);
    expect(reasons).toContain('env DB_URL changed (value hidden)');
  });
});
