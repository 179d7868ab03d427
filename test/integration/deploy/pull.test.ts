import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAuth } from '../../../src/app/registry-auth.js';
import { deployStack } from '../../../src/deploy/deploy.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { BerthLabel } from '../../../src/engine/model.js';
import { openStore } from '../../../src/store/index.js';
import { berth } from '../../support/cli.js';
import { buildForPlatform } from '../../support/platform-image.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { BUSYBOX } from '../engine/support.js';
import { type DeployHarness, isAlive, startHarness } from './support.js';

// Images a stack names but the engine lacks are pulled before anything of the stack changes, from a
// real registry (Debian's docker-registry on 127.0.0.1), with the credentials `docker login` left in
// the operator's docker config; a pull that fails changes nothing.

const stackFile = (image: string, policy?: string) => `services:
  app:
    image: ${image}
${policy ? `    pull_policy: ${policy}\n` : ''}    command: ["sleep", "600"]
    stop_signal: SIGKILL
    healthcheck: { test: ["CMD", "true"], interval: 1s }
`;

let h: DeployHarness;
let open: TestRegistry;
let locked: TestRegistry;
const references: string[] = [];
const dirs: string[] = [];

const USER = { username: 'bt-ops', password: 'pull-it-8d2f' };

async function removeImage(reference: string): Promise<void> {
  await h.engine.images.remove(reference, { noPrune: true }).catch(() => undefined);
}

async function stackContainers(stack: string) {
  return h.engine.containers.list({ [BerthLabel.Stack]: stack }, { all: true });
}

beforeAll(async () => {
  h = await startHarness();
  open = await startRegistry();
  locked = await startRegistry({ auth: USER });
}, 120_000);

afterAll(async () => {
  for (const reference of references) await removeImage(reference);
  await h?.cleanup();
  await open?.stop();
  await locked?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.sequential('deploys pull the images the engine lacks (real engine, real registry)', () => {
  it('pulls a missing image first, then deploys it; the plan and the events say so', async () => {
    const image = await open.push(BUSYBOX, 'bt-pull/app', '1');
    references.push(image);
    expect(await h.engine.images.exists(image)).toBe(false);
    const stack = h.stackName();
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(h.writeStack(stackFile(image)), stack), { events });
    expect(result.outcome).toBe('succeeded');
    expect(result.plan.pulls).toEqual([
      {
        kind: 'pull',
        image,
        services: ['app'],
        required: true,
        reasons: [`image ${image} is not on the engine`],
      },
    ]);
    expect(await h.engine.images.exists(image)).toBe(true);
    const pulls = events.filter((e) => e.type === 'pull').map((e) => e.message);
    expect(pulls[0]).toBe(`pulling ${image} for app: image ${image} is not on the engine`);
    expect(pulls[1]).toMatch(new RegExp(`^pulled ${image.replace(/[.]/g, '\\.')} \\([0-9a-f]{12}\\)$`));
    expect(events.some((e) => e.type === 'output' && /Pulling from bt-pull\/app/.test(e.message))).toBe(true);
    const [container] = await stackContainers(stack);
    expect(container?.image).toBe(image);
    expect(container?.state).toBe('running');

    // Present now: a second deploy under the default policy pulls nothing and changes nothing.
    const again = await h.deploy(await h.load(h.writeStack(stackFile(image)), stack));
    expect(again.outcome).toBe('unchanged');
    expect(again.plan.pulls).toEqual([]);
  });

  it('pulls again on every deploy under pull_policy: always; the same digest leaves the stack unchanged, with no deployment', async () => {
    const image = await open.push(BUSYBOX, 'bt-pull/always', '1');
    references.push(image);
    const stack = h.stackName();
    const dir = h.writeStack(stackFile(image, 'always'));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const before = (await stackContainers(stack)).map((c) => c.id);
    const records = h.store.deployments.list(stack, { limit: 10 }).items.length;
    const events: DeployEvent[] = [];
    const again = await h.deploy(await h.load(dir, stack), { events });
    expect(again.outcome).toBe('unchanged');
    expect(again.plan.pulls.map((p) => p.reasons)).toEqual([['pull_policy: always']]);
    expect(events.filter((e) => e.type === 'pull').map((e) => e.message.split(' ')[0])).toEqual([
      'pulling',
      'pulled',
    ]);
    expect(h.store.deployments.list(stack, { limit: 10 }).items).toHaveLength(records);
    expect((await stackContainers(stack)).map((c) => c.id)).toEqual(before);
  });

  it('refreshes under every_<interval> counting from its own last pull; a refresh that fails keeps the present image', async () => {
    const flaky = await startRegistry();
    try {
      const image = await flaky.push(BUSYBOX, 'bt-pull/periodic', '1');
      references.push(image);
      const stack = h.stackName();
      const deploy = async (mode: string, events?: DeployEvent[]) =>
        h.deploy(
          await h.load(
            h.writeStack(`${stackFile(image, 'every_1h')}    environment: { MODE: ${mode} }\n`),
            stack,
          ),
          events ? { events } : {},
        );
      expect((await deploy('a')).outcome).toBe('succeeded');
      const pulled = h.store.imagePulls.get(image);
      expect(pulled?.pulledAt).toBeDefined();
      // Pulled within the hour: nothing to pull.
      const soon = await deploy('a');
      expect([soon.outcome, soon.plan.pulls]).toEqual(['unchanged', []]);

      // The same state file, as a process two hours earlier would have written it.
      const earlier = openStore({
        path: h.statePath,
        clock: { now: () => new Date(Date.now() - 2 * 3_600_000) },
        isAlive,
      });
      earlier.imagePulls.record(image, pulled?.imageId ?? '');
      earlier.close();
      await flaky.stop();
      const events: DeployEvent[] = [];
      const later = await deploy('b', events);
      expect(later.outcome).toBe('succeeded');
      expect(later.plan.pulls).toMatchObject([
        {
          image,
          required: false,
          reasons: [`pull_policy: every_1h: Berth last pulled ${image} 2 h ago`],
        },
      ]);
      const said = events.filter((e) => e.type === 'pull').map((e) => e.message);
      expect(said[1]).toContain(`pulling ${image} (app) failed`);
      expect(said[1]).toContain(`deploying the ${image} the engine has`);
      const [container] = await stackContainers(stack);
      expect(container?.state).toBe('running');
    } finally {
      await flaky.stop();
    }
  });

  it("pulls an image the engine has for another platform than the service's, and refuses it under never", async () => {
    // The registry has the engine's own platform (busybox); the engine holds the tag built for the other.
    const own = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
    const [other, otherText] =
      own === 'linux/amd64' ? ['linux/arm64', 'linux/arm64/v8'] : ['linux/amd64', 'linux/amd64'];
    const image = await open.push(BUSYBOX, 'bt-pull/platform', '1');
    references.push(image);
    await buildForPlatform(image, other);
    const arch = async () => `linux/${(await h.engine.images.inspect(image)).architecture}`;
    expect(await arch()).toBe(other);
    const platformStack = (policy?: string) =>
      stackFile(image, policy).replace('    command:', `    platform: ${own}\n    command:`);
    const ownText = own === 'linux/arm64' ? 'linux/arm64/v8' : own;
    const reason = `image ${image} on the engine is for ${otherText}, the service's platform is ${ownText}`;

    const refused = h.stackName();
    const error = await h.deploy(await h.load(h.writeStack(platformStack('never')), refused)).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('DEPLOY_PLAN_REFUSED');
    expect(error?.message).toContain(`${reason}, and its pull_policy is never`);
    expect(await stackContainers(refused)).toEqual([]);
    expect(await arch()).toBe(other);
    // `platform: linux` is the engine's own architecture, as the engine reads it.
    const osOnly = h.stackName();
    const osOnlyFile = stackFile(image, 'never').replace('    command:', '    platform: linux\n    command:');
    const osError = await h.deploy(await h.load(h.writeStack(osOnlyFile), osOnly)).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(osError?.message).toContain(`${reason}, and its pull_policy is never`);
    expect(await stackContainers(osOnly)).toEqual([]);

    const stack = h.stackName();
    const result = await h.deploy(await h.load(h.writeStack(platformStack()), stack));
    expect(result.outcome).toBe('succeeded');
    expect(result.plan.pulls.map((p) => [p.platform, p.reasons])).toEqual([
      [
        'linux/amd64',
        [`image ${image} on the engine is for linux/arm64/v8, the service's platform is linux/amd64`],
      ],
    ]);
    expect((await h.engine.images.inspect(image)).architecture).toBe('amd64');
    const [container] = await stackContainers(stack);
    expect(container?.state).toBe('running');
  });

  it('fails a pull of a tag the registry does not have with DEPLOY_PULL_FAILED, naming it, and creates nothing', async () => {
    const image = `${open.host}/bt-pull/app:does-not-exist`;
    const stack = h.stackName();
    const error = await h.deploy(await h.load(h.writeStack(stackFile(image)), stack)).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string; hint?: string },
    );
    expect(error?.code).toBe('DEPLOY_PULL_FAILED');
    expect(error?.message).toContain(`pulling ${image} (app) failed`);
    expect(error?.message).toMatch(/not found|no such image/);
    expect(error?.hint).toContain('Nothing was changed');
    expect(await stackContainers(stack)).toEqual([]);
    expect(await h.engine.networks.list({ [BerthLabel.Stack]: stack })).toEqual([]);
    const [record] = h.store.deployments.list(stack, { limit: 1 }).items;
    expect(record?.status).toBe('failed');
  });

  it('pulls from a registry with a login only with the credentials of the docker config', async () => {
    const image = await locked.push(BUSYBOX, 'bt-pull/private', '1');
    references.push(image);
    const stack = h.stackName();
    const dir = h.writeStack(stackFile(image));
    const configDir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
    dirs.push(configDir);
    const deploy = async () =>
      deployStack(
        { engine: h.engine, store: h.store, clock: h.clock, owner: h.owner(), ...registryAuth(configDir) },
        await h.load(dir, stack),
      );

    // No config.json: an anonymous pull, which the registry denies.
    const denied = await deploy().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string; hint?: string },
    );
    expect(denied?.code).toBe('DEPLOY_PULL_FAILED');
    expect(denied?.message).toMatch(/denied|unauthorized|no basic auth credentials/i);
    expect(denied?.hint).toContain('no credentials were found for this registry');
    expect(await stackContainers(stack)).toEqual([]);

    // What `docker login 127.0.0.1:<port>` writes.
    const auth = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: { [locked.host]: { auth } } }));
    const result = await deploy();
    expect(result.outcome).toBe('succeeded');
    expect(await h.engine.images.exists(image)).toBe(true);
    const stored = JSON.stringify(h.store.deployments.list(stack, { limit: 10 }).items);
    expect(stored).not.toContain(USER.password);
  });

  it('berth --local plan shows the pull, and up pulls with the login of DOCKER_CONFIG', async () => {
    const image = await locked.push(BUSYBOX, 'bt-pull/cli', '1');
    references.push(image);
    const stack = h.stackName();
    const root = mkdtempSync(join(tmpdir(), 'berth-pull-cli-'));
    dirs.push(root);
    const [ws, state, config] = ['ws', 'state', 'docker'].map((d) => join(root, d)) as [
      string,
      string,
      string,
    ];
    mkdirSync(join(ws, stack), { recursive: true });
    mkdirSync(config);
    writeFileSync(join(ws, stack, 'compose.yaml'), stackFile(image));
    const auth = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({ auths: { [`https://${locked.host}`]: { auth } } }),
    );
    const env = { HOME: root, BERTH_STATE_DIR: state, DOCKER_CONFIG: config };

    const plan = await berth(['--local', '-w', ws, 'plan', stack], { cwd: root, env });
    expect(plan.stdout).toContain(`  * pull ${image} (app): image ${image} is not on the engine`);
    const up = await berth(['--local', '-w', ws, 'up', stack], { cwd: root, env });
    expect(up.stderr).not.toContain(USER.password);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout + up.stderr).toContain(`pulled ${image}`);
    expect(await h.engine.images.exists(image)).toBe(true);
    const [container] = await stackContainers(stack);
    expect(container?.state).toBe('running');
  });

  it('reports a docker config that is not JSON, at its line and column, and changes nothing', async () => {
    const image = `${locked.host}/bt-pull/private:2`;
    const stack = h.stackName();
    const configDir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
    dirs.push(configDir);
    writeFileSync(join(configDir, 'config.json'), '{\n  "auths": {\n    oops\n');
    const error = await deployStack(
      { engine: h.engine, store: h.store, clock: h.clock, owner: h.owner(), ...registryAuth(configDir) },
      await h.load(h.writeStack(stackFile(image)), stack),
    ).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('DEPLOY_PULL_FAILED');
    expect(error?.message).toContain('REGISTRY_CONFIG_UNREADABLE');
    expect(error?.message).toContain(join(configDir, 'config.json'));
    expect(error?.message).toMatch(/line 3/);
    expect(await stackContainers(stack)).toEqual([]);
  });
});
