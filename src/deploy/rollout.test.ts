import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/model.js';
import { SPEC_DEFAULTS } from '../engine/model.js';
import type { ContainerSpec } from '../engine/types.js';
import type { ContainerStep } from './plan-types.js';
import { applyStep, type ChangedReplica, preparableSpec, promote } from './rollout.js';

const spec: ContainerSpec = { ...SPEC_DEFAULTS, name: 'shop-web-1', image: 'nginx:1.27', networks: [] };
const current = { id: 'c0ffee', name: 'shop-web-1' };
const base = { service: 'web', replica: 1, reasons: ['env changed'] };

describe('preparableSpec', () => {
  it('creates a new replica ahead of time under its own name', () => {
    const step: ContainerStep = { ...base, kind: 'create', spec };
    expect(preparableSpec(step, 7)).toEqual(spec);
  });

  it('creates a start-first replacement ahead of time under its incoming name', () => {
    const step: ContainerStep = { ...base, kind: 'recreate', spec, current, strategy: 'start-first' };
    expect(preparableSpec(step, 7)).toEqual({ ...spec, name: 'shop-web-1-berth-next-7' });
  });

  it('cannot for a stop-first replacement (the old container holds the name) nor a start of an existing one', () => {
    expect(
      preparableSpec({ ...base, kind: 'recreate', spec, current, strategy: 'stop-first' }, 7),
    ).toBeUndefined();
    expect(preparableSpec({ ...base, kind: 'start', current }, 7)).toBeUndefined();
  });
});

const attached: ContainerSpec = {
  ...spec,
  networks: [
    { name: 'shop_default', aliases: ['web', 'www'] },
    { name: 'shop_back', aliases: ['web'], ipv4Address: '10.5.0.9' },
  ],
};

/** An engine that records the calls a rollout makes (ids are handed out as `new-<n>`). */
function recordingEngine(calls: string[]): Engine {
  let n = 0;
  const record =
    (what: string) =>
    async (...args: unknown[]) => {
      calls.push(`${what} ${args.map((a) => JSON.stringify(a)).join(' ')}`);
      return undefined;
    };
  return {
    containers: {
      create: async (s: ContainerSpec) => {
        calls.push(`create ${s.name} ${JSON.stringify(s.networks)}`);
        return { id: `new-${++n}`, warnings: [] };
      },
      inspect: async () => ({ state: 'running' }),
      start: record('start'),
      stop: record('stop'),
      rename: record('rename'),
    },
    networks: { connect: record('connect'), disconnect: record('disconnect') },
  } as unknown as Engine;
}

describe('a start-first replacement and the service aliases', () => {
  it('runs its gate without the service aliases, on the same networks', () => {
    const step: ContainerStep = {
      ...base,
      kind: 'recreate',
      spec: attached,
      current,
      strategy: 'start-first',
    };
    expect(preparableSpec(step, 7)?.networks).toEqual([
      { name: 'shop_default', aliases: [] },
      { name: 'shop_back', aliases: [], ipv4Address: '10.5.0.9' },
    ]);
  });

  it('takes the service aliases when promoted, before the old container stops', async () => {
    const calls: string[] = [];
    const engine = recordingEngine(calls);
    const step: ContainerStep = {
      ...base,
      kind: 'recreate',
      spec: attached,
      current,
      strategy: 'start-first',
    };
    let changed: ChangedReplica | undefined;
    await applyStep(engine, step, 7, (c) => {
      changed = c;
    });
    expect(calls).toEqual([
      'create shop-web-1-berth-next-7 [{"name":"shop_default","aliases":[]},{"name":"shop_back","aliases":[],"ipv4Address":"10.5.0.9"}]',
      'start "new-1"',
    ]);
    calls.length = 0;
    if (!changed) throw new Error('no change recorded');
    await promote(engine, changed, 5);
    await changed.stopping;
    expect(calls).toEqual([
      'rename "c0ffee" "shop-web-1-berth-prev-7"',
      'rename "new-1" "shop-web-1"',
      'disconnect "shop_default" "new-1"',
      'connect "shop_default" "new-1" {"aliases":["web","www"]}',
      'disconnect "shop_back" "new-1"',
      'connect "shop_back" "new-1" {"aliases":["web"],"ipv4Address":"10.5.0.9"}',
      'stop "c0ffee" 5',
    ]);
  });

  it('keeps the aliases of a stop-first replacement from its creation', async () => {
    const calls: string[] = [];
    const step: ContainerStep = {
      ...base,
      kind: 'recreate',
      spec: attached,
      current,
      strategy: 'stop-first',
    };
    await applyStep(recordingEngine(calls), step, 7, () => undefined);
    expect(calls.find((c) => c.startsWith('create'))).toContain('"aliases":["web","www"]');
  });
});
