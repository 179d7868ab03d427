import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpResult } from '../../../src/api/deploy.js';
import type { createLoggers } from '../../../src/log/index.js';
import type { OperationRunner } from '../../../src/operations/runner.js';
import { MASK } from '../../../src/secrets/detect.js';
import { loggedRunner } from './logged-runner.js';
import { type DeployHarness, stackServiceFor, startHarness } from './support.js';

// An image build with a secret-named build argument written in the compose file and one from .env,
// whose RUN step prints the first and a value derived from the second (base64), against the real
// engine: the written argument is masked everywhere, and what the build printed is only in the
// operation's `output` events (operators), not in the progress every role reads, the operation's
// record or the server log.

const LITERAL = `ghp_Literal${Math.random().toString(36).slice(2)}`;
const FROM_DOTENV = `npm_EnvFile${Math.random().toString(36).slice(2)}`;
/** What `echo $NPM_TOKEN | base64` prints (echo adds the newline). */
const DERIVED = Buffer.from(`${FROM_DOTENV}\n`).toString('base64');

const DOCKERFILE = `FROM local/busybox:1
ARG GITHUB_TOKEN
ARG NPM_TOKEN
RUN echo "literal=$GITHUB_TOKEN derived=$(echo $NPM_TOKEN | base64)"
`;

const compose = (image: string) => `x-berth:
  deploy:
    stable_window: 1s
services:
  app:
    image: ${image}
    build:
      context: .
      args:
        GITHUB_TOKEN: ${LITERAL}
        NPM_TOKEN: \${NPM_TOKEN}
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]
`;

let h: DeployHarness;
let logText: () => string;
let runner: OperationRunner;
let loggers: ReturnType<typeof createLoggers>;
const images: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  ({ runner, loggers, logText } = loggedRunner(h));
});

afterAll(async () => {
  for (const image of images) await h?.engine.images.remove(image, { force: true }).catch(() => undefined);
  await h?.cleanup();
});

describe('an image build with secret build arguments', () => {
  it('masks the written argument and keeps what the build printed to output events', {
    timeout: 120_000,
  }, async () => {
    const stack = h.stackName();
    const image = `local/${stack}-app:1`;
    images.push(image);
    const dir = h.writeStack(compose(image));
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(dir, '.env'), `NPM_TOKEN=${FROM_DOTENV}\n`);
    const stacks = stackServiceFor(h, dir, stack, loggers.for('deploy'));
    const op = runner.start({
      kind: 'up',
      stack,
      actor: 'test',
      requestId: 'req-build',
      run: ({ onEvent, signal }) =>
        stacks.up(stack, { trigger: 'api', actor: 'test', build: true, onEvent, signal }),
    });
    await runner.idle();
    const ended = h.store.operations.get(op.id);
    expect(ended?.status, JSON.stringify(ended?.error)).toBe('succeeded');
    expect((ended?.result as UpResult | undefined)?.outcome).toBe('succeeded');

    const events = h.store.events.after({ after: 0, limit: 10_000 }).filter((e) => e.stack === stack);
    const deploy = events.filter((e) => e.kind === 'deploy');
    const output = deploy.filter((e) => e.type === 'output').map((e) => e.message);
    // The build printed the written argument masked, and the derived value (no mask knows it).
    expect(output).toContain(`literal=${MASK} derived=${DERIVED}`);
    // Everyone else's part: progress only.
    expect(deploy.filter((e) => e.type === 'build').map((e) => e.message)).toEqual([
      `building ${image}: image ${image} is not built yet`,
      `built ${image}`,
    ]);
    const forEveryone = JSON.stringify([
      events.filter((e) => !(e.kind === 'deploy' && e.type === 'output')),
      ended,
    ]);
    expect(forEveryone).not.toContain(DERIVED);
    expect(logText()).not.toContain(DERIVED);
    expect(logText()).toContain(`built ${image}`);
    for (const [what, text] of [
      ['events', JSON.stringify(events)],
      ['operation', JSON.stringify(ended)],
      ['server log', logText()],
      ...readdirSync(h.stateDir).map((file) => [
        file,
        readFileSync(join(h.stateDir, file)).toString('latin1'),
      ]),
    ] as const)
      expect(text.includes(LITERAL), `${what} shows the build argument`).toBe(false);
  });
});
