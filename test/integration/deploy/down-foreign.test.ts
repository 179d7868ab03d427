import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError, SPEC_DEFAULTS } from '../../../src/engine/model.js';
import { BUSYBOX } from '../engine/support.js';
import { spawnBerth } from './berth-child.js';
import { type DeployHarness, SLEEPER, startHarness } from './support.js';

// `berth down --volumes` while a container Berth did not make (`docker run --network <stack>_default`)
// is attached to the stack's network. Berth never removes it, so the network must stay; the rest
// (the stack's containers, its volumes) still goes, and the down says it is incomplete, naming the
// container and what to do. It used to stop at the network with an engine "internal error",
// leaving the volumes.

const compose = `services:
  app:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    volumes: [data:/data]
    x-berth:
      deploy: { stable_window: 1s }
volumes:
  data: {}
`;

let h: DeployHarness;
let stack: string;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(compose);
  env = { ...process.env, BERTH_STATE_DIR: join(h.stateDir, 'local'), COMPOSE_PROJECT_NAME: stack };
}, 60_000);

afterAll(async () => {
  await h?.cleanup();
});

/** `berth --local ARGS…`: its exit code and everything it printed. */
function berth(...args: string[]): Promise<{ code: number | null; output: string }> {
  return berthAs(env, ...args);
}

async function berthAs(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number | null; output: string }> {
  const run = spawnBerth(['--local', ...args], env);
  return { code: await run.exited, output: run.output() };
}

const gone = (action: Promise<unknown>) =>
  action.then(
    () => false,
    (error: unknown) => isEngineError(error, 'ENGINE_NOT_FOUND'),
  );

describe('berth --local down --volumes with a foreign container on the stack network', () => {
  it('removes its own containers and volumes, keeps the network, names the container', {
    timeout: 120_000,
  }, async () => {
    const up = await berth('up', dir);
    expect(up.code, up.output).toBe(0);
    const network = `${stack}_default`;
    const foreignName = `${stack}-foreign`;
    const foreign = await h.engine.containers.create({
      ...SPEC_DEFAULTS,
      name: foreignName,
      image: BUSYBOX,
      command: ['sleep', '600'],
      labels: {},
      networks: [{ name: network, aliases: [] }],
    });
    h.track(foreign.id);
    await h.engine.containers.start(foreign.id);

    // The dry run tells it first: the network would be kept, the rest removed; nothing changes.
    const dry = await berth('down', dir, '--volumes', '--dry-run');
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain(`would remove: containers ${stack}-app-1; volumes ${stack}_data`);
    expect(dry.output).toContain(`would keep network ${network}: ${foreignName} (not this stack's) attached`);
    expect(await gone(h.engine.networks.inspect(network))).toBe(false);
    expect(await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true })).toHaveLength(1);

    const down = await berth('down', dir, '--volumes');
    expect(down.code, down.output).toBe(1);
    expect(down.output).toContain('DEPLOY_DOWN_INCOMPLETE');
    expect(down.output).toContain(`kept network ${network}: container ${foreignName} (not this stack's)`);
    expect(down.output).toContain(`docker network disconnect ${network} ${foreignName}`);
    expect(down.output).toContain(`removed volume ${stack}_data`);
    expect(down.output).not.toContain('ENGINE_FAILED');

    // Berth's own objects are gone but the network; the foreign container still runs, untouched.
    expect(await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true })).toEqual([]);
    expect(await gone(h.engine.volumes.inspect(`${stack}_data`))).toBe(true);
    expect(await gone(h.engine.networks.inspect(network))).toBe(false);
    expect((await h.engine.containers.inspect(foreign.id)).state).toBe('running');

    // Once the operator detaches it, down finishes the job.
    await h.engine.networks.disconnect(network, foreign.id);
    const again = await berth('down', dir, '--volumes');
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(`removed network ${network}`);
    expect(await gone(h.engine.networks.inspect(network))).toBe(true);
  });

  it('keeps a volume a foreign container mounts, removes the rest, and names the container', {
    timeout: 120_000,
  }, async () => {
    const other = h.stackName();
    const otherDir = h.writeStack(compose);
    const otherEnv = { ...env, COMPOSE_PROJECT_NAME: other };
    const up = await berthAs(otherEnv, 'up', otherDir);
    expect(up.code, up.output).toBe(0);
    const volume = `${other}_data`;
    const copier = await h.engine.containers.create({
      ...SPEC_DEFAULTS,
      name: `${other}-copier`,
      image: BUSYBOX,
      command: ['sleep', '600'],
      labels: {},
      networks: [],
      mounts: [{ type: 'volume', source: volume, target: '/x', readOnly: false }],
    });
    h.track(copier.id);

    const dry = await berthAs(otherEnv, 'down', otherDir, '--volumes', '--dry-run');
    expect(dry.output).toContain(`would remove: containers ${other}-app-1; networks ${other}_default\n`);
    expect(dry.output).toContain(`would keep volume ${volume}: ${other}-copier (not this stack's) using it`);
    expect(await gone(h.engine.volumes.inspect(volume))).toBe(false);

    const down = await berthAs(otherEnv, 'down', otherDir, '--volumes');
    expect(down.code, down.output).toBe(1);
    expect(down.output).toContain(
      `kept volume ${volume}: container ${other}-copier (not this stack's) uses it`,
    );
    expect(down.output).toContain(`removed network ${other}_default`);
    expect(await h.engine.containers.list({ 'dev.berth.stack': other }, { all: true })).toEqual([]);
    expect(await gone(h.engine.volumes.inspect(volume))).toBe(false);
    expect(await gone(h.engine.containers.inspect(copier.id))).toBe(false);
  });
});
