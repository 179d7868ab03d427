import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClient } from '../../../src/app/local-client.js';
import { openStore } from '../../../src/store/index.js';
import { quietLoggers } from '../../support/quiet-loggers.js';
import { BUSYBOX } from '../engine/support.js';
import { type DeployHarness, startHarness } from './support.js';

// `berth --local up` stores its deploy's events in the state file as the server's runner does, so a
// `berth serve` on the same file routes a failed gate to alerts (its tail reads what others stored).

const compose = `services:
  app:
    image: ${BUSYBOX}
    command: ["sh", "-c", "exit 1"]
    restart: always
    stop_signal: SIGKILL
    x-berth:
      deploy: { health_timeout: 4s }
`;

let h: DeployHarness;
let client: LocalClient;
let stateDir: string;
let stack: string;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(compose);
  stateDir = join(h.stateDir, 'local');
  client = new LocalClient(
    { stateDir, workspace: dir },
    { COMPOSE_PROJECT_NAME: stack },
    quietLoggers(),
    h.clock,
  );
}, 60_000);

afterAll(async () => {
  await client?.close();
  await h?.cleanup();
});

describe('berth --local up', () => {
  it('stores the events of a deploy that fails its gate, the failure among them, under the stack’s name', async () => {
    // Named by its folder's path, as `berth --local up ./dir` does: the events carry the stack name.
    const result = await client.up(dir, {});
    expect(result.outcome).toBe('rolled-back');
    const store = openStore({ path: join(stateDir, 'berth.db'), clock: h.clock, isAlive: () => true });
    try {
      const events = store.events.after({ after: 0, limit: 1000 }).filter((e) => e.kind === 'deploy');
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events.map((e) => e.stack))).toEqual(new Set([stack]));
      expect(events.map((e) => e.type)).toContain('failure');
      // The alert of the failed deploy hangs on its last event, stored once the rollback ended.
      const done = events.filter((e) => e.type === 'done');
      expect(done).toHaveLength(1);
      // Its first deploy: there is no previous version to speak of.
      expect(done[0]?.message).toContain('rolled back: nothing of it is left running');
      expect(done[0]?.data).toMatchObject({
        alert: { key: `deploy:failure:${stack}/app`, status: 'notice', severity: 'error' },
      });
    } finally {
      store.close();
    }
  }, 120_000);
});
