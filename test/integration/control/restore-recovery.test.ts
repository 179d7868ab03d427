import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/model.js';
import { backupConfigArgs, type ServeChild, serveOver } from '../../support/serve-process.js';
import { waitFor } from '../engine/support.js';
import {
  type ControlHarness,
  deployAndWait,
  engineEvents,
  type OneStackWorkspace,
  oneStackWorkspace,
  readEvents,
  startControl,
  stopOneStack,
} from './support.js';

// `kill -9` of `berth serve` during a restore, once it has taken its safety backup and stopped a
// dependent: the next start records the restore interrupted with an error naming that safety
// backup, starts the dependent again (it does not stay down until someone runs `berth up`), and
// alerts the operator with both.

/** `web` depends on `files` (a volume backed up); its `sleep` ignores SIGTERM, so its stop takes 5 s. */
const COMPOSE = `services:
  files:
    image: local/busybox:1
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    volumes: [files:/srv]
    x-berth:
      backup: { kind: volume, drill: "@weekly" }
  web:
    image: local/busybox:1
    command: ["sleep", "600"]
    stop_grace_period: 5s
    depends_on: [files]
volumes:
  files: {}
`;

let h: ControlHarness;
let ws: OneStackWorkspace | undefined;
let engine: Engine;
let again: ServeChild | undefined;
let root: string;
let args: string[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-restore-recovery-'));
  args = await backupConfigArgs(root);
  ws = oneStackWorkspace('rstrec', COMPOSE);
  h = await startControl({ workspace: ws.workspace, env: {}, args });
  engine = await connectEngine({});
}, 60_000);

afterAll(async () => {
  await again?.stop('SIGTERM');
  await stopOneStack(h, ws);
  rmSync(root, { recursive: true, force: true });
});

const stateOf = async (name: string) =>
  (await engine.containers.list({ 'dev.berth.stack': ws?.stack ?? '' }, { all: true })).find(
    (c) => c.name === name,
  )?.state;

const post = (path: string, body: object) =>
  h.fetchText(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const untilFinished = (id: string) =>
  readEvents(
    `${h.server.url}/api/v1/events?operation=${id}`,
    h.token(),
    (e) => e.kind === 'operation' && e.type === 'finished',
    120_000,
  );

describe('berth serve killed during a restore', () => {
  it('starts the stopped dependent again and names the safety backup', { timeout: 240_000 }, async () => {
    if (!ws) throw new Error('no workspace');
    const { stack, workspace } = ws;
    await deployAndWait(h, stack);
    const taken = JSON.parse((await post(`/api/v1/stacks/${stack}/backups`, { service: 'files' })).body) as {
      id: string;
    };
    await untilFinished(taken.id);
    const listed = JSON.parse((await h.fetchText(`/api/v1/stacks/${stack}/backups?service=files`)).body) as {
      items: Array<{ id: string; status: string }>;
    };
    const source = listed.items.find((b) => b.status === 'completed')?.id;
    expect(source).toBeDefined();

    // Docker's own events say when the stop reached the engine (its SIGTERM) and when it ended
    // (the container died), so the test kills the server neither before the stop was asked for nor
    // waits a guessed time for the engine to finish it.
    const seen = engineEvents(engine, `${stack}-web-1`);
    const op = JSON.parse((await post(`/api/v1/stacks/${stack}/backups/${source}/restore`, {})).body) as {
      id: string;
    };
    await readEvents(
      `${h.server.url}/api/v1/events?operation=${op.id}`,
      h.token(),
      (e) => e.message === `stopping ${stack}-web-1`,
      120_000,
    );
    await seen.until((e) => e.action === 'kill', 'the engine sending web its stop signal');
    await h.server.stop('SIGKILL');
    // The engine finishes the stop the dead process asked for: the dependent is down.
    await seen.until((e) => e.action === 'die', 'web dying after its 5 s grace');
    seen.close();
    // The engine reports `die` before it has cleaned up and recorded the stop: a moment later.
    await waitFor('web recorded as exited after its die event', async () =>
      (await stateOf(`${stack}-web-1`)) === 'exited' ? true : undefined,
    );

    again = await serveOver({ home: h.configDir, stateDir: h.stateDir, workspace }, { args });
    // The new server says when its recovery has started the dependent; the engine must agree.
    // (Bounded by the test's timeout rather than a guess at how long a loaded machine needs.)
    await waitFor(
      'the recovery starting web again',
      async () => (again?.output().includes(`started ${stack}-web-1 again`) ? true : undefined),
      { attempts: 600 },
    );
    expect(await stateOf(`${stack}-web-1`)).toBe('running');
    expect(await stateOf(`${stack}-files-1`)).toBe('running');

    const auth = { headers: { authorization: `Bearer ${h.token()}` } };
    const backups = (await (
      await fetch(`${again.url}/api/v1/stacks/${stack}/backups?service=files`, auth)
    ).json()) as {
      items: Array<{ id: string; trigger: string }>;
    };
    const safety = backups.items.find((b) => b.trigger === 'safety')?.id;
    expect(safety).toBeDefined();
    const record = (await (
      await fetch(`${again.url}/api/v1/stacks/${stack}/operations/${op.id}`, auth)
    ).json()) as {
      status: string;
      error: { code: string; message: string; hint: string };
    };
    expect(record.status).toBe('interrupted');
    expect(record.error.code).toBe('OPERATION_INTERRUPTED');
    expect(record.error.message).toContain(`its safety backup is ${safety}`);
    expect(record.error.hint).toContain(`berth backup restore ${stack} ${safety}`);
    expect(record.error.hint).not.toContain('berth up');
    expect(again.output()).toContain(`recovered from interrupted restore ${op.id} of backup ${source}`);
    // The operator is alerted: which restore was interrupted, what the recovery did, what to do next.
    // (Published together with the log line waited for above: no polling.)
    const alerts = (await (await fetch(`${again.url}/api/v1/alerts?limit=50`, auth)).json()) as {
      alerts: Array<{ key: string; message: string }>;
    };
    const alerted = alerts.alerts.filter((a) => a.key === `operation-interrupted:${stack}`);
    expect(alerted).toHaveLength(1);
    expect(alerted[0]?.message).toContain(`restore ${op.id} of ${stack} was interrupted`);
    expect(alerted[0]?.message).toContain(`started ${stack}-web-1 again`);
    expect(alerted[0]?.message).toContain(`berth backup restore ${stack} ${safety}`);
    // The restore's source backup was only read: it is not said to be "recorded as failed".
    expect(again.output()).not.toMatch(new RegExp(`recorded as failed[^"]*${source}`));
  });
});
