import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveOver } from '../../support/serve-process.js';
import {
  type ControlHarness,
  type OneStackWorkspace,
  oneStackWorkspace,
  readEvents,
  startControl,
  stopOneStack,
} from './support.js';

// SIGTERM while a deploy waits on a health gate: with a 1 s grace the operation is aborted and
// recorded as interrupted (so is its deployment), the server exits 0, and after a restart the
// record is still there and a new deploy of the stack is not refused.

let h: ControlHarness;
let workspace: string;
let ws: OneStackWorkspace | undefined;
let stack: string;

const compose = `services:
  slow:
    image: local/busybox:1
    command: ["sh", "-c", "sleep 20; touch /tmp/ready; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 1s
      retries: 60
`;

beforeAll(async () => {
  ws = oneStackWorkspace('shutdown', compose);
  ({ workspace, stack } = ws);
  h = await startControl({ workspace, env: {}, args: ['--shutdown-grace', '1'] });
}, 60_000);

afterAll(() => stopOneStack(h, ws));

describe('berth serve shutdown during a deploy', () => {
  it('records the running deploy as interrupted, and a later deploy goes ahead', {
    timeout: 180_000,
  }, async () => {
    const started = await h.fetchText(`/api/v1/stacks/${stack}/up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(202);
    const op = JSON.parse(started.body) as { id: string };
    // Wait until the deploy is inside its health gate.
    await readEvents(
      `${h.server.url}/api/v1/events?operation=${op.id}`,
      h.token(),
      (e) => (e.kind === 'deploy' && e.type === 'gate') || /health/.test(e.message),
    );
    // A client following the deploy sees how it ended before its stream closes.
    const following = readEvents(
      `${h.server.url}/api/v1/events?operation=${op.id}`,
      h.token(),
      (e) => e.kind === 'operation' && e.type === 'finished',
      60_000,
    );
    expect(await h.server.stop('SIGTERM', 30_000)).toBe(0);
    expect(h.server.output()).toMatch(/operation interrupted by shutdown|operations interrupted by shutdown/);
    expect((await following).at(-1)).toMatchObject({
      kind: 'operation',
      type: 'finished',
      data: { status: 'interrupted' },
    });

    // Same state folder, new process: the record survived.
    const again = await serveOver({ home: h.configDir, stateDir: h.stateDir, workspace });
    try {
      const get = async (path: string) => {
        const res = await fetch(`${again.url}${path}`, { headers: { authorization: `Bearer ${h.token()}` } });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const record = await get(`/api/v1/stacks/${stack}/operations/${op.id}`);
      expect(record.body).toMatchObject({ status: 'interrupted', error: { code: 'OPERATION_INTERRUPTED' } });
      const deployments = await get(`/api/v1/stacks/${stack}/deployments`);
      expect((deployments.body.items as Array<{ status: string }>)[0]?.status).toBe('interrupted');

      const next = await fetch(`${again.url}/api/v1/stacks/${stack}/up`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.token()}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(next.status).toBe(202);
      const nextOp = (await next.json()) as { id: string };
      const events = await readEvents(
        `${again.url}/api/v1/events?operation=${nextOp.id}`,
        h.token(),
        (e) => e.kind === 'operation' && e.type === 'finished',
        120_000,
      );
      expect((events.at(-1) as unknown as { data: { status: string } }).data.status).toBe('succeeded');
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
