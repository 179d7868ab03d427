import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import { deployStack } from '../../../src/deploy/deploy.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { StackService } from '../../../src/deploy/service.js';
import { BerthLabel, SPEC_DEFAULTS } from '../../../src/engine/model.js';
import { startRegistry, type TestRegistry, tagImage } from '../../support/registry.js';
import { BUSYBOX } from '../engine/support.js';
import { type DeployHarness, stackServiceFor, startHarness } from './support.js';

// Old image versions go by retention, against the real engine and a real registry: what Berth built
// or pulled for a stack and nothing uses, beyond the newest deployed versions; never an image a
// container uses (whoever made it), the one the compose file names, or one Berth did not put there.

const builtStack = (images: string) => `x-berth:
  deploy: { stable_window: 1s }
  images: ${images}
services:
  app:
    build: .
    command: ["sleep", "600"]
    stop_signal: SIGKILL
`;

let h: DeployHarness;
let registry: TestRegistry;
const references: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  registry = await startRegistry();
}, 120_000);

afterAll(async () => {
  for (const reference of references)
    await h?.engine.images.remove(reference, { force: true }).catch(() => undefined);
  await h?.cleanup();
  await registry?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes version `v` of the app's Dockerfile, builds and deploys it; the id of the image it runs. */
async function deployVersion(dir: string, stack: string, v: number, events: DeployEvent[] = []) {
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BUSYBOX}\nRUN echo ${v} > /version-${stack}\n`);
  const result = await deployStack(
    { engine: h.engine, store: h.store, clock: h.clock, owner: h.owner(), pollMs: 250 },
    await h.load(dir, stack),
    { build: true, onEvent: (e) => events.push(e) },
  );
  expect(result.outcome, JSON.stringify(result.failure)).toBe('succeeded');
  return (await h.engine.images.inspect(`${stack}-app`)).id;
}

const exists = (id: string) => h.engine.images.exists(id);

/** Builds a one-layer image on busybox whose content is `marker`, tagged `tag` (not through Berth). */
async function buildLocal(tag: string, marker: string): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), 'berth-prune-src-'));
  dirs.push(context);
  writeFileSync(join(context, 'Dockerfile'), `FROM ${BUSYBOX}\nRUN echo ${marker} > /marker\n`);
  for await (const _ of h.engine.images.build({ contextDir: context, tag, args: {} })) void _;
  return tag;
}

describe.sequential('image pruning (real engine)', () => {
  it('a deploy that succeeds removes the built versions beyond x-berth.images.keep, and labels its builds', {
    timeout: 180_000,
  }, async () => {
    const stack = h.stackName();
    references.push(`${stack}-app`);
    const dir = h.writeStack(builtStack('{ keep: 2 }'));
    const ids = [await deployVersion(dir, stack, 1), await deployVersion(dir, stack, 2)];
    expect(await exists(ids[0] ?? '')).toBe(true);
    const third: DeployEvent[] = [];
    ids.push(await deployVersion(dir, stack, 3, third));
    ids.push(await deployVersion(dir, stack, 4));
    expect(new Set(ids).size).toBe(4);
    const [v1, v2, v3, v4] = ids as [string, string, string, string];
    // v1 went with the third deploy, v2 with the fourth; v3 (untagged now) is the rollback version.
    expect(await exists(v1)).toBe(false);
    expect(await exists(v2)).toBe(false);
    expect(await exists(v3)).toBe(true);
    expect((await h.engine.images.inspect(v3)).tags).toEqual([]);
    expect(await exists(v4)).toBe(true);
    const removed = third.filter((e) => e.type === 'cleanup').map((e) => e.message);
    expect(removed[0]).toMatch(
      new RegExp(
        `^removed image ${v1.slice(7, 19)} \\(${stack}-app\\): app: deployed .*, older than the 2 newest`,
      ),
    );
    expect(removed[1]).toMatch(
      new RegExp(`^removed 1 old image of ${stack}, [0-9.]+ (B|KB|MB) freed \\(keeping 2`),
    );
    expect(h.store.stackImages.list(stack).map((r) => r.imageId)).toEqual([v4, v3]);
    expect((await h.engine.images.inspect(v4)).labels).toMatchObject({
      [BerthLabel.Managed]: 'true',
      [BerthLabel.Stack]: stack,
      [BerthLabel.Service]: 'app',
    });
  });

  it('`prune: manual` leaves them to `images prune`, which keeps an image a foreign container uses and forces nothing', {
    timeout: 180_000,
  }, async () => {
    const stack = h.stackName();
    references.push(`${stack}-app`);
    const dir = h.writeStack(builtStack('{ prune: manual }'));
    const [v1, v2, v3] = [
      await deployVersion(dir, stack, 1),
      await deployVersion(dir, stack, 2),
      await deployVersion(dir, stack, 3),
    ];
    const foreign = await h.engine.containers.create({
      ...SPEC_DEFAULTS,
      name: `${stack}-foreign`,
      image: v1,
      command: ['true'],
      labels: {},
      networks: [],
    });
    h.track(foreign.id);
    const stacks = stackServiceFor(h, dir, stack);
    for (const id of [v1, v2, v3]) expect(await exists(id)).toBe(true);

    const dry = await stacks.pruneImages(stack, { keep: 1, dryRun: true });
    const verdict = (r: typeof dry) =>
      Object.fromEntries(r.decisions.map((d) => [d.image, [d.keep, d.removed]]));
    expect(verdict(dry)).toEqual({ [v3]: [true, false], [v2]: [false, false], [v1]: [true, false] });
    expect(dry.decisions.find((d) => d.image === v1)?.reasons).toEqual([
      `used by container ${stack}-foreign`,
    ]);
    expect(dry.decisions.find((d) => d.image === v3)?.reasons).toEqual([
      `used by container ${stack}-app-1`,
      'what app runs as the compose file says now',
      expect.stringMatching(/^the version of app deployed last/),
    ]);
    expect(dry.freedBytes).toBeGreaterThan(0);
    expect(await exists(v2)).toBe(true);

    // While a deploy holds the stack, nothing is pruned.
    const other = h.owner();
    expect(h.store.locks.acquire(stack, { owner: other }).ok).toBe(true);
    await expect(stacks.pruneImages(stack, { keep: 1, dryRun: false })).rejects.toMatchObject({
      code: 'DEPLOY_IN_PROGRESS',
    });
    h.store.locks.release(stack, other.token);
    expect(await exists(v2)).toBe(true);

    const real = await stacks.pruneImages(stack, { keep: 1, dryRun: false });
    expect(verdict(real)).toEqual({ [v3]: [true, false], [v2]: [false, true], [v1]: [true, false] });
    expect(await exists(v2)).toBe(false);
    expect(await exists(v1)).toBe(true);

    // The foreign container gone, v1 goes too.
    await h.engine.containers.remove(foreign.id, { force: true });
    const last = await stacks.pruneImages(stack, { keep: 1, dryRun: false });
    expect(verdict(last)).toEqual({ [v3]: [true, false], [v1]: [false, true] });
    expect(last.decisions.find((d) => d.image === v1)?.reasons).toEqual([
      expect.stringMatching(/^app: deployed .*, older than the 1 newest deployed version$/),
    ]);
    expect(await exists(v1)).toBe(false);
    expect(await exists(v3)).toBe(true);
  });

  it('a pulled version replaced by a newer pull goes; an image another tag also names is never forced', {
    timeout: 180_000,
  }, async () => {
    const stack = h.stackName();
    const source = async (v: number) => {
      const tag = await buildLocal(`local/${stack}-src:${v}`, `${stack}-${v}`);
      const reference = await registry.push(tag, `${stack}/app`, '1');
      await h.engine.images.remove(tag, { noPrune: true });
      return reference;
    };
    const reference = await source(1);
    references.push(reference);
    const dir = h.writeStack(`x-berth:
  deploy: { stable_window: 1s }
  images: { keep: 1 }
services:
  app:
    image: ${reference}
    pull_policy: always
    command: ["sleep", "600"]
    stop_signal: SIGKILL
`);
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const first = (await h.engine.images.inspect(reference)).id;
    // Another tag on the first version (an operator's `docker tag`): Berth must not take it away.
    await tagImage(first, `local/${stack}-keepme`, '1');
    references.push(`local/${stack}-keepme:1`);
    await source(2);
    const events: DeployEvent[] = [];
    expect((await h.deploy(await h.load(dir, stack), { events })).outcome).toBe('succeeded');
    const second = (await h.engine.images.inspect(reference)).id;
    expect(second).not.toBe(first);
    expect(h.store.stackImages.list(stack).map((r) => [r.imageId, r.origin, r.reference])).toEqual([
      [second, 'pull', reference],
      [first, 'pull', reference],
    ]);
    expect(await exists(first)).toBe(true);
    expect(events.filter((e) => e.type === 'cleanup').map((e) => e.message)).toEqual([]);
    const stacks = stackServiceFor(h, dir, stack);
    const dry = await stacks.pruneImages(stack, { dryRun: true });
    expect(dry.decisions.find((d) => d.image === first)?.reasons).toEqual([
      `also tagged local/${stack}-keepme:1, which Berth did not pull or build it as (\`docker tag\`?)`,
    ]);
    // Untagged again, the replaced pull is only Berth's: it goes, the one running stays.
    await h.engine.images.remove(`local/${stack}-keepme:1`, { noPrune: true });
    const real = await stacks.pruneImages(stack, { dryRun: false });
    expect(real.decisions.map((d) => [d.image, d.removed])).toEqual([
      [second, false],
      [first, true],
    ]);
    expect(await exists(first)).toBe(false);
    expect(await exists(second)).toBe(true);
    expect(h.store.stackImages.list(stack).map((r) => r.imageId)).toEqual([second]);
  });

  it('a version bump removes the old version that two services pulled under two tags, tag by tag', {
    timeout: 180_000,
  }, async () => {
    const stack = h.stackName();
    const build = (v: number) => buildLocal(`local/${stack}-src:${v}`, `${stack}-${v}`);
    const first = await build(1);
    const one = await registry.push(first, `${stack}/app`, '1');
    const stable = await registry.push(first, `${stack}/app`, 'stable');
    await h.engine.images.remove(first, { noPrune: true });
    const two = await registry.push(await build(2), `${stack}/app`, '2');
    await h.engine.images.remove(`local/${stack}-src:2`, { noPrune: true });
    references.push(one, stable, two);
    const compose = (api: string, worker: string) => `x-berth:
  deploy: { stable_window: 1s }
  images: { keep: 1 }
services:
  api: { image: "${api}", command: ["sleep", "600"], stop_signal: SIGKILL }
  worker: { image: "${worker}", command: ["sleep", "600"], stop_signal: SIGKILL }
`;
    const dir = h.writeStack(compose(one, stable));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const old = (await h.engine.images.inspect(one)).id;
    expect([...(await h.engine.images.inspect(old)).tags].sort()).toEqual([one, stable].sort());
    writeFileSync(join(dir, 'compose.yaml'), compose(two, two));
    const events: DeployEvent[] = [];
    expect((await h.deploy(await h.load(dir, stack), { events })).outcome).toBe('succeeded');
    expect(await exists(old)).toBe(false);
    const cleanup = events.filter((e) => e.type === 'cleanup').map((e) => e.message);
    expect(cleanup[0]).toMatch(new RegExp(`^removed image ${old.slice(7, 19)} \\(`));
    expect(cleanup.some((m) => m.startsWith('could not remove'))).toBe(false);
  });

  it('masks a secret in an image name, an old value too, in events, answers and the state file', {
    timeout: 180_000,
  }, async () => {
    const stack = h.stackName();
    const secrets = [1, 2].map(() => `tag${Math.random().toString(36).slice(2, 10)}`);
    const dir = h.writeStack(`x-berth:
  deploy: { stable_window: 1s }
  images: { keep: 1 }
services:
  app:
    build: .
    image: ${stack}-app-\${TAG_SECRET}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
`);
    for (const secret of secrets) references.push(`${stack}-app-${secret}`);
    const events: DeployEvent[] = [];
    const deploy = async (v: number, secret: string) => {
      writeFileSync(join(dir, '.env'), `TAG_SECRET=${secret}\n`);
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${BUSYBOX}\nRUN echo ${v} > /masked-${stack}\n`);
      const result = await deployStack(
        { engine: h.engine, store: h.store, clock: h.clock, owner: h.owner(), pollMs: 250 },
        await h.load(dir, stack),
        { build: true, onEvent: (e) => events.push(e) },
      );
      expect(result.outcome).toBe('succeeded');
    };
    await deploy(1, secrets[0] ?? '');
    const old = (await h.engine.images.inspect(`${stack}-app-${secrets[0]}`)).id;
    // The secret rotated: the old value is in no file Berth reads any more.
    await deploy(2, secrets[1] ?? '');
    expect(await exists(old)).toBe(false);
    const cleanup = events.filter((e) => e.type === 'cleanup').map((e) => e.message);
    expect(cleanup[0]).toMatch(
      new RegExp(`^removed image ${old.slice(7, 19)} \\(${stack}-app-\\*{8}\\): app: deployed `),
    );
    expect(h.store.stackImages.list(stack).map((r) => r.reference)).toEqual([`${stack}-app-********`]);
    const text = JSON.stringify([events, h.store.stackImages.list(stack)]);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('never takes over an image the operator had under the reference a pull names', {
    timeout: 180_000,
  }, async () => {
    const stack = h.stackName();
    const source = await buildLocal(`local/${stack}-own:1`, `${stack}-own`);
    references.push(source);
    const one = await registry.push(source, `${stack}/own`, '1');
    // The operator's own copy under the very reference the stack pulls.
    await tagImage(source, one.slice(0, one.lastIndexOf(':')), one.slice(one.lastIndexOf(':') + 1));
    references.push(one);
    const own = (await h.engine.images.inspect(one)).id;
    const two = await registry.push(
      await buildLocal(`local/${stack}-own:2`, `${stack}-two`),
      `${stack}/own`,
      '2',
    );
    await h.engine.images.remove(`local/${stack}-own:2`, { noPrune: true });
    references.push(two);
    const compose = (image: string) => `x-berth:
  deploy: { stable_window: 1s }
  images: { keep: 1 }
services:
  app: { image: "${image}", pull_policy: always, command: ["sleep", "600"], stop_signal: SIGKILL }
`;
    const dir = h.writeStack(compose(one));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    // The pull brought nothing new: not Berth's.
    expect(h.store.stackImages.list(stack)).toEqual([]);
    writeFileSync(join(dir, 'compose.yaml'), compose(two));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    expect(await exists(own)).toBe(true);
    expect(h.store.stackImages.list(stack).map((r) => r.reference)).toEqual([two]);
  });

  it("keeps an old version another stack's files name while that stack is down, until they name another", {
    timeout: 180_000,
  }, async () => {
    const [a, b] = [h.stackName(), h.stackName()];
    const push = async (v: number) => {
      const tag = await buildLocal(`local/${a}-shared:${v}`, `${a}-shared-${v}`);
      const reference = await registry.push(tag, `${a}/shared`, String(v));
      await h.engine.images.remove(tag, { noPrune: true });
      references.push(reference);
      return reference;
    };
    const [one, two] = [await push(1), await push(2)];
    const compose = (image: string) => `x-berth:
  deploy: { stable_window: 1s }
  images: { keep: 1 }
services:
  app: { image: "${image}", command: ["sleep", "600"], stop_signal: SIGKILL }
`;
    const workspace = mkdtempSync(join(tmpdir(), 'berth-prune-ws-'));
    dirs.push(workspace);
    const write = (stack: string, image: string) => {
      mkdirSync(join(workspace, stack), { recursive: true });
      writeFileSync(join(workspace, stack, 'compose.yaml'), compose(image));
    };
    write(a, one);
    // b is never deployed: no container, no applied state; only its files say it runs `one`.
    write(b, one);
    const stacks = new StackService({
      engine: async () => h.engine,
      store: () => h.store,
      clock: h.clock,
      owner: h.owner(),
      workspace,
      env: {},
      registry: builtinXBerthRegistry(),
      allowPaths: false,
    });
    expect((await stacks.up(a, {})).outcome).toBe('succeeded');
    const first = (await h.engine.images.inspect(one)).id;
    write(a, two);
    const events: DeployEvent[] = [];
    expect((await stacks.up(a, { onEvent: (e) => events.push(e) })).outcome).toBe('succeeded');
    expect(events.filter((e) => e.type === 'cleanup').map((e) => e.message)).toEqual([]);
    expect(await exists(first)).toBe(true);
    const dry = await stacks.pruneImages(a, { dryRun: true });
    expect(dry.decisions.find((d) => d.image === first)?.reasons).toEqual([
      "another stack's compose file names it: its next deploy runs it",
    ]);
    // Once b's files move on too, nothing names the old version: it goes.
    write(b, two);
    const real = await stacks.pruneImages(a, { dryRun: false });
    expect(real.decisions.find((d) => d.image === first)?.removed).toBe(true);
    expect(await exists(first)).toBe(false);
  });
});
