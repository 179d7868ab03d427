import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthLabel } from '../../../src/engine/model.js';
import { berth } from '../../support/cli.js';
import { type DeployHarness, startHarness } from './support.js';

// An image the engine lacks and cannot get is a config error of the service's `image:` key: what
// `berth up` and `berth plan` print says where it is written (file:line:col), not only what failed.
// There is no registry here: `local/nope:1` fails to pull at once.

let h: DeployHarness;
let root: string;

const compose = (policy?: string) => `services:
  app:
    command: ["sleep", "600"]
    image: local/nope:1
${policy ? `    pull_policy: ${policy}\n` : ''}`;

async function run(stack: string, text: string, argv: string[]) {
  const ws = join(root, stack);
  mkdirSync(join(ws, stack), { recursive: true });
  writeFileSync(join(ws, stack, 'compose.yaml'), text);
  const env = { HOME: root, BERTH_STATE_DIR: join(ws, 'state') };
  const result = await berth(['--local', '-w', ws, ...argv, stack], { cwd: root, env });
  return { ...result, file: join(ws, stack, 'compose.yaml') };
}

beforeAll(async () => {
  h = await startHarness();
  root = mkdtempSync(join(tmpdir(), 'berth-image-where-'));
}, 60_000);

afterAll(async () => {
  await h?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('errors about an image say where it is written', () => {
  it('a failed pull (DEPLOY_PULL_FAILED) names the file:line:col of `image:`, and nothing is created', async () => {
    const stack = h.stackName();
    const up = await run(stack, compose(), ['up']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('DEPLOY_PULL_FAILED');
    expect(up.stderr).toContain(`${up.file}:4:5: pulling local/nope:1 (app) failed`);
    expect(await h.engine.containers.list({ [BerthLabel.Stack]: stack }, { all: true })).toEqual([]);
  });

  it('an image missing under pull_policy: never (IMAGE_MISSING) names it, in the plan and the refused up', async () => {
    const stack = h.stackName();
    const plan = await run(stack, compose('never'), ['plan']);
    expect(plan.stdout).toContain(
      `! IMAGE_MISSING: ${plan.file}:4:5: service app: image local/nope:1 is not on the engine`,
    );
    const up = await run(stack, compose('never'), ['up']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(`${up.file}:4:5: service app: image local/nope:1 is not on the engine`);
  });
});
