/**
 * The stack's service dependency graph: which service needs which, in which order they start and stop.
 * Pure: takes the services map, returns data. Every walk is iterative so a 10,000-long chain cannot
 * overflow the call stack.
 */

export type DependsCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface GraphService {
  depends_on?: Readonly<
    Record<string, { condition: DependsCondition; required?: boolean; restart?: boolean }>
  >;
  /** `service:db` makes an edge; `container:x`, `host`, `bridge`, `none` do not. */
  network_mode?: string;
  /** `db`, `db:ro`, `db:rw` make an edge; `container:x[:ro]` does not. */
  volumes_from?: readonly string[];
  /** `db` or `db:alias` make an edge. */
  links?: readonly string[];
}

export type EdgeKind = 'depends_on' | 'network_mode' | 'volumes_from' | 'links';

/** `from` depends on `to`. Non-depends_on edges are `service_started`, required, no restart. */
export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  condition: DependsCondition;
  required: boolean;
  restart: boolean;
}

export interface DependencyGraph {
  /** Sorted. */
  services: string[];
  /** Sorted by from, to, kind. Several edges between the same pair are all kept (their kinds differ). */
  edges: Edge[];
  /** Level 0 has no dependencies; a service sits one level above its highest dependency. Each level sorted. */
  levels: string[][];
}

export interface UnknownRef {
  from: string;
  to: string;
  kind: EdgeKind;
  required: boolean;
}

export type GraphResult =
  | { ok: true; graph: DependencyGraph; unknown: UnknownRef[] }
  | { ok: false; cycle: string[]; unknown: UnknownRef[] };

/** Plain code-unit order: locale-independent, so output is identical on every machine. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRefs(a: { from: string; to: string; kind: EdgeKind }, b: typeof a): number {
  return compareStrings(a.from, b.from) || compareStrings(a.to, b.to) || compareStrings(a.kind, b.kind);
}

const SERVICE_PREFIX = 'service:';
const CONTAINER_PREFIX = 'container:';

/** Compose service names cannot contain `:`, so whatever follows the first one is a mode or an alias. */
function beforeColon(entry: string): string {
  const colon = entry.indexOf(':');
  return colon === -1 ? entry : entry.slice(0, colon);
}

/** Every reference a service makes, in declaration order, including ones to unknown services. */
function referencesOf(from: string, service: GraphService): Edge[] {
  const refs: Edge[] = [];
  const plain = (to: string, kind: EdgeKind): Edge => ({
    from,
    to,
    kind,
    condition: 'service_started',
    required: true,
    restart: false,
  });
  for (const [to, dep] of Object.entries(service.depends_on ?? {})) {
    refs.push({
      from,
      to,
      kind: 'depends_on',
      condition: dep.condition,
      required: dep.required ?? true,
      restart: dep.restart ?? false,
    });
  }
  const mode = service.network_mode;
  if (mode?.startsWith(SERVICE_PREFIX)) refs.push(plain(mode.slice(SERVICE_PREFIX.length), 'network_mode'));
  for (const entry of service.volumes_from ?? []) {
    // Sharing another container's volumes ties us to that container, which compose does not manage.
    if (!entry.startsWith(CONTAINER_PREFIX)) refs.push(plain(beforeColon(entry), 'volumes_from'));
  }
  for (const entry of service.links ?? []) refs.push(plain(beforeColon(entry), 'links'));
  return refs;
}

/** Unique dependency names per service, sorted (edges arrive sorted by from, then to). */
function adjacency(services: readonly string[], edges: readonly Edge[]): Map<string, string[]> {
  const adj = new Map<string, string[]>(services.map((s) => [s, []]));
  for (const edge of edges) {
    const targets = adj.get(edge.from);
    if (targets !== undefined && targets[targets.length - 1] !== edge.to) targets.push(edge.to);
  }
  return adj;
}

/**
 * The shortest cycle through `start` (breadth-first, neighbours in sorted order), so the reported cycle
 * names only services that are really part of the loop.
 */
function shortestCycleThrough(
  start: string,
  adj: ReadonlyMap<string, readonly string[]>,
): string[] | undefined {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head];
    if (node === undefined) break;
    for (const next of adj.get(node) ?? []) {
      if (next === start) {
        // Walk the parents back from the end of the loop, then put them in dependency order.
        const back: string[] = [];
        for (let cur: string | undefined = node; cur !== undefined && cur !== start; cur = parent.get(cur)) {
          back.push(cur);
        }
        return [start, ...back.reverse(), start];
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

interface Frame {
  node: string;
  next: number;
}

/**
 * Depth-first over services in sorted order. Returns each service's level (longest path to a leaf)
 * or the first cycle met.
 */
function levelsOrCycle(
  services: readonly string[],
  adj: ReadonlyMap<string, readonly string[]>,
): { levels: Map<string, number> } | { cycle: string[] } {
  const onStack = new Set<string>();
  const level = new Map<string, number>();
  for (const root of services) {
    if (level.has(root)) continue;
    const stack: Frame[] = [{ node: root, next: 0 }];
    onStack.add(root);
    for (let frame = stack[0]; frame !== undefined; frame = stack[stack.length - 1]) {
      const deps = adj.get(frame.node) ?? [];
      const dep = deps[frame.next];
      frame.next += 1;
      if (dep === undefined) {
        let own = 0;
        for (const d of deps) own = Math.max(own, (level.get(d) ?? 0) + 1);
        level.set(frame.node, own);
        onStack.delete(frame.node);
        stack.pop();
      } else if (onStack.has(dep)) {
        const fromStack = [...stack.slice(stack.findIndex((f) => f.node === dep)).map((f) => f.node), dep];
        return { cycle: shortestCycleThrough(dep, adj) ?? fromStack };
      } else if (!level.has(dep)) {
        onStack.add(dep);
        stack.push({ node: dep, next: 0 });
      }
    }
  }
  return { levels: level };
}

export function buildGraph(services: Readonly<Record<string, GraphService>>): GraphResult {
  const names = Object.keys(services).sort(compareStrings);
  const known = new Set(names);
  const edges: Edge[] = [];
  const unknown: UnknownRef[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const service = services[name];
    if (service === undefined) continue;
    for (const ref of referencesOf(name, service)) {
      // `links: [db, 'db:alias']` is one dependency, not two.
      const key = JSON.stringify([ref.from, ref.to, ref.kind]);
      if (seen.has(key)) continue;
      seen.add(key);
      if (known.has(ref.to)) edges.push(ref);
      else unknown.push({ from: ref.from, to: ref.to, kind: ref.kind, required: ref.required });
    }
  }
  edges.sort(compareRefs);
  unknown.sort(compareRefs);

  const result = levelsOrCycle(names, adjacency(names, edges));
  if ('cycle' in result) return { ok: false, cycle: result.cycle, unknown };
  const levels: string[][] = [];
  for (const name of names) {
    const index = result.levels.get(name) ?? 0;
    while (levels.length <= index) levels.push([]);
    levels[index]?.push(name);
  }
  return { ok: true, graph: { services: names, edges, levels }, unknown };
}

/** `web → worker → web` */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

/** Every service reachable from `start` along `adj`, excluding `start`. */
function reachable(start: string, adj: ReadonlyMap<string, readonly string[]>): string[] {
  const found = new Set<string>([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head];
    if (node === undefined) break;
    for (const next of adj.get(node) ?? []) {
      if (!found.has(next)) {
        found.add(next);
        queue.push(next);
      }
    }
  }
  found.delete(start);
  return [...found];
}

function levelIndex(graph: DependencyGraph): Map<string, number> {
  const index = new Map<string, number>();
  graph.levels.forEach((names, level) => {
    for (const name of names) index.set(name, level);
  });
  return index;
}

function edgeMap(graph: DependencyGraph, reverse: boolean): Map<string, string[]> {
  const adj = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const [a, b] = reverse ? [edge.to, edge.from] : [edge.from, edge.to];
    const list = adj.get(a);
    if (list === undefined) adj.set(a, [b]);
    else list.push(b);
  }
  return adj;
}

/**
 * Transitive dependencies (what `service` needs), excluding itself, in start order: by level, then name.
 * Empty for a service that is not in the graph.
 */
export function dependenciesOf(graph: DependencyGraph, service: string): string[] {
  const level = levelIndex(graph);
  const lv = (s: string): number => level.get(s) ?? 0;
  return reachable(service, edgeMap(graph, false)).sort((a, b) => lv(a) - lv(b) || compareStrings(a, b));
}

/**
 * Transitive dependents (what needs `service`), excluding itself, in stop order: furthest dependents
 * (highest level) first, then name. Empty for a service that is not in the graph.
 */
export function dependentsOf(graph: DependencyGraph, service: string): string[] {
  const level = levelIndex(graph);
  const lv = (s: string): number => level.get(s) ?? 0;
  return reachable(service, edgeMap(graph, true)).sort((a, b) => lv(b) - lv(a) || compareStrings(a, b));
}

/** The level index of a service, or -1 if it is not in the graph. */
export function levelOf(graph: DependencyGraph, service: string): number {
  return graph.levels.findIndex((names) => names.includes(service));
}

/**
 * The one-shot services: those another service waits for with `service_completed_successfully` (a
 * migration). They run to completion; every other service is meant to keep running.
 */
export function oneShotServices(services: Readonly<Record<string, GraphService>>): Set<string> {
  const oneShots = new Set<string>();
  for (const service of Object.values(services)) {
    for (const [dep, d] of Object.entries(service.depends_on ?? {}))
      if (d.condition === 'service_completed_successfully') oneShots.add(dep);
  }
  return oneShots;
}
