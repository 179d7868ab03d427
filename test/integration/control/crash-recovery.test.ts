import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/model.js';
import { type ServeChild, serveOver } from '../../support/serve-process.js';
import { waitFor } from '../engine/support.js';
import {
  type ControlHarness,
  deployAndWait,
  type OneStackWorkspace,
  oneStackWorkspace,
  readEvents,
  startControl,
  stopOneStack,
} from './support.js';

// `kill -9` of `berth serve` while a deploy waits on a gate leaves the unverified container under the
// service's name and the last good one parked. The next start records the deploy interrupted and puts
// the last good container back at once: the service does not stay on the unverified version (or
// down) until someone runs `berth up` again.

/** A stop-first service (a named volume), version V; `check` makes its gate never pass. */
const compose = (version: string, check = '') => `services:
  db:
    image: local/busybox:1
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]
    environment: { V: "${version}" }
    volumes: [data:/data]${check}
    x-berth:
      deploy: { health_timeout: 120s, stable_window: 1s }
volumes:
  data: {}
`;
const NEVER_HEALTHY = '\n    healthcheck: { test: ["CMD", "false"], interval: 1s }';

let h: ControlHarness;
let ws: OneStackWorkspace | undefined;
let engine: Engine;
let again: ServeChild | undefined;

beforeAll(async () => {
  ws = oneStackWorkspace('crashrec', compose('1'));
  h = await startControl({ workspace: ws.workspace, env: {} });
  engine = await connectEngine({});
}, 60_000);

afterAll(async () => {
  await again?.stop('SIGTERM');
  await stopOneStack(h, ws);
});

const containersOf = async (stack: string) =>
  new Map(
    (await engine.containers.list({ 'dev.berth.stack': stack }, { all: true })).map((c) => [c.name, c]),
  );

describe('berth serve killed during a deploy', () => {
  it('puts the last good container back when it starts again', { timeout: 240_000 }, async () => {
    if (!ws) throw new Error('no workspace');
    const { stack, workspace } = ws;
    await deployAndWait(h, stack);
    const good = (await containersOf(stack)).get(`${stack}-db-1`)?.id;
    expect(good).toBeDefined();

    writeFileSync(join(workspace, stack, 'compose.yaml'), compose('2', NEVER_HEALTHY));
    const started = await h.fetchText(`/api/v1/stacks/${stack}/up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const op = JSON.parse(started.body) as { id: string };
    await readEvents(
      `${h.server.url}/api/v1/events?operation=${op.id}`,
      h.token(),
      (e) => e.kind === 'deploy' && /check failed|exit 1/.test(e.message),
      60_000,
    );
    await h.server.stop('SIGKILL');
    const left = await containersOf(stack);
    expect([...left.keys()].sort()).toEqual([`${stack}-db-1`, `${stack}-db-1-berth-prev-2`].sort());

    again = await serveOver({ home: h.configDir, stateDir: h.stateDir, workspace });
    const back = await waitFor('the last good container back under its name', async () => {
      const now = await containersOf(stack);
      const db = now.get(`${stack}-db-1`);
      return now.size === 1 && db !== undefined && db.id === good && db.state === 'running' ? db : undefined;
    });
    expect((await engine.containers.inspect(back.id)).env).toContain('V=1');
    const res = await fetch(`${again.url}/api/v1/stacks/${stack}/deployments?limit=5`, {
      headers: { authorization: `Bearer ${h.token()}` },
    });
    const body = (await res.json()) as {
      items: Array<{ id: number; status: string; recovery?: Array<{ service?: string; message: string }> }>;
    };
    // What the recovery did is in the API (and so in `berth deployments`), not only the server's log.
    expect(body.items.find((d) => d.id === 2)).toMatchObject({
      status: 'interrupted',
      recovery: [
        {
          service: 'db',
          message: expect.stringContaining(
            `recovered from interrupted deployment 2: restored the last good ${stack}-db-1`,
          ),
        },
      ],
    });
    expect(body.items.find((d) => d.id === 1)).not.toHaveProperty('recovery');
    expect(again.output()).toContain('recovered from interrupted deployment 2: restored the last good');
    // And in the stack's event stream (the interrupted operation's ended when it was recorded so).
    const recovery = (e: { kind: string; message: string }) =>
      e.kind === 'deploy' && e.message.startsWith('recovered from interrupted deployment 2: ');
    const told = await readEvents(`${again.url}/api/v1/events?stack=${stack}`, h.token(), recovery, 30_000);
    expect(told.filter(recovery).map((e) => e.message)).toEqual([
      expect.stringContaining(`restored the last good ${stack}-db-1`),
    ]);
  });
});
