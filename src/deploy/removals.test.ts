import { describe, expect, it } from 'vitest';
import { BerthLabel, containerLabels, type Engine, EngineError } from '../engine/model.js';
import type { DeployEvent } from './events.js';
import type { Plan } from './plan-types.js';
import { removeContainers } from './removals.js';

const labels = containerLabels({
  stack: 'shop',
  service: 'web',
  replica: 1,
  configHash: 'h',
  role: 'current',
});

/** Containers by id with their labels; `removed` and `forgotten` record what was done. */
function world(containers: Record<string, Readonly<Record<string, string>>>) {
  const removed: string[] = [];
  const forgotten: string[] = [];
  const engine = {
    containers: {
      inspect: async (id: string) => {
        const found = containers[id];
        if (!found) throw new EngineError('ENGINE_NOT_FOUND', `no container ${id}`);
        return { id, labels: found };
      },
      remove: async (id: string) => {
        removed.push(id);
      },
    },
  } as unknown as Engine;
  const store = {
    appliedSpecs: {
      remove: (_stack: string, service: string, replica: number) => forgotten.push(`${service}/${replica}`),
    },
  } as unknown as Parameters<typeof removeContainers>[0]['store'];
  return { deps: { engine, store }, removed, forgotten };
}

const removal = (id: string, name: string, reason: string): Plan['removals'][number] => ({
  kind: 'remove',
  service: 'web',
  replica: 1,
  current: { id, name },
  reasons: [reason],
});

const removals = [
  removal('next', 'shop-web-1-berth-next-3', 'left over from an interrupted deploy'),
  removal('gone', 'shop-old-1', 'service old is no longer in the stack'),
];

describe('removeContainers', () => {
  it('after a failure removes only the left-overs of an interrupted deploy', async () => {
    const w = world({ next: labels, gone: labels });
    const events: DeployEvent[] = [];
    await removeContainers(w.deps, 'shop', removals, 'left-overs', (e) => events.push(e));
    expect(w.removed).toEqual(['next']);
    // The replica's current container keeps its record: the left-over was a copy.
    expect(w.forgotten).toEqual([]);
    expect(events.map((e) => e.message)).toEqual([
      'removed shop-web-1-berth-next-3: left over from an interrupted deploy',
    ]);
  });

  it('after a success removes all of them, forgetting only the replicas that went', async () => {
    const w = world({ next: labels, gone: labels });
    await removeContainers(w.deps, 'shop', removals, 'all', () => undefined);
    expect(w.removed).toEqual(['next', 'gone']);
    expect(w.forgotten).toEqual(['web/1']);
  });

  it('leaves alone a container that is not Berth’s for this stack, and one already gone', async () => {
    const w = world({ next: { ...labels, [BerthLabel.Stack]: 'other' } });
    const events: DeployEvent[] = [];
    await removeContainers(w.deps, 'shop', removals, 'all', (e) => events.push(e));
    expect(w.removed).toEqual([]);
    expect(events.map((e) => e.message)).toEqual([
      'left shop-web-1-berth-next-3 alone: it is not a container Berth made for shop',
    ]);
  });
});
