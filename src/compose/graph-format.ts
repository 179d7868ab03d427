/**
 * Renders a dependency graph for people (text) and for diagram tools (mermaid, dot) or scripts (json).
 * Output has no trailing newline; the caller decides how to print it.
 */
import type { DependencyGraph, DependsCondition, Edge } from './graph.js';

export type GraphFormat = 'text' | 'mermaid' | 'dot' | 'json';

export const GRAPH_FORMATS: readonly GraphFormat[] = ['text', 'mermaid', 'dot', 'json'];

const SHORT_CONDITION: Readonly<Record<DependsCondition, string>> = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed',
};

/** Diagram edge label: the condition for depends_on, otherwise the kind (its condition is always "started"). */
function diagramLabel(edge: Edge): string {
  const base = edge.kind === 'depends_on' ? SHORT_CONDITION[edge.condition] : edge.kind;
  return edge.restart ? `${base}, restart` : base;
}

function formatText(graph: DependencyGraph): string {
  if (graph.services.length === 0) return '(no services)';
  const byFrom = new Map<string, Edge[]>();
  for (const edge of graph.edges) {
    const list = byFrom.get(edge.from);
    if (list === undefined) byFrom.set(edge.from, [edge]);
    else list.push(edge);
  }
  const lines: string[] = [];
  graph.levels.forEach((names, level) => {
    lines.push(`level ${level}: ${names.join(', ')}`);
    for (const name of names) {
      for (const edge of byFrom.get(name) ?? []) {
        const notes: string[] = [edge.kind === 'depends_on' ? edge.condition : edge.kind];
        if (!edge.required) notes.push('optional');
        if (edge.restart) notes.push('restart');
        lines.push(`  ${edge.from} → ${edge.to} (${notes.join(', ')})`);
      }
    }
  });
  return lines.join('\n');
}

/**
 * Mermaid ids allow only a plain word, and some words (`end`, `graph`...) are keywords, so every id gets a
 * prefix and unsafe characters become `_`; names that collide after that get a numeric suffix.
 */
function mermaidIds(services: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of services) {
    const base = `svc_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** Mermaid entity codes (`#34;`) for characters that would end the quoted label or be read as markup. */
function mermaidText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape
  return text.replace(/["#&<>`\u0000-\u001f\u007f]/g, (ch) => `#${ch.charCodeAt(0)};`);
}

function formatMermaid(graph: DependencyGraph): string {
  const ids = mermaidIds(graph.services);
  const id = (name: string): string => ids.get(name) ?? name;
  const lines = ['flowchart TD'];
  for (const name of graph.services) lines.push(`  ${id(name)}["${mermaidText(name)}"]`);
  for (const edge of graph.edges) {
    // Dotted: the dependent still starts when an optional dependency is missing.
    const arrow = edge.required ? '-->' : '-.->';
    lines.push(`  ${id(edge.from)} ${arrow}|${mermaidText(diagramLabel(edge))}| ${id(edge.to)}`);
  }
  return lines.join('\n');
}

/** A DOT quoted string. Escaping `\` too keeps graphviz from reading `\N`, `\G`... as label macros. */
function dotString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n');
  return `"${escaped}"`;
}

function formatDot(graph: DependencyGraph): string {
  const lines = ['digraph stack {', '  node [shape=box];'];
  for (const name of graph.services) lines.push(`  ${dotString(name)};`);
  for (const edge of graph.edges) {
    const attrs = [`label=${dotString(diagramLabel(edge))}`];
    if (!edge.required) attrs.push('style=dashed');
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

function formatJson(graph: DependencyGraph): string {
  // Rebuilt field by field so key order is fixed whatever object the caller handed in.
  const edges = graph.edges.map((e) => ({
    from: e.from,
    to: e.to,
    kind: e.kind,
    condition: e.condition,
    required: e.required,
    restart: e.restart,
  }));
  return JSON.stringify({ services: graph.services, levels: graph.levels, edges }, null, 2);
}

export function formatGraph(graph: DependencyGraph, format: GraphFormat): string {
  switch (format) {
    case 'text':
      return formatText(graph);
    case 'mermaid':
      return formatMermaid(graph);
    case 'dot':
      return formatDot(graph);
    case 'json':
      return formatJson(graph);
  }
}
