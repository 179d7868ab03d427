import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { type LoadOptions, loadWorkspace, type WorkspaceLoad } from './stack.js';
import { validatePaths } from './validate.js';
import type { StackInfo } from './workspace-source.js';
import { SETTLE_MS, workspaceStacks, workspaceValidator } from './workspace-source.js';

const options = { env: {}, registry: builtinXBerthRegistry() };

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});
const tree = async (files: Record<string, string>) => {
  const root = await writeTree(files);
  roots.push(root);
  return root;
};

/** The real loader, counted; `after` runs once a load has read the files, before it returns. */
function counting(after?: (loads: number) => Promise<void>) {
  const counter = {
    loads: 0,
    load: async (path: string, opts: LoadOptions): Promise<WorkspaceLoad> => {
      counter.loads++;
      const result = await loadWorkspace(path, opts);
      await after?.(counter.loads);
      return result;
    },
  };
  return counter;
}

/** A clock a minute ahead: every file looks settled, so only the fingerprints decide. */
const aMinuteLater = () => Date.now() + 60_000;

const catalog = {
  'berth.yaml': [
    'stacks:',
    '  app:',
    '    path: app',
    '    description: The app',
    '  lib:',
    '    path: lib',
    '',
  ].join('\n'),
  'app/compose.yaml': [
    'include:',
    '  - ../shared/compose.yaml',
    'services:',
    '  web:',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation
    '    image: ${IMAGE:?set IMAGE in .env}',
    '    depends_on: [redis]',
    '',
  ].join('\n'),
  'app/.env': 'IMAGE=nginx\n',
  'shared/compose.yaml': 'services:\n  redis:\n    image: redis\n',
  'lib/compose.yaml': 'services:\n  job:\n    image: busybox\n',
};

const byName = (stacks: readonly StackInfo[]): Record<string, StackInfo> =>
  Object.fromEntries(stacks.map((s) => [s.name, s]));

describe('workspaceStacks', () => {
  it('answers from the last load while nothing changed', async () => {
    const root = await tree(catalog);
    const counter = counting();
    const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
    const first = await list();
    expect(first).toEqual([
      {
        name: 'app',
        group: null,
        owner: null,
        description: 'The app',
        environment: null,
        valid: true,
        services: ['redis', 'web'],
      },
      {
        name: 'lib',
        group: null,
        owner: null,
        description: null,
        environment: null,
        valid: true,
        services: ['job'],
      },
    ]);
    expect(await list()).toBe(first);
    expect(await list()).toBe(first);
    expect(counter.loads).toBe(1);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(first[0]?.services)).toBe(
      true,
    );
  });

  // Each edit changes a file's size or inode, so that it shows even within one timestamp tick of
  // the previous write; the clock makes every file look settled, so only the fingerprints can tell.
  const edits: [string, (root: string) => Promise<void>, (stacks: ReturnType<typeof byName>) => void][] = [
    [
      'a compose file edited (a service added)',
      (root) =>
        writeFile(join(root, 'lib/compose.yaml'), `${catalog['lib/compose.yaml']}  cron:\n    image: x\n`),
      (s) => expect(s.lib?.services).toEqual(['cron', 'job']),
    ],
    [
      'an included compose file edited',
      (root) =>
        writeFile(
          join(root, 'shared/compose.yaml'),
          'services:\n  redis:\n    image: redis\n  mq:\n    image: q\n',
        ),
      (s) => expect(s.app?.services).toEqual(['mq', 'redis', 'web']),
    ],
    [
      'an override file created',
      (root) => writeFile(join(root, 'lib/compose.override.yaml'), 'services:\n  extra:\n    image: x\n'),
      (s) => expect(s.lib?.services).toEqual(['extra', 'job']),
    ],
    [
      'the .env that a compose file interpolates edited',
      (root) => writeFile(join(root, 'app/.env'), '# IMAGE=nginx\n'),
      (s) => expect(s.app).toMatchObject({ valid: false, services: [] }),
    ],
    [
      'the .env that a compose file interpolates removed',
      (root) => rm(join(root, 'app/.env')),
      (s) => expect(s.app).toMatchObject({ valid: false, services: [] }),
    ],
    [
      'berth.yaml edited',
      (root) =>
        writeFile(
          join(root, 'berth.yaml'),
          catalog['berth.yaml']
            .replace('The app', 'The application')
            .replace('path: lib', 'path: lib\n    owner: ops'),
        ),
      (s) => {
        expect(s.app?.description).toBe('The application');
        expect(s.lib?.owner).toBe('ops');
      },
    ],
    [
      'a catalog stack folder removed',
      (root) => rm(join(root, 'lib'), { recursive: true }),
      (s) => expect(Object.keys(s)).toEqual(['app']),
    ],
  ];
  for (const [what, edit, check] of edits) {
    it(`sees ${what} on the next call`, async () => {
      const root = await tree(catalog);
      const counter = counting();
      const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
      await list();
      await list();
      expect(counter.loads).toBe(1);
      await edit(root);
      check(byName(await list()));
      expect(counter.loads).toBe(2);
      await list();
      expect(counter.loads).toBe(2);
    });
  }

  it('sees a .env created after the load', async () => {
    const { 'app/.env': _, ...withoutEnv } = catalog;
    const root = await tree(withoutEnv);
    const counter = counting();
    const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
    expect(byName(await list()).app?.valid).toBe(false);
    expect(byName(await list()).app?.valid).toBe(false);
    await writeFile(join(root, 'app/.env'), 'IMAGE=nginx\n');
    expect(byName(await list()).app?.valid).toBe(true);
    expect(counter.loads).toBe(2);
  });

  it('sees the .env of an included project created, in a folder not listed', async () => {
    const root = await tree({
      ...catalog,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation
      'shared/compose.yaml': 'services:\n  redis:\n    image: ${REDIS:?set REDIS}\n',
    });
    const counter = counting();
    const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
    expect(byName(await list()).app?.valid).toBe(false);
    expect(byName(await list()).app?.valid).toBe(false);
    await writeFile(join(root, 'shared/.env'), 'REDIS=redis\n');
    expect(byName(await list()).app?.valid).toBe(true);
    expect(counter.loads).toBe(2);
  });

  it('sees stack folders added to and removed from an estate folder', async () => {
    const root = await tree({
      'a/compose.yaml': 'services:\n  web:\n    image: nginx\n',
      'b/compose.yaml': 'services:\n  web:\n    image: nginx\n',
      'docs/readme.txt': 'not a stack\n',
    });
    const counter = counting();
    const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
    const names = async () => (await list()).map((s) => s.name);
    expect(await names()).toEqual(['a', 'b']);
    await mkdir(join(root, 'c'));
    await writeFile(join(root, 'c/compose.yaml'), 'services:\n  db:\n    image: postgres\n');
    expect(await names()).toEqual(['a', 'b', 'c']);
    await rm(join(root, 'a'), { recursive: true });
    expect(await names()).toEqual(['b', 'c']);
    // A folder that was not a stack becomes one.
    await writeFile(join(root, 'docs/compose.yaml'), 'services:\n  site:\n    image: nginx\n');
    expect(await names()).toEqual(['b', 'c', 'docs']);
    expect(await names()).toEqual(['b', 'c', 'docs']);
    expect(counter.loads).toBe(4);
  });

  it('shares one load between concurrent calls', async () => {
    const root = await tree(catalog);
    const counter = counting(() => delay(20));
    const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
    const results = await Promise.all(Array.from({ length: 10 }, () => list()));
    expect(counter.loads).toBe(1);
    for (const r of results) expect(r).toBe(results[0]);
    await writeFile(join(root, 'lib/compose.yaml'), 'services:\n  job:\n    image: busybox:2\n');
    const again = await Promise.all(Array.from({ length: 10 }, () => list()));
    expect(counter.loads).toBe(2);
    for (const r of again) expect(r).toBe(again[0]);
  });

  it('does not keep a result read from files changed less than SETTLE_MS before the load', async () => {
    const root = await tree(catalog);
    let ahead = 0;
    const counter = counting();
    const list = workspaceStacks(root, options, { load: counter.load, now: () => Date.now() + ahead });
    await list();
    await list();
    expect(counter.loads).toBe(2);
    ahead = SETTLE_MS + 60_000; // the files have been still for a while
    await list();
    await list();
    expect(counter.loads).toBe(3);
  });

  it('loads again when a file changed while the load was reading', async () => {
    const root = await tree(catalog);
    // The files written above must look settled, and the edit during the load must not. Filesystem
    // times come from a coarse kernel clock that can lag Date.now() by a tick, so the threshold
    // sits 500 ms before the load starts and the files are written well before that.
    await delay(700);
    const counter = counting(async (loads) => {
      if (loads === 1) await writeFile(join(root, 'lib/compose.yaml'), 'services:\n  late:\n    image: x\n');
    });
    const list = workspaceStacks(root, options, {
      load: counter.load,
      now: () => Date.now() + SETTLE_MS - 500,
    });
    expect(byName(await list()).lib?.services).toEqual(['job']);
    expect(byName(await list()).lib?.services).toEqual(['late']);
    expect(counter.loads).toBe(2);
  });

  it('loads again when a file was removed while the load was reading', async () => {
    const root = await tree(catalog);
    const counter = counting(async (loads) => {
      if (loads === 1) await rm(join(root, 'app/.env'));
    });
    const list = workspaceStacks(root, options, { load: counter.load, now: aMinuteLater });
    expect(byName(await list()).app?.valid).toBe(true);
    expect(byName(await list()).app?.valid).toBe(false);
    expect(byName(await list()).app?.valid).toBe(false);
    expect(counter.loads).toBe(2);
  });

  it('keeps nothing from a load that failed', async () => {
    const root = await tree(catalog);
    let fail = true;
    const load = async (path: string, opts: LoadOptions) => {
      if (fail) throw new Error('disk on fire');
      return loadWorkspace(path, opts);
    };
    const list = workspaceStacks(root, options, { load, now: aMinuteLater });
    await expect(list()).rejects.toThrow('disk on fire');
    fail = false;
    expect((await list()).map((s) => s.name)).toEqual(['app', 'lib']);
  });
});

describe('workspaceValidator', () => {
  it('answers as berth validate --json, kept per path until its files change', async () => {
    const root = await tree(catalog);
    const counter = counting();
    const validate = workspaceValidator(root, options, { load: counter.load, now: aMinuteLater });
    const whole = await validate(root);
    expect(whole).toEqual(await validatePaths([root], { ...options, cwd: root }));
    expect(whole.files.every((f) => f.valid)).toBe(true);
    const app = await validate(join(root, 'app'));
    expect(app).toEqual(await validatePaths([join(root, 'app')], { ...options, cwd: root }));
    expect(await validate(root)).toBe(whole);
    expect(await validate(join(root, 'app'))).toBe(app);
    expect(counter.loads).toBe(2);

    await writeFile(join(root, 'app/.env'), '# IMAGE=nginx\n');
    const broken = await validate(join(root, 'app'));
    expect(broken.files.find((f) => f.path === 'app/compose.yaml')?.valid).toBe(false);
    expect((await validate(root)).files.find((f) => f.path === 'app/compose.yaml')?.valid).toBe(false);
    expect(counter.loads).toBe(4);
  });

  it('keeps the last 16 paths', async () => {
    const root = await tree(catalog);
    const counter = counting();
    const validate = workspaceValidator(root, options, { load: counter.load, now: aMinuteLater });
    const paths = Array.from({ length: 17 }, (_, i) => join(root, `missing-${i}`));
    for (const path of paths) await validate(path);
    expect(counter.loads).toBe(17);
    await validate(paths[16] ?? '');
    await validate(paths[1] ?? '');
    expect(counter.loads).toBe(17);
    await validate(paths[0] ?? ''); // the least recently used, dropped when the 17th came
    expect(counter.loads).toBe(18);
  });
});
