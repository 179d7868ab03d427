import { describe, expect, it } from 'vitest';
import { desiredOf, imageId } from '../../test/support/deploy-fixtures.js';
import { isEmpty, type PlanInput, planStack } from './plan.js';

// What a deploy pulls before anything changes (pull_policy, one pull per image and platform), as the
// planner decides it; pull-policy.test.ts covers each policy's decision on its own.

/** The planner's input for `text` on an engine that has the images `ids` (and nothing running). */
async function inputOf(
  text: string,
  ids: ReadonlyMap<string, string>,
  extra: Partial<PlanInput> = {},
): Promise<PlanInput> {
  return {
    desired: await desiredOf(text, { imageIds: ids }),
    observed: { containers: [], networks: [], volumes: [] },
    applied: [],
    imageIds: ids,
    ...extra,
  };
}

describe('planStack: pulls', () => {
  const SHARED = `services:
  a: { image: "reg.example:5000/app:1" }
  b: { image: "reg.example:5000/app:1", pull_policy: always }
  c: { image: "cache:7" }
  d: { image: "cron:2", pull_policy: daily }
`;
  const plan = async (ids: ReadonlyMap<string, string>, extra: Partial<PlanInput> = {}) =>
    planStack({
      desired: await desiredOf(SHARED, { imageIds: ids }),
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: ids,
      ...extra,
    });

  it('pulls each missing image once, naming every service that runs it, before any container step', async () => {
    const p = await plan(
      new Map([
        ['cache:7', imageId('c7')],
        ['cron:2', imageId('d2')],
      ]),
      {
        lastPulled: new Map([['cron:2', '2026-12-06T12:00:00Z']]),
        now: Date.parse('2026-12-07T00:00:00Z'),
      },
    );
    expect(p.problems).toEqual([]);
    expect(p.pulls).toEqual([
      {
        kind: 'pull',
        image: 'reg.example:5000/app:1',
        services: ['a', 'b'],
        required: true,
        reasons: ['image reg.example:5000/app:1 is not on the engine'],
      },
    ]);
    expect(isEmpty(p)).toBe(false);
  });

  it('pulls present images under always and an expired daily, and nothing once the deploy has pulled', async () => {
    const ids = new Map([
      ['reg.example:5000/app:1', imageId('a1')],
      ['cache:7', imageId('c7')],
      ['cron:2', imageId('d2')],
    ]);
    const input = {
      lastPulled: new Map([['cron:2', '2026-12-05T12:00:00Z']]),
      now: Date.parse('2026-12-07T00:00:00Z'),
    };
    const p = await plan(ids, input);
    expect(p.pulls.map((s) => [s.image, s.services, s.required, s.reasons])).toEqual([
      ['reg.example:5000/app:1', ['b'], true, ['pull_policy: always']],
      ['cron:2', ['d'], false, ['pull_policy: daily: Berth last pulled cron:2 36 h ago']],
    ]);
    expect((await plan(ids, { ...input, pulled: true })).pulls).toEqual([]);
  });

  it('lets a pull_policy: never service use an image another service of the deploy pulls', async () => {
    const text =
      'services:\n  a: { image: "reg.example/app:1" }\n  b: { image: "reg.example/app:1", pull_policy: never }\n  c: { image: "other:1", pull_policy: never }\n';
    const p = planStack({
      desired: await desiredOf(text, { imageIds: new Map() }),
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: new Map(),
    });
    expect(p.pulls.map((x) => [x.image, x.services])).toEqual([['reg.example/app:1', ['a']]]);
    expect(p.problems.map((x) => x.message)).toEqual([
      'service c: image other:1 is not on the engine, and its pull_policy is never',
    ]);
  });

  it('pulls an image written two ways once, and lets pull_policy: never use it under another spelling', async () => {
    const text = `services:
  a: { image: "redis:7" }
  b: { image: "docker.io/library/redis:7" }
  c: { image: "index.docker.io/library/redis:7", pull_policy: never }
  d: { image: "redis" }
  e: { image: "library/redis:latest", pull_policy: never }
  f: { image: "redis:8", pull_policy: never }
`;
    const p = planStack({
      desired: await desiredOf(text, { imageIds: new Map() }),
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: new Map(),
    });
    expect(p.pulls.map((x) => [x.image, x.services])).toEqual([
      ['redis:7', ['a', 'b']],
      ['redis', ['d']],
    ]);
    expect(p.problems.map((x) => x.message)).toEqual([
      'service f: image redis:8 is not on the engine, and its pull_policy is never',
    ]);
  });

  it('pulls an image once per platform', async () => {
    const text =
      'services:\n  a: { image: "app:1", platform: linux/arm64 }\n  b: { image: "app:1" }\n  c: { image: "app:1", platform: linux/arm64 }\n';
    const p = planStack({
      desired: await desiredOf(text, { imageIds: new Map() }),
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: new Map(),
    });
    expect(p.pulls.map((x) => [x.image, x.platform, x.services])).toEqual([
      ['app:1', 'linux/arm64', ['a', 'c']],
      ['app:1', undefined, ['b']],
    ]);
  });

  it("pulls a present image built for another platform than the service's, and refuses it under never", async () => {
    const text =
      'services:\n  a: { image: "app:1", platform: linux/arm64 }\n  b: { image: "tool:1", platform: linux/amd64, pull_policy: never }\n  c: { image: "ok:1", platform: linux/arm64/v8 }\n  d: { image: "any:1", platform: linux }\n';
    const ids = new Map([
      ['app:1', imageId('a1')],
      ['tool:1', imageId('t1')],
      ['ok:1', imageId('o1')],
      ['any:1', imageId('y1')],
    ]);
    const p = planStack(
      await inputOf(text, ids, {
        imagePlatforms: new Map([
          ['app:1', { os: 'linux', architecture: 'amd64' }],
          ['tool:1', { os: 'linux', architecture: 'arm', variant: 'v7' }],
          ['ok:1', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
          ['any:1', { os: 'linux', architecture: 'amd64' }],
        ]),
      }),
    );
    expect(p.pulls.map((x) => [x.image, x.platform, x.reasons])).toEqual([
      [
        'app:1',
        'linux/arm64',
        ["image app:1 on the engine is for linux/amd64, the service's platform is linux/arm64/v8"],
      ],
    ]);
    expect(p.problems).toEqual([
      expect.objectContaining({
        code: 'IMAGE_PLATFORM',
        message:
          "service b: image tool:1 on the engine is for linux/arm/v7, the service's platform is linux/amd64, and its pull_policy is never",
      }),
    ]);
  });

  it('pulls one image once per platform however the platform is spelled, and lets never use it', async () => {
    const text =
      'services:\n  a: { image: "app:1", platform: linux/arm64 }\n  b: { image: "app:1", platform: linux/arm64/v8 }\n  c: { image: "app:1", platform: Linux/ARM64, pull_policy: never }\n';
    const ids = new Map([['app:1', imageId('a1')]]);
    const p = planStack(
      await inputOf(text, ids, {
        imagePlatforms: new Map([['app:1', { os: 'linux', architecture: 'amd64' }]]),
      }),
    );
    expect(p.pulls.map((x) => [x.platform, x.services])).toEqual([['linux/arm64', ['a', 'b']]]);
    expect(p.problems).toEqual([]);
  });

  it('reads platform: linux as the engine platform, and accepts images its machines run (386 on amd64)', async () => {
    const text =
      'services:\n  a: { image: "app:1", platform: linux }\n  b: { image: "old:1", platform: linux/amd64 }\n';
    const ids = new Map([
      ['app:1', imageId('a1')],
      ['old:1', imageId('o1')],
    ]);
    const input = await inputOf(text, ids, {
      imagePlatforms: new Map([
        ['app:1', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
        ['old:1', { os: 'linux', architecture: '386' }],
      ]),
    });
    const p = planStack({ ...input, enginePlatform: { os: 'linux', architecture: 'amd64' } });
    expect(p.pulls.map((x) => [x.image, x.platform, x.reasons])).toEqual([
      [
        'app:1',
        'linux',
        ["image app:1 on the engine is for linux/arm64/v8, the service's platform is linux/amd64"],
      ],
    ]);
    expect(planStack(input).pulls).toEqual([]);
  });

  it('refuses pull_policy: build without a build section', async () => {
    const text = 'services:\n  a: { image: "app:1", pull_policy: build }\n';
    const ids = new Map([['app:1', imageId('a1')]]);
    const p = planStack({
      desired: await desiredOf(text, { imageIds: ids }),
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: ids,
    });
    expect(p.problems.map((x) => x.code)).toEqual(['BUILD_MISSING']);
    expect(p.pulls).toEqual([]);
  });

  it('rebuilds a present image under pull_policy: build, but not in the second plan of a deploy', async () => {
    const text = 'services:\n  a: { build: ./a, pull_policy: build }\n';
    const desired = await desiredOf(text, { imageIds: new Map() });
    const image = desired.services.a?.image ?? '';
    const ids = new Map([[image, imageId('a1')]]);
    const input = {
      desired,
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: ids,
    };
    expect(planStack(input).builds.map((b) => b.reasons)).toEqual([['pull_policy: build']]);
    expect(planStack({ ...input, pulled: true }).builds).toEqual([]);
    expect(planStack(input).pulls).toEqual([]);
  });

  it("rebuilds, for the service's platform, an image built for another, once per deploy", async () => {
    const text =
      'services:\n  a: { build: ./a, platform: linux/arm64 }\n  b: { build: ./b, platform: linux/amd64 }\n';
    const desired = await desiredOf(text, { imageIds: new Map() });
    const [a, b] = [desired.services.a?.image ?? '', desired.services.b?.image ?? ''];
    const input = {
      desired,
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: new Map([
        [a, imageId('a1')],
        [b, imageId('b1')],
      ]),
      imagePlatforms: new Map([
        [a, { os: 'linux', architecture: 'amd64' }],
        [b, { os: 'linux', architecture: 'amd64' }],
      ]),
    };
    const builds = planStack(input).builds;
    expect(builds.map((x) => [x.service, x.request.platform, x.request.noCache, x.reasons])).toEqual([
      [
        'a',
        'linux/arm64',
        true,
        [`image ${a} is built for linux/amd64, the service's platform is linux/arm64/v8`],
      ],
    ]);
    expect(planStack({ ...input, pulled: true }).builds).toEqual([]);
    expect(planStack({ ...input, build: true }).builds.map((x) => x.reasons)).toEqual([
      ['rebuild requested'],
      ['rebuild requested'],
    ]);
  });
});
