import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { buildImages } from '../../../src/deploy/build-images.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { BerthLabel } from '../../../src/engine/model.js';
import { openMemoryStore } from '../../../src/store/index.js';
import { buildForPlatform, PLATFORM_CONTEXT } from '../../support/platform-image.js';
import { type DeployHarness, SLEEPER, startHarness } from './support.js';

// A service with `build:` and `platform:` whose tag the engine holds for another platform (as after a
// build on another machine, or before `platform:` was written): the deploy rebuilds it for the
// service's platform, without the cache, instead of creating a container the engine refuses.

const OWN = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
const OTHER = OWN === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';
const text = (p: string) => (p === 'linux/arm64' ? 'linux/arm64/v8' : p);

let h: DeployHarness;
const images: string[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  for (const image of images) await h?.engine.images.remove(image, { force: true }).catch(() => undefined);
  await h?.cleanup();
});

describe('a built image for another platform than the service asks (real engine)', () => {
  it('is rebuilt for the service platform without the cache, and then left alone', {
    timeout: 120_000,
  }, async () => {
    const stack = h.stackName();
    const image = `local/${stack}-app:1`;
    images.push(image);
    const dir = h.writeStack(`x-berth:
  deploy:
    stable_window: 1s
services:
  app:
    image: ${image}
    platform: ${OWN}
    build: .
    command: ${SLEEPER}
`);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM local/busybox:1\nRUN echo built > /built\n');
    await buildForPlatform(image, OTHER);
    expect(`linux/${(await h.engine.images.inspect(image)).architecture}`).toBe(OTHER);

    const result = await h.deploy(await h.load(dir, stack));
    expect(result.outcome).toBe('succeeded');
    expect(result.plan.builds.map((b) => [b.request.platform, b.request.noCache, b.reasons])).toEqual([
      [OWN, true, [`image ${image} is built for ${text(OTHER)}, the service's platform is ${text(OWN)}`]],
    ]);
    expect(`linux/${(await h.engine.images.inspect(image)).architecture}`).toBe(OWN);
    const [container] = await h.engine.containers.list({ [BerthLabel.Stack]: stack }, { all: true });
    expect(container?.state).toBe('running');

    const again = await h.deploy(await h.load(dir, stack));
    expect(again.outcome).toBe('unchanged');
    expect(again.plan.builds).toEqual([]);
  });

  it('builds again without the cache when the cache gave an image for another platform', async () => {
    const stack = h.stackName();
    const cached = `local/${stack}-cached:1`;
    const image = `local/${stack}-app:2`;
    images.push(cached, image);
    await buildForPlatform(cached, OTHER);
    const dir = h.writeStack('services: {}\n');
    for (const [name, content] of Object.entries(PLATFORM_CONTEXT)) writeFileSync(join(dir, name), content);
    const events: DeployEvent[] = [];
    const plan = {
      stack,
      resources: [],
      pulls: [],
      builds: [
        {
          kind: 'build' as const,
          service: 'app',
          request: { contextDir: dir, args: {}, tag: image, platform: OWN },
          reasons: [`image ${image} is not built yet`],
        },
      ],
      services: [],
      removals: [],
      problems: [],
    };
    const store = openMemoryStore(systemClock());
    await buildImages({ engine: h.engine, store }, plan, (e) => events.push(e));
    expect(events.filter((e) => e.type === 'build').map((e) => e.message)).toEqual([
      `building ${image}: image ${image} is not built yet`,
      `built ${image} for ${text(OTHER)}, not the service's platform ${text(OWN)}: building again without the cache`,
      `built ${image}`,
    ]);
    expect(`linux/${(await h.engine.images.inspect(image)).architecture}`).toBe(OWN);
    store.close();
  });
});
