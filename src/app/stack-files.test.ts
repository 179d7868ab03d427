import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import type { StreamEvent } from '../api/events.js';
import { loadWorkspace, type WorkspaceLoad } from '../compose/stack.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore } from '../store/index.js';
import { builtinXBerthRegistry } from './registry.js';
import { StackFiles } from './stack-files.js';

const options = { env: {}, registry: builtinXBerthRegistry() };
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

const compose = `services:
  web:
    image: local/busybox:1
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
    x-berth:
      jobs:
        nightly: { schedule: "@daily", command: ["true"] }
`;

async function kit(
  openAlertKeys: readonly string[] = [],
  load = (root: string) => loadWorkspace(root, options),
) {
  const root = await writeTree({
    'shop/compose.yaml': compose,
    'shop/.env': 'DB_PASSWORD=hunter2-very-secret\n',
    'blog/compose.yaml': compose.replace(/\$\{DB_PASSWORD\}/, 'x'),
  });
  roots.push(root);
  const store = openMemoryStore({ now: () => new Date() });
  const hub = new EventHub(store.events);
  const events: StreamEvent[] = [];
  hub.subscribe((e) => events.push(e));
  const files = new StackFiles({
    load: () => load(root),
    events: () => hub,
    openAlertKeys: () => openAlertKeys,
  });
  const write = (text: string) => writeFile(join(root, 'shop/compose.yaml'), text);
  const said = () =>
    events.map((e) => `${e.type} ${e.stack} ${(e.data as { alert: { status: string } }).alert.status}`);
  return { root, files, events, write, said, close: () => store.close() };
}

const broken = compose.replace('schedule:', 'schedul:');

describe('StackFiles', () => {
  it('keeps the last good stack while its files do not load, and says so once, then that they load again', async () => {
    const k = await kit();
    k.files.startReporting();
    expect((await k.files.stacks()).map((s) => s.name).sort()).toEqual(['blog', 'shop']);
    expect(k.events).toEqual([]);
    await k.write(broken);
    expect((await k.files.stacks()).map((s) => s.name).sort()).toEqual(['blog', 'shop']);
    await k.files.stacks();
    expect(k.said()).toEqual(['files-invalid shop open']);
    const event = k.events[0];
    expect(event?.kind).toBe('health');
    expect(event?.message).toContain(
      `the files of stack shop do not load (${join(k.root, 'shop/compose.yaml')}:8:`,
    );
    expect(event?.message).toContain('run on the last version that loaded until they load again');
    expect(event?.data).toMatchObject({
      kept: true,
      line: 8,
      alert: { key: 'stack-files:shop', severity: 'error' },
    });
    expect(k.files.unloaded()).toMatchObject([{ name: 'shop', kept: true }]);
    await k.write(compose);
    await k.files.stacks();
    expect(k.said()).toEqual(['files-invalid shop open', 'files-valid shop resolved']);
    expect(k.files.unloaded()).toEqual([]);
    k.close();
  });

  it('says a stack that never loaded has nothing running for it, and reports nothing before its start', async () => {
    const k = await kit();
    await k.write(broken);
    expect((await k.files.stacks()).map((s) => s.name)).toEqual(['blog']);
    expect(k.events).toEqual([]);
    k.files.startReporting();
    await k.files.stacks();
    expect(k.said()).toEqual(['files-invalid shop open']);
    expect(k.events[0]?.message).toContain('have not loaded since berth serve started');
    expect(k.events[0]?.data).toMatchObject({ kept: false });
    k.close();
  });

  it('resolves, at its first look, alerts left open for stacks that load now or left the workspace', async () => {
    const k = await kit(['stack-files:shop', 'stack-files:gone', 'probe:shop/web/home']);
    k.files.startReporting();
    await k.files.stacks();
    expect(k.said()).toEqual(['files-valid shop resolved', 'files-valid gone resolved']);
    expect(k.events[1]?.message).toContain('are no longer in the workspace');
    await k.files.stacks();
    expect(k.events).toHaveLength(2);
    k.close();
  });

  it("never quotes the stack's secret values in what it says (the loader's diagnostics are masked already)", async () => {
    const k = await kit();
    k.files.startReporting();
    await k.files.stacks();
    await k.write(
      compose.replace('image: local/busybox:1', 'image: local/busybox:1\n    ports: ["hunter2-very-secret"]'),
    );
    await k.files.stacks();
    expect(k.said()).toEqual(['files-invalid shop open']);
    expect(JSON.stringify(k.events)).not.toContain('hunter2-very-secret');
    k.close();
  });

  it("masks the stack's secret values in a diagnostic the loader did not mask", async () => {
    // The loader masks its own diagnostics; this one is written by hand, as a loader that did not
    // would give it, so only StackFiles' masker (the kept stack's values) stands between it and the event.
    const secret = 'hunter2-very-secret';
    let good: WorkspaceLoad | undefined;
    let next: WorkspaceLoad | undefined;
    const k = await kit([], async (root) => {
      good ??= await loadWorkspace(root, options);
      return next ?? good;
    });
    k.files.startReporting();
    await k.files.stacks();
    const shop = good?.stacks.find((s) => s.name === 'shop');
    if (good === undefined || shop === undefined) throw new Error('shop did not load');
    const file = join(k.root, 'shop/compose.yaml');
    expect(shop.ref.files).toContain(file);
    next = {
      ...good,
      stacks: good.stacks.filter((s) => s !== shop),
      diagnostics: [
        {
          code: 'SPEC_INVALID_VALUE',
          severity: 'error',
          message: `"${secret}" is not a port`,
          file,
          line: 6,
          column: 13,
          hint: '',
        },
      ],
    };
    await k.files.stacks();
    expect(k.said()).toEqual(['files-invalid shop open']);
    expect(k.events[0]?.message).toContain(`${file}:6:13: "`);
    expect(k.events[0]?.message).toContain('" is not a port');
    expect(JSON.stringify(k.events)).not.toContain(secret);
    k.close();
  });
});
