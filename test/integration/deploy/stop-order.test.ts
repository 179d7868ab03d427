import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import type { EngineEvent } from '../../../src/engine/model.js';
import { BUSYBOX } from '../engine/support.js';
import {
  containerIds,
  type DeployHarness,
  recordEvents,
  SLEEPER,
  stackServiceFor,
  startHarness,
} from './support.js';

// `down` and `restart` stop dependents before what they depend on, and the services of one level
// at once. `left` and `right` (level 1, both on `db`) take a while to stop (their TERM trap sleeps),
// `top` needs both. Overlap is read from the order of the engine's own events: both siblings are
// sent their signal before either dies, which a stop one at a time cannot do.

const SLOW_STOP = `["sh", "-c", "trap 'sleep 2; exit 0' TERM; while :; do sleep 1 & wait; done"]`;
const service = (command: string, dependsOn: readonly string[]) => `
    image: ${BUSYBOX}
    command: ${command}
    x-berth:
      deploy: { stable_window: 1s }${dependsOn.length > 0 ? `\n    depends_on: [${dependsOn.join(', ')}]` : ''}`;
const compose = `services:
  db:${service(SLEEPER, [])}
  left:${service(SLOW_STOP, ['db'])}
  right:${service(SLOW_STOP, ['db'])}
  top:${service(SLEEPER, ['left', 'right'])}
`;

let h: DeployHarness;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  dir = h.writeStack(compose);
}, 60_000);

afterAll(async () => {
  await h?.cleanup();
});

async function deployed(): Promise<{ stack: string; ids: Record<string, string> }> {
  const stack = h.stackName();
  const result = await h.deploy(await h.load(dir, stack));
  if (result.outcome !== 'succeeded') throw new Error(`setup deploy ${result.outcome}`);
  const byName = await containerIds(h.engine, stack);
  const ids = Object.fromEntries(
    ['db', 'left', 'right', 'top'].map((s) => [s, byName[`${stack}-${s}-1`] ?? `missing ${s}`]),
  );
  return { stack, ids };
}

/** Where the first `action` event of the container is in the engine's stream (-1: none). */
const at = (events: readonly EngineEvent[], id: string | undefined, action: string) =>
  events.findIndex((e) => e.id === id && e.action === action);

/** Dependents stopped before their dependencies; the two siblings' stops overlap. */
function expectStopOrder(events: readonly EngineEvent[], ids: Record<string, string>) {
  const kill = (s: string) => at(events, ids[s], 'kill');
  const die = (s: string) => at(events, ids[s], 'die');
  for (const s of ['top', 'left', 'right', 'db']) {
    expect(kill(s), `${s} was not stopped`).toBeGreaterThanOrEqual(0);
    expect(die(s), `${s} did not stop`).toBeGreaterThanOrEqual(0);
  }
  expect(die('top')).toBeLessThan(kill('left'));
  expect(die('top')).toBeLessThan(kill('right'));
  // Both siblings were asked to stop before either had stopped: at once, not one after the other.
  expect(Math.max(kill('left'), kill('right'))).toBeLessThan(Math.min(die('left'), die('right')));
  expect(Math.max(die('left'), die('right'))).toBeLessThan(kill('db'));
}

describe('stopping in dependency order, siblings at once', () => {
  it('restart db stops top, then left and right together, and starts left and right together', async () => {
    const { stack, ids } = await deployed();
    const svc = stackServiceFor(h, dir, stack);
    const watch = recordEvents(h.engine, stack);
    const berth: DeployEvent[] = [];
    const result = await svc
      .restart(stack, { service: 'db', onEvent: (e) => berth.push(e) })
      .finally(() => watch.stop());
    expectStopOrder(await watch.events, ids);
    const said = berth.map((e) => e.message);
    const when = (text: string) => said.findIndex((m) => m.startsWith(text));
    const starting = [when(`starting ${stack}-left-1`), when(`starting ${stack}-right-1`)];
    const ready = [when(`${stack}-left-1 ready`), when(`${stack}-right-1 ready`)];
    expect(Math.min(...starting, ...ready)).toBeGreaterThan(when(`${stack}-db-1 ready`));
    // Both siblings started before either was waited ready: neither waits for the other's gate.
    expect(Math.max(...starting)).toBeLessThan(Math.min(...ready));
    expect(when(`starting ${stack}-top-1`)).toBeGreaterThan(Math.max(...ready));
    expect(result.restarted).toEqual(['db', 'left', 'right', 'top']);
    expect(await containerIds(h.engine, stack)).toEqual(
      Object.fromEntries(
        Object.entries(ids)
          .map(([s, id]) => [`${stack}-${s}-1`, id])
          .sort(),
      ),
    );
  }, 120_000);

  it('down stops top, then left and right together, then db, and says what it removed', async () => {
    const { stack, ids } = await deployed();
    const watch = recordEvents(h.engine, stack);
    const berth: DeployEvent[] = [];
    const removed = await stackServiceFor(h, dir, stack)
      .down(stack, { onEvent: (e) => berth.push(e) })
      .finally(() => watch.stop());
    expect([...removed.containers].sort()).toEqual(
      ['db', 'left', 'right', 'top'].map((s) => `${stack}-${s}-1`),
    );
    expectStopOrder(await watch.events, ids);
    expect(berth.filter((e) => e.type === 'cleanup').map((e) => e.message)).toEqual(
      expect.arrayContaining(['db', 'left', 'right', 'top'].map((s) => `removed container ${stack}-${s}-1`)),
    );
    expect(berth.filter((e) => e.type === 'plan')).toEqual([]);
    expect(await containerIds(h.engine, stack)).toEqual({});
  }, 120_000);

  it('down of a stack whose files do not load stops by the order its last deployment recorded, and says so', async () => {
    const { stack, ids } = await deployed();
    const broken = h.writeStack('services: [not, a, map]\n');
    const watch = recordEvents(h.engine, stack);
    const berth: DeployEvent[] = [];
    await stackServiceFor(h, broken, stack)
      .down(stack, { onEvent: (e) => berth.push(e) })
      .finally(() => watch.stop());
    expectStopOrder(await watch.events, ids);
    const said = berth.filter((e) => e.type === 'plan').map((e) => e.message);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      new RegExp(
        `^${stack}'s files did not load \\(.+\\): stopping by the dependency order deployment \\d+ recorded$`,
      ),
    );
    expect(await containerIds(h.engine, stack)).toEqual({});
  }, 120_000);
});
