import { mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berth } from '../../support/cli.js';
import { startTxtZone } from '../../support/dns-zone.js';
import { writeTree } from '../../support/tree.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// `berth audit --live` as an operator runs it, against the real engine: running/declared counts,
// the live rules, and `--fix` pinning an image to the version the engine actually runs.
// The image is built here under two tags (`:latest` and `:1.0`, one image id) so that pinning has
// a real version to find; the stack has a unique name and cleanup removes only its own objects.

const IMAGE = 'local/berth-pin-test';

const COMPOSE = `services:
  web:
    image: ${IMAGE}   # unpinned: means :latest
    command: ["sleep", "600"]
    stop_signal: SIGKILL
`;

let h: DeployHarness;
let dir: string;

async function buildTagged(tag: string): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'berth-pin-'));
  await writeFile(join(context, 'Dockerfile'), `FROM ${BUSYBOX}\nLABEL dev.berth.test=1\n`);
  for await (const event of h.engine.images.build({ contextDir: context, tag: `${IMAGE}:${tag}` })) {
    if (event.type === 'error') throw new Error(event.message);
  }
}

beforeAll(async () => {
  h = await startHarness();
  await buildTagged('1.0');
  await buildTagged('latest');
  const stack = h.stackName();
  const written = h.writeStack(COMPOSE);
  // The audit derives the project name from the folder: give the folder the stack's name.
  dir = join(dirname(written), stack);
  await rename(written, dir);
  const result = await h.deploy(await h.load(dir, stack));
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
}, 120_000);

afterAll(async () => {
  await h?.cleanup();
  for (const tag of ['latest', '1.0'])
    await h?.engine.images.remove(`${IMAGE}:${tag}`).catch(() => undefined);
});

describe('berth audit --live (real engine)', () => {
  it('compares what runs with what is declared', async () => {
    const run = await berth(['audit', dir, '--live', '--format', 'json', '--fail-on', 'critical'], {
      cwd: dir,
      env: {},
    });
    const json = JSON.parse(run.stdout) as {
      summary: { running: number; declared: number };
      skipped: unknown[];
      findings: { rule: string }[];
    };
    expect(json.summary).toMatchObject({ running: 1, declared: 1 });
    expect(json.skipped).toEqual([]);
    expect(json.findings.map((f) => f.rule)).toContain('image-not-pinned');
  });

  it('--fix pins the image to the version the engine runs, keeping the comment', async () => {
    const dry = await berth(['audit', dir, '--live', '--fix', '--dry-run'], { cwd: dir, env: {} });
    expect(dry.stdout).toContain(`+    image: ${IMAGE}:1.0   # unpinned: means :latest`);
    expect(await readFile(join(dir, 'compose.yaml'), 'utf8')).toBe(COMPOSE);
    await berth(['audit', dir, '--live', '--fix'], { cwd: dir, env: {} });
    // Both safe fixes apply: the pin, and no-new-privileges; every other byte is unchanged.
    expect(await readFile(join(dir, 'compose.yaml'), 'utf8')).toBe(
      `${COMPOSE.replace(`${IMAGE}   #`, `${IMAGE}:1.0   #`)}    security_opt: [no-new-privileges:true]\n`,
    );
  });

  it('checks the SPF, DKIM and DMARC of an x-berth.mail domain through its resolver', async () => {
    const zone = await startTxtZone({
      'shop.test': [['v=spf1 mx ?all']],
      '_dmarc.shop.test': [['v=DMARC1; p=quarantine; pct=50']],
    });
    try {
      const root = await writeTree({
        'mailer/compose.yaml': `services:\n  app:\n    image: ${BUSYBOX}\nx-berth:\n  mail:\n    domain: shop.test\n    dkim_selectors: []\n    resolver: "${zone.address}"\n`,
      });
      const run = await berth(['audit', root, '--live', '--format', 'json', '--fail-on', 'critical'], {
        cwd: root,
        env: {},
      });
      const json = JSON.parse(run.stdout) as { findings: { rule: string; line: number }[] };
      expect(json.findings.filter((f) => f.rule.startsWith('mail-')).map((f) => [f.rule, f.line])).toEqual([
        ['mail-dkim-missing', 7],
        ['mail-spf-permissive', 6],
        ['mail-dmarc-not-enforced', 6],
      ]);
      expect(zone.asked).toEqual(['shop.test', '_dmarc.shop.test']);
    } finally {
      await zone.close();
    }
  });
});
