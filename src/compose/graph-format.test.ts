import { describe, expect, it } from 'vitest';
import { buildGraph, type DependencyGraph, type GraphService } from './graph.js';
import { formatGraph, GRAPH_FORMATS, type GraphFormat } from './graph-format.js';

function graphOf(services: Record<string, GraphService>): DependencyGraph {
  const result = buildGraph(services);
  if (!result.ok) throw new Error('unexpected cycle');
  return result.graph;
}

const STACK: Record<string, GraphService> = {
  db: {},
  redis: {},
  web: { depends_on: { db: { condition: 'service_healthy' }, redis: { condition: 'service_started' } } },
  worker: { depends_on: { web: { condition: 'service_started', required: false } }, links: ['redis:cache'] },
  cron: {
    depends_on: { worker: { condition: 'service_completed_successfully', restart: true } },
    network_mode: 'service:web',
  },
};

const EXPECTED: Record<GraphFormat, string> = {
  text: `level 0: db, redis
level 1: web
  web → db (service_healthy)
  web → redis (service_started)
level 2: worker
  worker → redis (links)
  worker → web (service_started, optional)
level 3: cron
  cron → web (network_mode)
  cron → worker (service_completed_successfully, restart)`,
  mermaid: `flowchart TD
  svc_cron["cron"]
  svc_db["db"]
  svc_redis["redis"]
  svc_web["web"]
  svc_worker["worker"]
  svc_cron -->|network_mode| svc_web
  svc_cron -->|completed, restart| svc_worker
  svc_web -->|healthy| svc_db
  svc_web -->|started| svc_redis
  svc_worker -->|links| svc_redis
  svc_worker -.->|started| svc_web`,
  dot: `digraph stack {
  node [shape=box];
  "cron";
  "db";
  "redis";
  "web";
  "worker";
  "cron" -> "web" [label="network_mode"];
  "cron" -> "worker" [label="completed, restart"];
  "web" -> "db" [label="healthy"];
  "web" -> "redis" [label="started"];
  "worker" -> "redis" [label="links"];
  "worker" -> "web" [label="started", style=dashed];
}`,
  json: `{
  "services": [
    "cron",
    "db",
    "redis",
    "web",
    "worker"
  ],
  "levels": [
    [
      "db",
      "redis"
    ],
    [
      "web"
    ],
    [
      "worker"
    ],
    [
      "cron"
    ]
  ],
  "edges": [
    {
      "from": "cron",
      "to": "web",
      "kind": "network_mode",
      "condition": "service_started",
      "required": true,
      "restart": false
    },
    {
      "from": "cron",
      "to": "worker",
      "kind": "depends_on",
      "condition": "service_completed_successfully",
      "required": true,
      "restart": true
    },
    {
      "from": "web",
      "to": "db",
      "kind": "depends_on",
      "condition": "service_healthy",
      "required": true,
      "restart": false
    },
    {
      "from": "web",
      "to": "redis",
      "kind": "depends_on",
      "condition": "service_started",
      "required": true,
      "restart": false
    },
    {
      "from": "worker",
      "to": "redis",
      "kind": "links",
      "condition": "service_started",
      "required": true,
      "restart": false
    },
    {
      "from": "worker",
      "to": "web",
      "kind": "depends_on",
      "condition": "service_started",
      "required": false,
      "restart": false
    }
  ]
}`,
};

describe('formatGraph on a five-service stack', () => {
  const graph = graphOf(STACK);

  it('lists every format once', () => {
    expect(GRAPH_FORMATS).toEqual(['text', 'mermaid', 'dot', 'json']);
  });

  it.each(GRAPH_FORMATS)('renders %s exactly', (format) => {
    expect(formatGraph(graph, format)).toBe(EXPECTED[format]);
  });

  it.each(GRAPH_FORMATS)('renders %s the same whatever order the services were declared in', (format) => {
    const reversed = Object.fromEntries(Object.entries(STACK).reverse());
    expect(formatGraph(graphOf(reversed), format)).toBe(EXPECTED[format]);
  });

  it('writes json that reads back as the graph', () => {
    expect(JSON.parse(formatGraph(graph, 'json'))).toEqual(graph);
  });

  it('fixes json key order even when the edge objects were built in another order', () => {
    const shuffled: DependencyGraph = {
      ...graph,
      edges: graph.edges.map((e) => ({
        restart: e.restart,
        required: e.required,
        condition: e.condition,
        kind: e.kind,
        to: e.to,
        from: e.from,
      })),
    };
    expect(formatGraph(shuffled, 'json')).toBe(EXPECTED.json);
  });
});

describe('formatGraph on an empty stack', () => {
  const empty: DependencyGraph = { services: [], edges: [], levels: [] };
  it.each<[GraphFormat, string]>([
    ['text', '(no services)'],
    ['mermaid', 'flowchart TD'],
    ['dot', 'digraph stack {\n  node [shape=box];\n}'],
    ['json', '{\n  "services": [],\n  "levels": [],\n  "edges": []\n}'],
  ])('renders %s', (format, expected) => {
    expect(formatGraph(empty, format)).toBe(expected);
  });
});

describe('odd service names', () => {
  it('gives mermaid safe, unique ids and keeps the real name as the label', () => {
    const graph = graphOf({
      'a-b': {},
      'a.b': { depends_on: { 'a-b': { condition: 'service_started' } } },
      a_b: {},
      a_b_2: {},
      end: { links: ['a.b'] },
      '1st': {},
    });
    expect(formatGraph(graph, 'mermaid')).toBe(`flowchart TD
  svc_1st["1st"]
  svc_a_b["a-b"]
  svc_a_b_2["a.b"]
  svc_a_b_3["a_b"]
  svc_a_b_2_2["a_b_2"]
  svc_end["end"]
  svc_a_b_2 -->|started| svc_a_b
  svc_end -->|links| svc_a_b_2`);
  });

  it('never lets two services share a mermaid id', () => {
    const names = ['x-1', 'x.1', 'x_1', 'x 1', 'x_1_2', 'x/1', 'é', 'ü', '_'];
    const graph = graphOf(Object.fromEntries(names.map((n) => [n, {}])));
    const ids = formatGraph(graph, 'mermaid')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split('[')[0]);
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) expect(id).toMatch(/^svc_[A-Za-z0-9_]+$/);
  });

  it('escapes quotes and markup in mermaid labels as entity codes', () => {
    const graph: DependencyGraph = {
      services: ['say"hi"#<b>`x`&\n'],
      edges: [],
      levels: [['say"hi"#<b>`x`&\n']],
    };
    expect(formatGraph(graph, 'mermaid')).toBe(
      'flowchart TD\n  svc_say_hi___b__x___["say#34;hi#34;#35;#60;b#62;#96;x#96;#38;#10;"]',
    );
  });

  it('quotes dot ids, escaping backslashes, quotes and newlines', () => {
    const odd = 'we"b\\N\nx';
    const graph = graphOf({
      [odd]: { depends_on: { 'db.v2-x': { condition: 'service_healthy' } } },
      'db.v2-x': {},
    });
    expect(formatGraph(graph, 'dot')).toBe(`digraph stack {
  node [shape=box];
  "db.v2-x";
  "we\\"b\\\\N\\nx";
  "we\\"b\\\\N\\nx" -> "db.v2-x" [label="healthy"];
}`);
  });

  it('keeps odd names verbatim in text and json', () => {
    const graph = graphOf({ 'a"b': {}, 'c\\d': { links: ['a"b'] } });
    expect(formatGraph(graph, 'text')).toBe('level 0: a"b\nlevel 1: c\\d\n  c\\d → a"b (links)');
    expect(JSON.parse(formatGraph(graph, 'json')).services).toEqual(['a"b', 'c\\d']);
  });
});
