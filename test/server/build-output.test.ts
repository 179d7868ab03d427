import { afterEach, describe, expect, it } from 'vitest';
import type { UpResult } from '../../src/api/deploy.js';
import { buildImages } from '../../src/deploy/build-images.js';
import type { Plan } from '../../src/deploy/plan-types.js';
import type { DeployStores } from '../../src/deploy/ports.js';
import type { UpOptions } from '../../src/deploy/service.js';
import type { BuildEvent, Engine } from '../../src/engine/model.js';
import { CONTAINERS, type ControlToken, controlFixture, TableStacks } from '../support/control.js';
import { SseReader } from '../support/sse.js';

// What an image build printed is, like logs, for the stack's operators: a RUN step may print a build
// argument or a value derived from one (base64 of a token), which no mask recognizes. Viewers follow
// the build by its progress (`building …`, `built …`) on the event stream, the dashboard's source.

const DERIVED = `derived=bnBtX0VudkZpbGU1Njc4-${Math.random().toString(36).slice(2)}`;

/** An engine whose build prints a line with DERIVED, as the review's Dockerfile does. */
const ENGINE = {
  images: {
    async *build(): AsyncGenerator<BuildEvent> {
      yield { type: 'log', line: 'Step 1/2 : FROM local/busybox:1' };
      yield { type: 'log', line: `literal=******** ${DERIVED}` };
      yield { type: 'done', imageId: 'sha256:1' };
    },
    inspect: async () => ({ id: 'sha256:1' }),
  },
} as unknown as Engine;

const PLAN: Plan = {
  stack: 'alpha',
  resources: [],
  pulls: [],
  builds: [
    {
      kind: 'build',
      service: 'web',
      request: { contextDir: '/ctx', tag: 'local/alpha-web:1', args: {} },
      reasons: ['rebuild requested'],
    },
  ],
  services: [],
  removals: [],
  problems: [],
};

const NO_RECORDS: Pick<DeployStores, 'stackImages'> = {
  stackImages: {
    record: () => undefined,
    deployed: () => undefined,
    list: () => [],
    holders: () => [],
    forget: () => 0,
  },
};

/** `up --build` as the deploy runs it: the real buildImages, then the apply. */
class BuildingStacks extends TableStacks {
  override async up(stack: string, options: UpOptions): Promise<UpResult> {
    const emit = options.onEvent ?? (() => undefined);
    await buildImages({ engine: ENGINE, store: NO_RECORDS }, PLAN, emit);
    emit({ type: 'plan', message: `deploying ${stack}: web` });
    return { stack, deploymentId: 1, outcome: 'succeeded', changedServices: ['web'] };
  }
}

let f: ReturnType<typeof controlFixture>;
afterEach(() => f.close());

async function builtUp(): Promise<string> {
  f = controlFixture({ stacks: new BuildingStacks(CONTAINERS) });
  const started = await f.call('POST', '/api/v1/stacks/alpha/up', 'alpha-operator', { build: true });
  expect(started.status).toBe(202);
  await f.control.runner.idle();
  return started.json.id as string;
}

async function deployEvents(path: string, token: ControlToken, count?: number) {
  const res = await f.open(path, token);
  expect(res.status).toBe(200);
  const sse = new SseReader(res);
  const messages = count === undefined ? await sse.rest() : await sse.take(count);
  if (count !== undefined) await sse.cancel();
  return messages.filter((m) => m.event === 'deploy').map((m) => `${m.data.type} ${m.data.message}`);
}

describe('an image build on the event stream', () => {
  it('gives viewers its progress only, operators what it printed too', async () => {
    const op = await builtUp();
    const progress = [
      'build building local/alpha-web:1: rebuild requested',
      'build built local/alpha-web:1',
      'plan deploying alpha: web',
    ];
    for (const token of ['viewer', 'alpha-viewer'] as const) {
      expect(await deployEvents(`/api/v1/events?operation=${op}`, token), token).toEqual(progress);
      const all = await deployEvents('/api/v1/events?after=0&stack=alpha', token, 4);
      expect(all, `${token} stream`).toEqual(progress);
      expect(all.join('\n')).not.toContain(DERIVED);
    }
    for (const token of ['operator', 'alpha-operator', 'admin'] as const) {
      expect(await deployEvents(`/api/v1/events?operation=${op}`, token), token).toEqual([
        'build building local/alpha-web:1: rebuild requested',
        'output Step 1/2 : FROM local/busybox:1',
        `output literal=******** ${DERIVED}`,
        'build built local/alpha-web:1',
        'plan deploying alpha: web',
      ]);
    }
  });
});
