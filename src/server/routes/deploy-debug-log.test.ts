import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CanaryWorld, canaryWorld, expectNoCanary } from '../../../test/support/canary.js';
import { containerInfo, healthOf } from '../../../test/support/health-fixtures.js';
import type { ContainerSpec, Engine } from '../../engine/model.js';
import type { Level } from '../../log/index.js';

// `BERTH_LOG_LEVEL_DEPLOY=debug`: a deploy through the API logs each step of its plan as it starts
// and ends, each gate, and the rollback, naming kinds, services, ids, outcomes and durations. The
// stack interpolates a `.env` value into its image reference, command, environment, network and
// volume names: no line carries it. At info, none of these lines is written.

/** In the stack's `.env`: every `.env` value is sensitive. */
const SECRET = 'canary-debug-7c41e09b';

const COMPOSE = `services:
  web:
    image: local/app:\${APP_TAG}
    command: ["serve", "--token=\${API_PASSWORD}"]
    environment:
      DB_URL: postgres://app:\${API_PASSWORD}@db/app
    networks: [front]
    volumes: [data:/data]
    healthcheck:
      test: ["CMD", "check", "--password=\${API_PASSWORD}"]
      interval: 1s
      retries: 1
networks:
  front:
    name: front-\${API_PASSWORD}
volumes:
  data:
    name: data-\${API_PASSWORD}
`;

/** An empty engine whose new containers are `healthy` or `unhealthy` (Docker's status) at once. */
function engineOf(health: 'healthy' | 'unhealthy'): Engine {
  const created = new Map<string, ContainerSpec>();
  const none = async () => [];
  return {
    endpoint: 'fake://',
    apiVersion: '1.43',
    images: { inspect: async () => ({ id: `sha256:${'cd'.repeat(32)}` }) },
    containers: {
      list: none,
      create: async (spec: ContainerSpec) => {
        const id = `${'e'.repeat(11)}${created.size + 1}`;
        created.set(id, spec);
        return { id };
      },
      start: async () => undefined,
      inspect: async (id: string) =>
        containerInfo({
          id,
          name: created.get(id)?.name ?? id,
          health: healthOf(health, [`check failed for ${SECRET}`], 1, 1),
        }),
      remove: async (id: string) => {
        created.delete(id);
      },
    },
    logs: {
      logs: async function* () {
        yield { stream: 'stderr', line: `bad token ${SECRET}` };
      },
    },
    networks: { list: none, create: async () => ({ id: 'n1' }), remove: async () => undefined },
    volumes: { list: none, create: async () => undefined },
  } as unknown as Engine;
}

let world: CanaryWorld | undefined;
afterEach(() => {
  world?.store.close();
  if (world) rmSync(world.root, { recursive: true, force: true });
  world = undefined;
});

/** Deploys the stack through the API with the engine and log level given; the deploy lines it logged. */
async function deployLines(health: 'healthy' | 'unhealthy', level: Level) {
  world = canaryWorld({
    files: { 'compose.yaml': COMPOSE, '.env': `API_PASSWORD=${SECRET}\nAPP_TAG=${SECRET}\n` },
    engine: async () => engineOf(health),
    env: {},
    level,
  });
  const started = await world.call('/api/v1/stacks/alpha/up', 'alpha-operator', 'POST', {});
  expect(started.status).toBe(202);
  await world.control.runner.idle();
  const lines = world
    .logText()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { text: world.logText(), lines: lines.filter((l) => l.component === 'deploy' && 'event' in l) };
}

/** The lines' events and what tells them apart, without their times. */
const shape = (lines: readonly Record<string, unknown>[]) =>
  lines.map(({ event, step, service, replica, index, outcome, reason, error, cause }) =>
    Object.fromEntries(
      Object.entries({ event, step, service, replica, index, outcome, reason, error, cause }).filter(
        ([, v]) => v !== undefined,
      ),
    ),
  );

describe('the deploy executor at debug', () => {
  it('logs each step as it starts and ends, and the gate between, never a secret', async () => {
    const { text, lines } = await deployLines('healthy', 'debug');
    expect(shape(lines)).toEqual([
      { event: 'step-start', step: 'create-network', index: 1 },
      { event: 'step-end', step: 'create-network', index: 1, outcome: 'succeeded' },
      { event: 'step-start', step: 'create-volume', index: 2 },
      { event: 'step-end', step: 'create-volume', index: 2, outcome: 'succeeded' },
      { event: 'step-start', step: 'create', service: 'web', replica: 1 },
      { event: 'gate-start', service: 'web', replica: 1 },
      { event: 'gate-pass', service: 'web', replica: 1 },
      { event: 'step-end', step: 'create', service: 'web', replica: 1, outcome: 'succeeded' },
    ]);
    const end = lines.at(-1);
    expect(end).toMatchObject({
      level: 20,
      stack: 'alpha',
      container: 'eeeeeeeeeee1',
      msg: expect.stringMatching(/^deploy step create web replica 1: succeeded in \d+ ms$/),
    });
    expect(typeof end?.ms).toBe('number');
    expect(typeof end?.deployment).toBe('number');
    expectNoCanary([SECRET], 'server log', text);
  });

  it("logs a failed gate, the step's failure and the rollback, never a secret", async () => {
    const { text, lines } = await deployLines('unhealthy', 'debug');
    expect(shape(lines).slice(4)).toEqual([
      { event: 'step-start', step: 'create', service: 'web', replica: 1 },
      { event: 'gate-start', service: 'web', replica: 1 },
      { event: 'gate-fail', service: 'web', replica: 1, reason: 'unhealthy' },
      {
        event: 'step-end',
        step: 'create',
        service: 'web',
        replica: 1,
        outcome: 'failed',
        error: 'unhealthy',
      },
      { event: 'rollback-start', cause: 'failure' },
      { event: 'rollback-end', outcome: 'restored', cause: 'failure' },
    ]);
    expect(lines.find((l) => l.event === 'rollback-start')).toMatchObject({ changes: 1 });
    expect(lines.find((l) => l.event === 'rollback-end')).toMatchObject({ problems: 0 });
    expect(text).toContain('rolled back: nothing of it is left running');
    expectNoCanary([SECRET], 'server log', text);
  });

  it('logs none of them at info', async () => {
    const { text, lines } = await deployLines('healthy', 'info');
    expect(text).toContain('"component":"deploy"');
    expect(lines).toEqual([]);
    expect(text).not.toContain('"level":20');
  });
});
