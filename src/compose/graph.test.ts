import { describe, expect, it } from 'vitest';
import {
  buildGraph,
  type DependencyGraph,
  type DependsCondition,
  dependenciesOf,
  dependentsOf,
  type Edge,
  formatCycle,
  type GraphResult,
  type GraphService,
  levelOf,
  oneShotServices,
} from './graph.js';

function graphOf(services: Record<string, GraphService>): DependencyGraph {
  const result = buildGraph(services);
  if (!result.ok) throw new Error(`unexpected cycle ${formatCycle(result.cycle)}`);
  return result.graph;
}

function cycleOf(services: Record<string, GraphService>): string[] {
  const result = buildGraph(services);
  if (result.ok) throw new Error('expected a cycle');
  return result.cycle;
}

type Extra = { required?: boolean; restart?: boolean };
const on = (condition: DependsCondition, extra: Extra = {}) => ({ condition, ...extra });
const started = on('service_started');

function edge(from: string, to: string, kind: Edge['kind'] = 'depends_on', over: Partial<Edge> = {}): Edge {
  return { from, to, kind, condition: 'service_started', required: true, restart: false, ...over };
}

describe('buildGraph', () => {
  it('handles an empty stack', () => {
    expect(buildGraph({})).toEqual({ ok: true, graph: { services: [], edges: [], levels: [] }, unknown: [] });
  });

  it('sorts services and puts independent ones on level 0', () => {
    const g = graphOf({ web: {}, db: {}, 'a-b': {}, B: {} });
    expect(g.services).toEqual(['B', 'a-b', 'db', 'web']);
    expect(g.levels).toEqual([['B', 'a-b', 'db', 'web']]);
    expect(g.edges).toEqual([]);
  });

  it('keeps depends_on condition, required and restart, with compose defaults', () => {
    const g = graphOf({
      db: {},
      migrate: {},
      web: {
        depends_on: {
          migrate: on('service_completed_successfully', { restart: true }),
          db: on('service_healthy', { required: false }),
        },
      },
    });
    expect(g.edges).toEqual([
      edge('web', 'db', 'depends_on', { condition: 'service_healthy', required: false }),
      edge('web', 'migrate', 'depends_on', { condition: 'service_completed_successfully', restart: true }),
    ]);
  });

  it('makes edges for network_mode service:, volumes_from and links; container: refs make none, even to a service name', () => {
    const g = graphOf({
      db: {},
      vpn: {},
      data: {},
      cache: {},
      app: {
        network_mode: 'service:vpn',
        volumes_from: ['data:ro', 'container:legacy', 'container:cache:rw'],
      },
      api: { volumes_from: ['data', 'db:rw'], links: ['cache:redis', 'db'] },
      ...Object.fromEntries(
        ['host', 'container:db', 'none', 'bridge'].map((m, i) => [`m${i}`, { network_mode: m }]),
      ),
    });
    expect(g.edges).toEqual([
      edge('api', 'cache', 'links'),
      edge('api', 'data', 'volumes_from'),
      edge('api', 'db', 'links'),
      edge('api', 'db', 'volumes_from'),
      edge('app', 'data', 'volumes_from'),
      edge('app', 'vpn', 'network_mode'),
    ]);
    expect(levelOf(g, 'app')).toBe(1);
  });

  it('keeps several edges between one pair when their kinds differ, sorted by kind', () => {
    const g = graphOf({
      db: {},
      web: { links: ['db'], depends_on: { db: on('service_healthy') }, volumes_from: ['db'] },
    });
    expect(g.edges.map((e) => e.kind)).toEqual(['depends_on', 'links', 'volumes_from']);
    expect(g.levels).toEqual([['db'], ['web']]);
    expect(dependenciesOf(g, 'web')).toEqual(['db']);
  });

  it('collapses repeats of one kind (link with and without alias) to one edge', () => {
    const g = graphOf({ db: {}, web: { links: ['db', 'db:database'], volumes_from: ['db:ro', 'db'] } });
    expect(g.edges).toEqual([edge('web', 'db', 'links'), edge('web', 'db', 'volumes_from')]);
  });

  it('reports unknown references without making edges, keeping required', () => {
    const result = buildGraph({
      web: {
        depends_on: { ghost: started, maybe: on('service_started', { required: false }), db: started },
        links: ['phantom:alias'],
        network_mode: 'service:nowhere',
        volumes_from: ['gone:ro', 'container:external'],
      },
      db: {},
    });
    expect(result).toEqual<GraphResult>({
      ok: true,
      graph: { services: ['db', 'web'], edges: [edge('web', 'db')], levels: [['db'], ['web']] },
      unknown: [
        { from: 'web', to: 'ghost', kind: 'depends_on', required: true },
        { from: 'web', to: 'gone', kind: 'volumes_from', required: true },
        { from: 'web', to: 'maybe', kind: 'depends_on', required: false },
        { from: 'web', to: 'nowhere', kind: 'network_mode', required: true },
        { from: 'web', to: 'phantom', kind: 'links', required: true },
      ],
    });
  });

  it('does not mistake Object.prototype names for services', () => {
    const result = buildGraph({ web: { depends_on: { constructor: started, toString: started } } });
    expect(result.ok && result.graph.edges).toEqual([]);
    expect(result.unknown.map((u) => u.to)).toEqual(['constructor', 'toString']);
  });

  it('still reports unknown references when there is a cycle', () => {
    const result = buildGraph({ a: { depends_on: { a: started, zzz: started } } });
    expect(result).toEqual({
      ok: false,
      cycle: ['a', 'a'],
      unknown: [{ from: 'a', to: 'zzz', kind: 'depends_on', required: true }],
    });
  });

  it('uses the longest path for levels (diamond with a shortcut)', () => {
    const g = graphOf({
      db: {},
      cache: { depends_on: { db: started } },
      api: { depends_on: { cache: started, db: started } },
      web: { depends_on: { api: started, db: started } },
      side: { depends_on: { db: started } },
    });
    expect(g.levels).toEqual([['db'], ['cache', 'side'], ['api'], ['web']]);
    expect(levelOf(g, 'web')).toBe(3);
    expect(levelOf(g, 'nope')).toBe(-1);
  });
});

describe('cycles', () => {
  it('treats a self-reference of any kind as a cycle', () => {
    expect(cycleOf({ a: { depends_on: { a: started } } })).toEqual(['a', 'a']);
    expect(cycleOf({ a: { links: ['a:self'] } })).toEqual(['a', 'a']);
    expect(cycleOf({ a: { network_mode: 'service:a' } })).toEqual(['a', 'a']);
    expect(cycleOf({ a: { volumes_from: ['a:ro'] } })).toEqual(['a', 'a']);
  });

  it('reports a two-service cycle from its first service in sorted order', () => {
    expect(
      cycleOf({ worker: { depends_on: { web: started } }, web: { depends_on: { worker: started } } }),
    ).toEqual(['web', 'worker', 'web']);
  });

  it('reports a cycle made of mixed edge kinds', () => {
    expect(
      cycleOf({ a: { links: ['b'] }, b: { network_mode: 'service:c' }, c: { volumes_from: ['a'] } }),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  it('leaves out services that lead into the cycle but are not on it', () => {
    expect(
      cycleOf({
        a: { depends_on: { b: started } },
        b: { depends_on: { c: started } },
        c: { depends_on: { d: started } },
        d: { depends_on: { c: started } },
      }),
    ).toEqual(['c', 'd', 'c']);
  });

  it('reports the shortest loop through the service where the cycle was found', () => {
    // Depth-first meets a → b → c → a first; a → c → a is the same problem, stated shorter.
    expect(
      cycleOf({ a: { depends_on: { b: started, c: started } }, b: { links: ['c'] }, c: { links: ['a'] } }),
    ).toEqual(['a', 'c', 'a']);
  });

  it('picks the cycle found first in sorted order when there are several, whatever the key order', () => {
    const services = {
      z: { depends_on: { y: started } },
      y: { depends_on: { z: started } },
      m: { depends_on: { n: started } },
      n: { depends_on: { m: started } },
      a: { depends_on: { z: started } },
    };
    expect(cycleOf(services)).toEqual(['z', 'y', 'z']);
    const reversed = Object.fromEntries(Object.entries(services).reverse());
    expect(cycleOf(reversed)).toEqual(['z', 'y', 'z']);
    const { a: _a, ...withoutA } = services;
    expect(cycleOf(withoutA)).toEqual(['m', 'n', 'm']);
  });

  it('finds a cycle hanging off an acyclic part already visited', () => {
    expect(
      cycleOf({
        a: { depends_on: { shared: started } },
        b: { depends_on: { shared: started, c: started } },
        c: { depends_on: { d: started } },
        d: { depends_on: { b: started } },
        shared: {},
      }),
    ).toEqual(['b', 'c', 'd', 'b']);
  });

  it('formats a cycle with arrows', () => {
    expect(formatCycle(['web', 'worker', 'web'])).toBe('web → worker → web');
    expect(formatCycle(['a', 'a'])).toBe('a → a');
  });
});

describe('dependenciesOf / dependentsOf', () => {
  const g = graphOf({
    db: {},
    redis: {},
    web: { depends_on: { db: on('service_healthy'), redis: started } },
    worker: { depends_on: { web: started }, links: ['redis'] },
    cron: { depends_on: { worker: started } },
    admin: { depends_on: { db: started } },
  });

  it('lists what a service needs in start order', () => {
    expect(dependenciesOf(g, 'cron')).toEqual(['db', 'redis', 'web', 'worker']);
    expect(dependenciesOf(g, 'web')).toEqual(['db', 'redis']);
    expect(dependenciesOf(g, 'db')).toEqual([]);
    expect(dependenciesOf(g, 'missing')).toEqual([]);
  });

  it('lists what needs a service in stop order, furthest first', () => {
    expect(dependentsOf(g, 'db')).toEqual(['cron', 'worker', 'admin', 'web']);
    expect(dependentsOf(g, 'redis')).toEqual(['cron', 'worker', 'web']);
    expect(dependentsOf(g, 'cron')).toEqual([]);
    expect(dependentsOf(g, 'missing')).toEqual([]);
  });

  it('gives orders consistent with every edge', () => {
    for (const s of g.services) {
      const start = [...dependenciesOf(g, s), s];
      // Reversed, a stop order must be a start order too.
      const stop = [...dependentsOf(g, s), s].reverse();
      for (const e of g.edges) {
        for (const order of [start, stop]) {
          if (order.includes(e.from) && order.includes(e.to)) {
            expect(order.indexOf(e.to)).toBeLessThan(order.indexOf(e.from));
          }
        }
      }
    }
  });
});

describe('scale', () => {
  const name = (i: number): string => `s${String(i).padStart(5, '0')}`;
  /** s00000..s(n-1), each depending on its neighbour `step` away (the last one in that direction on none). */
  function chain(n: number, step: 1 | -1): Record<string, GraphService> {
    const services: Record<string, GraphService> = {};
    for (let i = 0; i < n; i += 1) {
      const dep = i + step;
      services[name(i)] = dep < 0 || dep >= n ? {} : { depends_on: { [name(dep)]: started } };
    }
    return services;
  }

  it('levels a 2,000-service chain', () => {
    const g = graphOf(chain(2000, -1));
    expect(g.levels).toHaveLength(2000);
    expect(g.levels[1999]).toEqual(['s01999']);
    expect(dependenciesOf(g, 's01999')).toHaveLength(1999);
    expect(dependentsOf(g, 's00000')[0]).toBe('s01999');
  });

  it('walks a 10,000-service chain in one descent without overflowing the stack', () => {
    // Name order visits s00000 first, which needs s00001, which needs...: one 10,000-deep walk.
    const services = chain(10_000, 1);
    const g = graphOf(services);
    expect(g.levels).toHaveLength(10_000);
    expect(levelOf(g, 's00000')).toBe(9_999);
    services.s09999 = { depends_on: { s00000: started } };
    expect(cycleOf(services)).toHaveLength(10_001);
  });

  it('levels a wide graph (1 hub, 5,000 leaves, 5,000 dependents)', () => {
    const services: Record<string, GraphService> = { hub: {} };
    for (let i = 0; i < 5000; i += 1) {
      services[`leaf${i}`] = {};
      services[`user${i}`] = { depends_on: { hub: started, [`leaf${i}`]: started } };
    }
    const g = graphOf(services);
    expect(g.levels.map((l) => l.length)).toEqual([5001, 5000]);
    expect(g.edges).toHaveLength(10_000);
    expect(dependentsOf(g, 'hub')).toHaveLength(5000);
  });
});

describe('oneShotServices', () => {
  it('are the services another waits for with service_completed_successfully, and only those', () => {
    expect(
      [
        ...oneShotServices({
          migrate: {},
          seed: { depends_on: { migrate: { condition: 'service_completed_successfully' } } },
          db: {},
          web: {
            depends_on: {
              db: { condition: 'service_healthy' },
              seed: { condition: 'service_completed_successfully' },
              cache: { condition: 'service_started' },
            },
          },
        }),
      ].sort(),
    ).toEqual(['migrate', 'seed']);
    expect(oneShotServices({})).toEqual(new Set());
  });
});
