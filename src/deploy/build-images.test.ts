import { describe, expect, it } from 'vitest';
import type { BuildEvent, Engine } from '../engine/model.js';
import type { StackImageRecord } from '../store/index.js';
import { buildImages } from './build-images.js';
import { DeployError } from './errors.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';
import type { DeployStores } from './ports.js';

// What a build reports: its progress to everyone (`build` events), what it printed only to the
// stack's operators (`output` events), and a failure without the output.

/** base64 of a token a RUN step derived: no mask recognizes it. */
const DERIVED = 'bnBtX0VudkZpbGU1Njc4Cg==';

const plan = (tags: string[]): Plan => ({
  stack: 'alpha',
  resources: [],
  pulls: [],
  builds: tags.map((tag, i) => ({
    kind: 'build',
    service: `svc${i + 1}`,
    request: { contextDir: '/ctx', tag, args: { GITHUB_TOKEN: 'ghp_x' } },
    reasons: [`image ${tag} is not built yet`],
  })),
  services: [],
  removals: [],
  problems: [],
});

/** An engine whose builds print `lines`, then end as `end` says. */
function engine(lines: string[], end: 'done' | Error = 'done'): Engine {
  return {
    images: {
      async *build(): AsyncGenerator<BuildEvent> {
        for (const line of lines) yield { type: 'log', line };
        if (end instanceof Error) throw end;
        yield { type: 'done', imageId: '0123456789ab' };
      },
      // The full id is what gets recorded (a legacy engine's `done` names a short one).
      inspect: async (tag: string) => ({ id: `sha256:${tag}` }),
    },
  } as unknown as Engine;
}

/** What the builds recorded as the stack's image versions. */
let recorded: StackImageRecord[] = [];
const store: Pick<DeployStores, 'stackImages'> = {
  stackImages: {
    record: (r) => {
      recorded.push({ ...r, recordedAt: 'now' });
    },
    deployed: () => undefined,
    list: () => [],
    holders: () => [],
    forget: () => 0,
  },
};

async function run(e: Engine, p: Plan) {
  const events: DeployEvent[] = [];
  recorded = [];
  const error = await buildImages({ engine: e, store }, p, (event) => events.push(event)).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { events, error };
}

const LINES = ['Step 1/2 : FROM local/busybox:1', `literal=******** derived=${DERIVED}`, '   ', 'ok'];

describe('buildImages', () => {
  it('reports progress as build events and every printed line as an output event', async () => {
    const { events, error } = await run(engine(LINES), plan(['local/app:1', 'local/web:1']));
    expect(error).toBeUndefined();
    // Each built image is recorded as the stack's, for image pruning.
    expect(recorded).toEqual([
      {
        stack: 'alpha',
        service: 'svc1',
        imageId: 'sha256:local/app:1',
        reference: 'local/app:1',
        origin: 'build',
        recordedAt: 'now',
      },
      {
        stack: 'alpha',
        service: 'svc2',
        imageId: 'sha256:local/web:1',
        reference: 'local/web:1',
        origin: 'build',
        recordedAt: 'now',
      },
    ]);
    expect(events.filter((e) => e.type === 'build')).toEqual([
      { type: 'build', service: 'svc1', message: 'building local/app:1: image local/app:1 is not built yet' },
      { type: 'build', service: 'svc1', message: 'built local/app:1' },
      { type: 'build', service: 'svc2', message: 'building local/web:1: image local/web:1 is not built yet' },
      { type: 'build', service: 'svc2', message: 'built local/web:1' },
    ]);
    expect(events.filter((e) => e.service === 'svc1' && e.type === 'output').map((e) => e.message)).toEqual([
      'Step 1/2 : FROM local/busybox:1',
      `literal=******** derived=${DERIVED}`,
      'ok',
    ]);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['build', 'output']));
    // What everyone reads holds nothing the build printed.
    expect(JSON.stringify(events.filter((e) => e.type !== 'output'))).not.toContain(DERIVED);
  });

  it('fails with DEPLOY_BUILD_FAILED whose message and hint hold none of the output', async () => {
    const { events, error } = await run(
      engine(LINES, new Error("The command '/bin/sh -c echo' returned a non-zero code: 3")),
      plan(['local/app:1', 'local/web:1']),
    );
    expect(error).toBeInstanceOf(DeployError);
    const e = error as DeployError;
    expect(e.code).toBe('DEPLOY_BUILD_FAILED');
    expect(e.message).toBe(
      "building svc1 (local/app:1) failed: The command '/bin/sh -c echo' returned a non-zero code: 3",
    );
    expect(`${e.message}\n${e.hint}`).not.toContain(DERIVED);
    expect(e.hint).toContain('output events');
    // Operators still had every line, and nothing was said to be built (nor recorded).
    expect(recorded).toEqual([]);
    expect(events.filter((x) => x.type === 'output')).toHaveLength(3);
    expect(events.filter((x) => x.type === 'build').map((x) => x.message)).toEqual([
      'building local/app:1: image local/app:1 is not built yet',
    ]);
  });
});
