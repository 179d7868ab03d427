import { describe, expect, it } from 'vitest';
import type { ContainerInfo, ContainerSummary, Engine, ImageInfo, LabelSelector } from '../engine/index.js';
import { EngineError } from '../engine/index.js';
import { collectLive } from './live.js';

function summary(
  id: string,
  labels: Record<string, string>,
  over: Partial<ContainerSummary> = {},
): ContainerSummary {
  return {
    id,
    name: `c-${id}`,
    image: 'nginx:latest',
    imageId: `sha256:${id}img`,
    labels,
    state: 'running',
    status: 'Up',
    networks: [],
    createdAt: '',
    ...over,
  };
}

const compose = (project: string, service: string, extra: Record<string, string> = {}) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...extra,
});
const berthLabels = (stack: string, service: string, role = 'current') => ({
  'dev.berth.managed': 'true',
  'dev.berth.stack': stack,
  'dev.berth.service': service,
  'dev.berth.role': role,
  ...compose(stack, service),
});

function fakeEngine(all: ContainerSummary[], images: Record<string, string[]>, gone: string[] = []) {
  const inspected: string[] = [];
  const engine = {
    containers: {
      async list(selector: LabelSelector) {
        return all.filter((c) =>
          Object.entries(selector).every(([k, v]) => (v === true ? k in c.labels : c.labels[k] === v)),
        );
      },
      async inspect(id: string) {
        if (gone.includes(id)) throw new EngineError('ENGINE_NOT_FOUND', 'gone');
        return { restartCount: id === 'b' ? 3 : 0 } as ContainerInfo;
      },
    },
    images: {
      async inspect(ref: string): Promise<ImageInfo> {
        inspected.push(ref);
        const tags = images[ref];
        if (!tags) throw new EngineError('ENGINE_NOT_FOUND', 'no image');
        return { id: ref, tags, labels: {}, created: '' };
      },
    },
  } as unknown as Pick<Engine, 'containers' | 'images'>;
  return { engine, inspected };
}

describe('collectLive', () => {
  it('collects Berth and compose containers once each, with restart counts and image tags', async () => {
    const { engine, inspected } = fakeEngine(
      [
        summary('a', berthLabels('shop', 'web'), { imageId: 'sha256:x' }),
        summary('b', compose('blog', 'db'), { state: 'exited', imageId: 'sha256:x' }),
        summary('c', compose('blog', 'wp'), { imageId: 'sha256:removed' }),
      ],
      { 'sha256:x': ['nginx:1.27.3', 'nginx:latest'] },
    );
    const live = await collectLive(engine);
    expect(live.containers.map((c) => [c.stack, c.service, c.state, c.restartCount, c.imageTags])).toEqual([
      ['blog', 'db', 'exited', 3, ['nginx:1.27.3', 'nginx:latest']],
      ['blog', 'wp', 'running', 0, []],
      ['shop', 'web', 'running', 0, ['nginx:1.27.3', 'nginx:latest']],
    ]);
    expect(inspected).toEqual(['sha256:x', 'sha256:removed']);
  });

  it('leaves out one-offs, previous rollout containers, unlabelled ones and ones gone since the listing', async () => {
    const { engine } = fakeEngine(
      [
        summary('a', compose('blog', 'wp', { 'com.docker.compose.oneoff': 'True' })),
        summary('b', berthLabels('shop', 'web', 'previous')),
        summary('c', { 'com.docker.compose.project': 'blog' }),
        summary('d', compose('blog', 'db')),
      ],
      {},
      ['d'],
    );
    expect((await collectLive(engine)).containers).toEqual([]);
  });

  it('lets other engine failures through', async () => {
    const { engine } = fakeEngine([summary('a', compose('blog', 'wp'))], {});
    (engine.images as { inspect: unknown }).inspect = async () => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'down');
    };
    await expect(collectLive(engine)).rejects.toThrow('down');
  });
});
