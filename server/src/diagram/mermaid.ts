// Generates a Mermaid flowchart of one graph from the IR: a pure function, shared by the CLI
// (`agentgraph diagram`) and the editor's live diagram. Besides the Mermaid text it returns, for
// each diagram node, the spec range and a hover summary, so views can link the picture back to
// the source. Labels contain only text derived from the spec (never model output) and are escaped
// for Mermaid; the webview still renders with securityLevel 'strict'.

import type { AgentIR, GraphIR, IR, SourceRange } from '../ir/schema.ts';

export interface DiagramOptions {
  /** The graph to draw; defaults to the first graph in the IR. */
  graph?: string;
  direction?: 'TD' | 'LR';
  /** Draw each supervisor as one box instead of its children (keeps very large graphs fast). */
  collapseSupervisors?: boolean;
  /** Supervisors to keep expanded when collapsing. */
  expanded?: string[];
  /** Include the legend subgraph. */
  legend?: boolean;
}

export interface DiagramNode {
  /** Mermaid node id (`n_<name>`, `t_<tool>`, `start`, `stop`, `j<edge>` for joins, `s_<sup>`). */
  id: string;
  name: string;
  kind: 'agent' | 'human' | 'tool' | 'graph' | 'start' | 'end' | 'join' | 'supervisor';
  range?: SourceRange;
  /** One or two lines for hovers: signature and worst case. */
  hover: string;
}

export interface Diagram {
  graph: string;
  mermaid: string;
  nodes: DiagramNode[];
  /** Mermaid edge index → IR edge id, in the order edges are written (for highlighting fired edges). */
  edges: { index: number; edgeId: number; from: string; to: string }[];
}

const ID_SAFE = /[^A-Za-z0-9_]/g;

/** Node ids are prefixed so names such as `end` or `graph` never collide with Mermaid keywords. */
export const nodeId = (name: string) => `n_${name.replace(ID_SAFE, '_')}`;
const toolId = (name: string) => `t_${name.replace(ID_SAFE, '_')}`;
const supId = (name: string) => `s_${name.replace(ID_SAFE, '_')}`;

/** Escapes text for a quoted Mermaid label: quotes and angle brackets become entities. */
export function escapeLabel(text: string): string {
  return text
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[|]/g, '#124;')
    .replace(/[{}[\]]/g, (c) => `#${c.charCodeAt(0)};`);
}

function money(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(usd < 1 ? 3 : 2)}`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

function typeName(schema: Record<string, unknown>): string {
  if (typeof schema.title === 'string') return schema.title;
  if (schema.type === 'array') return `list<${typeName((schema.items ?? {}) as Record<string, unknown>)}>`;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.type === 'object' && schema.properties) return `{ ${Object.keys(schema.properties as object).join(', ')} }`;
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.anyOf)) return `${typeName(schema.anyOf[0] as Record<string, unknown>)}?`;
  return 'value';
}

function signature(params: { name: string; schema: Record<string, unknown> }[], output: Record<string, unknown>): string {
  return `(${params.map((p) => `${p.name}: ${typeName(p.schema)}`).join(', ')}) → ${typeName(output)}`;
}

function badges(a: AgentIR, ir: IR): string[] {
  const out: string[] = [];
  if (a.retry.max > 0) out.push(`↻${a.retry.max}`);
  if (a.fallback.length) out.push(`⤵ ${a.fallback.join(', ')}`);
  if (a.cacheTtlMs !== undefined) out.push(`⏱ cache ${duration(a.cacheTtlMs)}`);
  const irreversible = a.tools.filter((t) => ir.tools.find((x) => x.name === t)?.effect === 'irreversible');
  if (irreversible.length) out.push('⚠ irreversible');
  return out;
}

export function generateDiagram(ir: IR, options: DiagramOptions = {}): Diagram | undefined {
  const g: GraphIR | undefined = options.graph ? ir.graphs.find((x) => x.name === options.graph) : ir.graphs[0];
  if (!g) return undefined;
  const lines: string[] = [`flowchart ${options.direction ?? 'TD'}`];
  const nodes: DiagramNode[] = [];
  const edges: Diagram['edges'] = [];
  let edgeIndex = 0;
  const agents = new Map(ir.agents.map((a) => [a.name, a]));
  const humans = new Map(ir.humans.map((h) => [h.name, h]));
  const tools = new Map(ir.tools.map((t) => [t.name, t]));
  const graphs = new Map(ir.graphs.map((x) => [x.name, x]));

  // Which supervisor box each node is drawn in (nested supervisors nest their boxes).
  const supByName = new Map(g.supervisors.filter((s) => s.name).map((s) => [s.name!, s]));
  const parentOf = new Map<string, string>();
  g.supervisors.forEach((s, i) => {
    const key = s.name ?? `sup${i}`;
    for (const c of s.children) parentOf.set(c, key);
  });
  const supKey = (s: (typeof g.supervisors)[number], i: number) => s.name ?? `sup${i}`;
  const collapsed = new Set(
    options.collapseSupervisors ? g.supervisors.map(supKey).filter((k) => !(options.expanded ?? []).includes(k)) : [],
  );
  /** The outermost collapsed supervisor containing a node, which stands in for it. */
  const standIn = (name: string): string | undefined => {
    let found: string | undefined;
    for (let cur = parentOf.get(name), guard = 0; cur && guard < 100; cur = parentOf.get(cur), guard++) if (collapsed.has(cur)) found = cur;
    return found;
  };
  const drawnId = (name: string) => {
    const s = standIn(name);
    return s ? supId(s) : nodeId(name);
  };

  const nodeLine = (name: string, kind: string): string => {
    const id = nodeId(name);
    if (kind === 'agent') {
      const a = agents.get(name)!;
      const b = badges(a, ir);
      const label = [`🤖 ${name}`, `${a.model}${b.length ? ' · ' + b.join(' · ') : ''}`, `≤ ${money(a.worstCase.costUsd)} · ${duration(a.worstCase.latencyMs)}`];
      const cls = b.includes('⚠ irreversible') ? 'irreversible' : 'agent';
      nodes.push({ id, name, kind: 'agent', range: a.range, hover: `agent ${name}${signature(a.params, a.output)}\nworst case ${money(a.worstCase.costUsd)}, ${duration(a.worstCase.latencyMs)}` });
      return `  ${id}["${label.map(escapeLabel).join('<br/>')}"]:::${cls}`;
    }
    if (kind === 'human') {
      const h = humans.get(name)!;
      nodes.push({ id, name, kind: 'human', range: h.range, hover: `human ${name}${signature(h.params, h.output)}${h.timeoutMs ? `\ntimeout ${duration(h.timeoutMs)}` : ''}` });
      return `  ${id}[/"${escapeLabel(`🧑 ${name}`)}${h.timeoutMs ? '<br/>' + escapeLabel(`waits ≤ ${duration(h.timeoutMs)}`) : ''}"/]:::human`;
    }
    if (kind === 'tool') {
      const t = tools.get(name)!;
      nodes.push({ id, name, kind: 'tool', range: t.range, hover: `tool ${name}${signature(t.params, t.output)}\neffect ${t.effect}` });
      return `  ${id}[["${escapeLabel(`🔧 ${name}`)}<br/>${escapeLabel(t.effect)}"]]:::${t.effect === 'irreversible' ? 'irreversible' : 'tool'}`;
    }
    const sub = graphs.get(name);
    nodes.push({ id, name, kind: 'graph', range: sub?.range, hover: `graph ${name}${sub ? signature(sub.params, sub.output) : ''}${sub ? `\nworst case ${money(sub.worstCase.costUsd)}` : ''}` });
    return `  ${id}[["${escapeLabel(`▦ ${name}`)}"]]:::subgraphNode`;
  };

  lines.push(`  start(["start"]):::terminal`);
  nodes.push({ id: 'start', name: 'start', kind: 'start', range: g.range, hover: `graph ${g.name}${signature(g.params, g.output)}` });
  lines.push(`  stop(["end"]):::terminal`);
  nodes.push({ id: 'stop', name: 'end', kind: 'end', range: g.range, hover: `returns ${typeName(g.output)}` });

  // Nodes, grouped into supervisor subgraphs (children first declared inside their box).
  const drawn = new Set<string>();
  const drawSupervisor = (key: string, indent: string) => {
    const s = supByName.get(key) ?? g.supervisors[Number(key.replace('sup', ''))];
    if (!s) return;
    const title = `${s.name ?? 'supervisor'} · ${s.strategy} · ≤${s.maxRestarts} restarts / ${duration(s.withinMs)}${s.escalate ? ` · escalates to ${s.escalate}` : ''}`;
    if (collapsed.has(key)) {
      nodes.push({ id: supId(key), name: key, kind: 'supervisor', range: s.range, hover: `${title}\nchildren: ${s.children.join(', ')}` });
      lines.push(`${indent}${supId(key)}[["${escapeLabel(`⛨ ${s.name ?? 'supervisor'} (${s.children.length})`)}<br/>${escapeLabel('click to expand')}"]]:::supervisor`);
      for (const c of s.children) drawn.add(c);
      return;
    }
    lines.push(`${indent}subgraph ${supId(key)}["${escapeLabel(title)}"]`);
    nodes.push({ id: supId(key), name: key, kind: 'supervisor', range: s.range, hover: title });
    for (const c of s.children) {
      if (supByName.has(c)) drawSupervisor(c, indent + '  ');
      else {
        const n = g.nodes.find((x) => x.name === c);
        if (n && !drawn.has(c)) {
          lines.push(indent + nodeLine(n.name, n.kind).trimStart().replace(/^/, '  '));
          drawn.add(c);
        }
      }
    }
    lines.push(`${indent}end`);
  };
  g.supervisors.forEach((s, i) => {
    const key = supKey(s, i);
    if (!parentOf.has(key)) drawSupervisor(key, '  ');
  });
  for (const n of g.nodes) if (!drawn.has(n.name)) lines.push(nodeLine(n.name, n.kind));

  // Tools an agent may call hang off it with a dotted link.
  const toolNodes = new Set<string>();
  for (const n of g.nodes) {
    if (n.kind !== 'agent' || standIn(n.name)) continue;
    for (const t of agents.get(n.name)?.tools ?? []) {
      const tool = tools.get(t);
      if (!tool) continue;
      if (!toolNodes.has(t)) {
        toolNodes.add(t);
        lines.push(`  ${toolId(t)}[("${escapeLabel(`🔧 ${t}`)}<br/>${escapeLabel(tool.effect)}${tool.approve ? escapeLabel(` · approved by ${tool.approve}`) : ''}")]:::${tool.effect === 'irreversible' ? 'irreversible' : 'tool'}`);
        nodes.push({ id: toolId(t), name: t, kind: 'tool', range: tool.range, hover: `tool ${t}${signature(tool.params, tool.output)}\neffect ${tool.effect}${tool.timeoutMs ? `, timeout ${duration(tool.timeoutMs)}` : ''}` });
      }
      lines.push(`  ${nodeId(n.name)} -.- ${toolId(t)}`);
      edgeIndex++;
    }
  }

  // Edges: conditions and loop bounds as labels; loops dotted; joins through a small ∧ node.
  const back = backEdges(g);
  for (const e of g.edges) {
    const label: string[] = [];
    if (e.whenSrc) label.push(e.whenSrc);
    if (e.otherwise) label.push('otherwise');
    if (e.max !== undefined) label.push(`max ${e.max}`);
    let from = e.from[0] === 'start' ? 'start' : drawnId(e.from[0]!);
    if (e.join) {
      const j = `j${e.id}`;
      lines.push(`  ${j}(("∧")):::join`);
      nodes.push({ id: j, name: `join ${e.from.join(', ')}`, kind: 'join', range: e.range, hover: `waits for ${e.from.join(' and ')}` });
      for (const f of e.from) {
        lines.push(`  ${drawnId(f)} --> ${j}`);
        edges.push({ index: edgeIndex++, edgeId: e.id, from: drawnId(f), to: j });
      }
      from = j;
    }
    for (const t of e.to) {
      const to = t.node === 'end' ? 'stop' : drawnId(t.node);
      const parts = [...label];
      if (t.forEach) parts.push(`for each ${t.forEach.variable} ≤ ${t.forEach.max}`);
      // A back edge closes a loop: drawn dotted, so loops read as loops.
      const arrow = back.has(`${e.id}:${t.node}`) ? '-.->' : t.forEach ? '==>' : '-->';
      if (from === to && standIn(t.node)) continue; // Collapsed: edges inside the box are hidden.
      lines.push(parts.length ? `  ${from} ${arrow}|"${escapeLabel(parts.join(' · '))}"| ${to}` : `  ${from} ${arrow} ${to}`);
      edges.push({ index: edgeIndex++, edgeId: e.id, from, to });
    }
  }
  for (const s of g.supervisors) {
    if (!s.escalate) continue;
    const key = s.name ?? `sup${g.supervisors.indexOf(s)}`;
    const target = g.nodes.some((n) => n.name === s.escalate) ? drawnId(s.escalate) : nodeId(s.escalate);
    if (!g.nodes.some((n) => n.name === s.escalate) && !nodes.some((n) => n.id === target)) {
      const h = humans.get(s.escalate);
      lines.push(`  ${target}[/"${escapeLabel(`🧑 ${s.escalate}`)}"/]:::human`);
      nodes.push({ id: target, name: s.escalate, kind: 'human', range: h?.range, hover: `escalation target ${s.escalate}` });
    }
    lines.push(`  ${supId(key)} -. "escalate" .-> ${target}`);
    edgeIndex++;
  }

  if (g.budget.costUsd !== undefined || g.budget.latencyMs !== undefined) {
    const parts = [
      g.budget.costUsd !== undefined ? `cost ≤ ${money(g.budget.costUsd)} (worst ${money(g.worstCase.costUsd)})` : '',
      g.budget.latencyMs !== undefined ? `latency ≤ ${duration(g.budget.latencyMs)} (worst ${duration(g.worstCase.latencyMs)})` : '',
      g.budget.steps !== undefined ? `steps ≤ ${g.budget.steps} (worst ${g.worstCase.steps})` : '',
    ].filter(Boolean);
    lines.push(`  budget>"${escapeLabel('budget: ' + parts.join(' · '))}"]:::budget`);
  }
  if (options.legend !== false) {
    lines.push('  subgraph legend["legend"]');
    lines.push('    direction LR');
    lines.push('    l_agent["🤖 agent"]:::agent');
    lines.push('    l_human[/"🧑 human"/]:::human');
    lines.push('    l_tool[("🔧 tool")]:::tool');
    lines.push('    l_irr["⚠ irreversible"]:::irreversible');
    lines.push('    l_loop["↻ retries · ⤵ fallback · ⏱ cache"]:::note');
    lines.push('  end');
  }
  lines.push(
    '  classDef agent fill:#e8f0fe,stroke:#3b6fd8,color:#10233f',
    '  classDef human fill:#fff4e5,stroke:#d88a1c,color:#3d2500',
    '  classDef tool fill:#eef8ee,stroke:#3a9a4a,color:#0f2e14',
    '  classDef irreversible fill:#fdecea,stroke:#c62828,color:#3d0a0a,stroke-width:2px',
    '  classDef subgraphNode fill:#f3e8fd,stroke:#7b3fc4,color:#230a3d',
    '  classDef terminal fill:#eeeeee,stroke:#666666,color:#111111',
    '  classDef join fill:#ffffff,stroke:#666666,color:#111111',
    '  classDef supervisor fill:#f5f5f5,stroke:#888888,color:#111111,stroke-dasharray:4 3',
    '  classDef budget fill:#fffde7,stroke:#b59f00,color:#3d3500',
    '  classDef note fill:#ffffff,stroke:#bbbbbb,color:#333333',
  );
  return { graph: g.name, mermaid: lines.join('\n'), nodes, edges };
}

/**
 * Loop edges (as `edgeId:target`): every edge with a `max` bound, and, for cycles without one,
 * the edges that lead back to a node on the current depth-first path from start.
 */
function backEdges(g: GraphIR): Set<string> {
  const back = new Set<string>();
  const out = new Map<string, { id: number; to: string }[]>();
  for (const e of g.edges) for (const f of e.from) {
    if (e.max !== undefined) {
      for (const t of e.to) back.add(`${e.id}:${t.node}`);
      continue;
    }
    const l = out.get(f) ?? [];
    for (const t of e.to) l.push({ id: e.id, to: t.node });
    out.set(f, l);
  }
  const state = new Map<string, 1 | 2>();
  const stack: { v: string; i: number }[] = [{ v: 'start', i: 0 }];
  state.set('start', 1);
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    const next = (out.get(f.v) ?? [])[f.i++];
    if (!next) {
      state.set(f.v, 2);
      stack.pop();
      continue;
    }
    const st = state.get(next.to);
    if (st === 1) back.add(`${next.id}:${next.to}`);
    else if (st === undefined && next.to !== 'end') {
      state.set(next.to, 1);
      stack.push({ v: next.to, i: 0 });
    }
  }
  return back;
}

/** A Markdown document with the diagram, for docs and pull requests. */
export function diagramMarkdown(d: Diagram, title?: string): string {
  return `# ${title ?? d.graph}\n\n\`\`\`mermaid\n${d.mermaid}\n\`\`\`\n`;
}
