// Generates a Mermaid flowchart of one graph from the IR: a pure function, shared by the CLI
// (`agentgraph diagram`) and the editor's live diagram. Besides the Mermaid text it returns, for
// each diagram node, the spec range and a hover summary, so views can link the picture back to
// the source. Labels contain only text derived from the spec (never model output) and are escaped
// for Mermaid; the webview still renders with securityLevel 'strict'.
//
// What the picture says:
//   - agents are rounded boxes (name, model, badges ↻ retries, ⤵ fallback, ⏱ cache, ⚠ irreversible
//     tool, and the worst case of one execution), humans parallelograms, tools hexagons, nested
//     graphs subroutine boxes, start/end stadiums, joins small ∧ circles. Kinds are told apart by
//     shape and colour, not by emoji (which many fonts lack);
//   - edges carry their condition, `otherwise`, `for each x ≤ N` (fan-out, thick) and `max N`;
//     edges that close a loop are dotted;
//   - supervisors are labelled dashed boxes (nested ones nest); collapsed, one box stands in for
//     everything inside it, and edges into or out of it are redirected to the box;
//   - a summary node (worst case against the budget) and a legend.

import type { AgentIR, GraphIR, IR, SourceRange } from '../ir/schema.ts';
import { classDefLines } from './palette.ts';

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
  edges: DiagramEdge[];
}

export interface DiagramEdge {
  /** Position among the written Mermaid edges. */
  index: number;
  /** The IR edge drawn (ids are per graph). */
  edgeId: number;
  /** Mermaid node ids at either end of the drawn line. */
  from: string;
  to: string;
  /**
   * Mermaid's own id of the drawn line (`L_<from>_<to>_<n>`), which its SVG carries as the path's
   * and the label's `data-id`: the live run overlay finds fired edges by it.
   */
  linkId: string;
  /** IR node names the edge leaves from, and the targets this line leads towards (`end` included). */
  sources: string[];
  targets: string[];
}

const ID_SAFE = /[^A-Za-z0-9_]/g;

/** Node ids are prefixed so names such as `end` or `graph` never collide with Mermaid keywords. */
export const nodeId = (name: string) => `n_${name.replace(ID_SAFE, '_')}`;
const toolId = (name: string) => `t_${name.replace(ID_SAFE, '_')}`;
const supId = (name: string) => `s_${name.replace(ID_SAFE, '_')}`;

/**
 * Escapes text for a quoted Mermaid label. Everything Mermaid or HTML could read as syntax becomes
 * a Mermaid entity (`#quot;`, `#60;`, …), which Mermaid turns into an HTML entity: the text shows
 * as written and never as markup. `#` itself is escaped first so spec text cannot forge entities,
 * and `$$` is broken up so it is never taken for KaTeX math.
 */
export function escapeLabel(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[#&"<>|{}[\]`\\]|\$(?=\$)/g, (c) => {
    switch (c) {
      case '&':
        return '#amp;';
      case '"':
        return '#quot;';
      case '<':
        return '#lt;';
      case '>':
        return '#gt;';
      default:
        return `#${c.charCodeAt(0)};`;
    }
  });
}

/** Breaks text into lines of about `width` characters at spaces, preferring breaks after && and ||. */
export function wrapText(text: string, width = 26): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
    if (/^(&&|\|\|)$/.test(w) && cur.length > width / 2) {
      lines.push(cur);
      cur = '';
    }
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Escaped, wrapped label text with Mermaid line breaks. */
const label = (text: string, width?: number) => wrapText(text, width).map(escapeLabel).join('<br/>');

function money(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(usd < 0.1 ? 3 : 2)}`;
}

function duration(ms: number): string {
  const fmt = (v: number, unit: string) => `${v.toFixed(1).replace(/\.0$/, '')}${unit}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return fmt(ms / 1000, 's');
  if (ms < 3_600_000) return fmt(ms / 60_000, 'm');
  if (ms < 3 * 86_400_000) return fmt(ms / 3_600_000, 'h');
  return fmt(ms / 86_400_000, 'd');
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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

type Supervisor = GraphIR['supervisors'][number];

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
  const models = new Map(ir.models.map((m) => [m.name, m]));
  const graphNodes = new Map(g.nodes.map((n) => [n.name, n]));

  // ---------------------------------------------------------------- supervisors
  // Each supervisor has a key (its name, or sup<i> when unnamed); a child is a node name or the
  // name of another supervisor. parentOf maps both kinds of child to the key of its box.
  const supKeys = g.supervisors.map((s, i) => s.name ?? `sup${i}`);
  const supByKey = new Map<string, Supervisor>(g.supervisors.map((s, i) => [supKeys[i]!, s]));
  const parentOf = new Map<string, string>();
  g.supervisors.forEach((s, i) => {
    for (const c of s.children) if (!parentOf.has(c) && c !== supKeys[i]) parentOf.set(c, supKeys[i]!);
  });
  const ancestors = (name: string): string[] => {
    const out: string[] = [];
    for (let cur = parentOf.get(name); cur !== undefined && !out.includes(cur) && out.length < 100; cur = parentOf.get(cur)) out.push(cur);
    return out;
  };
  const expanded = new Set(options.expanded ?? []);
  const collapsed = new Set(options.collapseSupervisors ? supKeys.filter((k) => !expanded.has(k)) : []);
  /** The outermost collapsed supervisor containing `name` (a node or a supervisor key), which stands in for it. */
  const standIn = (name: string): string | undefined => {
    let found: string | undefined;
    for (const a of ancestors(name)) if (collapsed.has(a)) found = a;
    return found;
  };
  /** The Mermaid id that represents a node: its own, or the collapsed box it is hidden in. */
  const drawnId = (name: string): string => {
    if (name === 'start') return 'start';
    if (name === 'end') return 'stop';
    const s = standIn(name);
    return s ? supId(s) : nodeId(name);
  };
  /** The Mermaid id of a supervisor: its box (cluster or collapsed node), or the collapsed box around it. */
  const drawnSupId = (key: string): string => supId(standIn(key) ?? key);
  /** Graph nodes anywhere inside a supervisor. */
  const leavesOf = (key: string, seen = new Set<string>()): string[] => {
    if (seen.has(key)) return [];
    seen.add(key);
    const s = supByKey.get(key);
    if (!s) return [];
    return s.children.flatMap((c) => (supByKey.has(c) && !graphNodes.has(c) ? leavesOf(c, seen) : graphNodes.has(c) ? [c] : []));
  };
  // One line: Mermaid does not make room for a second title line, so nodes would cover it.
  const supTitle = (s: Supervisor) =>
    `<b>${escapeLabel(`supervisor ${s.name ?? ''}`.trim())}</b>${escapeLabel(` · ${s.strategy} · ≤${plural(s.maxRestarts, 'restart')} / ${duration(s.withinMs)}`)}`;
  const supHover = (key: string, s: Supervisor) =>
    `supervise ${s.name ?? ''}${s.name ? ' ' : ''}[${s.children.join(', ')}] ${s.strategy}(max_restarts: ${s.maxRestarts}, within: ${duration(s.withinMs)})` +
    `${s.escalate ? `\nescalates to ${s.escalate}` : ''}${collapsed.has(key) && !standIn(key) ? `\n${plural(leavesOf(key).length, 'node')} inside; click to expand` : ''}`;

  // ---------------------------------------------------------------- nodes
  const defined = new Set<string>();
  const nodeLine = (name: string, kind: string, indent: string): string => {
    const id = nodeId(name);
    defined.add(id);
    if (kind === 'agent') {
      const a = agents.get(name);
      if (!a) return `${indent}${id}("${escapeLabel(name)}"):::agent`;
      const b = badges(a, ir);
      const parts = [`<b>${escapeLabel(name)}</b>`, escapeLabel([a.model, ...b].join(' · ')), escapeLabel(`≤ ${money(a.worstCase.costUsd)} · ${duration(a.worstCase.latencyMs)}`)];
      const cls = b.includes('⚠ irreversible') ? 'irreversible' : 'agent';
      const m = models.get(a.model);
      const details = [
        `model ${a.model}${m ? ` (${m.provider} ${m.modelId})` : ''}${a.fallback.length ? `, fallback ${a.fallback.join(', ')}` : ''}`,
        a.retry.max > 0 ? `retry ${a.retry.max} (${a.retry.strategy})` : '',
        a.cacheTtlMs !== undefined ? `cache ${duration(a.cacheTtlMs)}` : '',
        a.tools.length ? `tools ${a.tools.join(', ')}` : '',
      ].filter(Boolean);
      nodes.push({
        id,
        name,
        kind: 'agent',
        range: a.range,
        hover: `agent ${name}${signature(a.params, a.output)}\n${details.join('; ')}\nworst case ${money(a.worstCase.costUsd)}, ${duration(a.worstCase.latencyMs)}, ${plural(a.worstCase.calls, 'call')}`,
      });
      return `${indent}${id}("${parts.join('<br/>')}"):::${cls}`;
    }
    if (kind === 'human') {
      const h = humans.get(name);
      nodes.push({ id, name, kind: 'human', range: h?.range, hover: `human ${name}${h ? signature(h.params, h.output) : ''}${h?.timeoutMs ? `\ntimeout ${duration(h.timeoutMs)}` : ''}` });
      return `${indent}${id}[/"<b>${escapeLabel(name)}</b><br/>${escapeLabel(h?.timeoutMs ? `human · waits ≤ ${duration(h.timeoutMs)}` : 'human')}"/]:::human`;
    }
    if (kind === 'tool') {
      const t = tools.get(name);
      nodes.push({ id, name, kind: 'tool', range: t?.range, hover: `tool ${name}${t ? signature(t.params, t.output) : ''}${t ? `\neffect ${t.effect}${t.timeoutMs ? `, timeout ${duration(t.timeoutMs)}` : ''}${t.approve ? `, approved by ${t.approve}` : ''}` : ''}` });
      const irr = t?.effect === 'irreversible';
      return `${indent}${id}{{"<b>${escapeLabel(`${irr ? '⚠ ' : ''}${name}`)}</b><br/>${escapeLabel(t ? toolNote(t) : 'tool')}"}}:::${irr ? 'irreversible' : 'tool'}`;
    }
    const sub = graphs.get(name);
    nodes.push({ id, name, kind: 'graph', range: sub?.range, hover: `graph ${name}${sub ? signature(sub.params, sub.output) : ''}${sub ? `\nworst case ${money(sub.worstCase.costUsd)}, ${duration(sub.worstCase.latencyMs)}` : ''}` });
    return `${indent}${id}[["<b>${escapeLabel(`▦ ${name}`)}</b><br/>${escapeLabel(sub ? `graph · ≤ ${money(sub.worstCase.costUsd)} · ${duration(sub.worstCase.latencyMs)}` : 'graph')}"]]:::subgraphNode`;
  };
  const toolNote = (t: IR['tools'][number]) => [t.effect, t.approve ? `approved by ${t.approve}` : ''].filter(Boolean).join(' · ');

  lines.push(`  start(["start"]):::terminal`);
  defined.add('start');
  nodes.push({ id: 'start', name: 'start', kind: 'start', range: g.range, hover: `graph ${g.name}${signature(g.params, g.output)}` });

  // Nodes in the order the graph lists them; a supervisor's box is written where its first node is.
  const emittedSups = new Set<string>();
  const clusters: string[] = [];
  const emitted = new Set<string>();
  /** Agents drawn so far whose tools still need to be drawn. */
  let pendingToolOwners: string[] = [];
  const drawSupervisor = (key: string, indent: string) => {
    if (emittedSups.has(key)) return;
    emittedSups.add(key);
    const s = supByKey.get(key);
    if (!s) return;
    if (collapsed.has(key)) {
      const id = supId(key);
      defined.add(id);
      const n = leavesOf(key).length;
      nodes.push({ id, name: key, kind: 'supervisor', range: s.range, hover: supHover(key, s) });
      lines.push(`${indent}${id}["<b>${escapeLabel(`⊞ ${s.name ?? 'supervisor'}`)}</b><br/>${escapeLabel(`supervisor · ${s.strategy}`)}<br/>${escapeLabel(`${plural(n, 'node')} inside · click to expand`)}"]:::supervisor`);
      const hide = (k: string, seen = new Set<string>()) => {
        if (seen.has(k)) return;
        seen.add(k);
        emittedSups.add(k);
        for (const c of supByKey.get(k)?.children ?? []) {
          emitted.add(c);
          if (supByKey.has(c)) hide(c, seen);
        }
      };
      hide(key);
      return;
    }
    const id = supId(key);
    lines.push(`${indent}subgraph ${id}["${supTitle(s)}"]`);
    clusters.push(id);
    nodes.push({ id, name: key, kind: 'supervisor', range: s.range, hover: supHover(key, s) });
    for (const c of s.children) {
      if (supByKey.has(c) && !graphNodes.has(c)) drawSupervisor(c, indent + '  ');
      else {
        const n = graphNodes.get(c);
        if (n && !emitted.has(c)) {
          lines.push(nodeLine(n.name, n.kind, indent + '  '));
          emitted.add(c);
          if (n.kind === 'agent') pendingToolOwners.push(n.name);
        }
      }
    }
    lines.push(`${indent}end`);
  };

  // Tools an agent may call hang off it with a dotted link (drawn after the box the agent is in,
  // so tools are never members of a supervisor). A tool that is also a node of the graph is linked
  // to that node instead of being drawn twice.
  const toolLinks: { from: string; to: string }[] = [];
  const flushTools = () => {
    for (const owner of pendingToolOwners) {
      for (const t of agents.get(owner)?.tools ?? []) {
        const tool = tools.get(t);
        if (!tool) continue;
        if (graphNodes.has(t)) {
          toolLinks.push({ from: nodeId(owner), to: drawnId(t) });
          continue;
        }
        const id = toolId(t);
        if (!defined.has(id)) {
          defined.add(id);
          const irr = tool.effect === 'irreversible';
          lines.push(`  ${id}{{"<b>${escapeLabel(`${irr ? '⚠ ' : ''}${t}`)}</b><br/>${escapeLabel(toolNote(tool))}"}}:::${irr ? 'irreversible' : 'tool'}`);
          nodes.push({ id, name: t, kind: 'tool', range: tool.range, hover: `tool ${t}${signature(tool.params, tool.output)}\neffect ${tool.effect}${tool.timeoutMs ? `, timeout ${duration(tool.timeoutMs)}` : ''}${tool.approve ? `, approved by ${tool.approve}` : ''}` });
        }
        toolLinks.push({ from: nodeId(owner), to: id });
      }
    }
    pendingToolOwners = [];
  };

  const outermost = (name: string): string | undefined => ancestors(name).at(-1);
  for (const n of g.nodes) {
    if (emitted.has(n.name)) continue;
    const top = outermost(n.name);
    if (top !== undefined) drawSupervisor(top, '  ');
    if (!emitted.has(n.name)) {
      // Not reached through its box (a child list that names it twice, say): draw it on its own.
      lines.push(nodeLine(n.name, n.kind, '  '));
      emitted.add(n.name);
      if (n.kind === 'agent') pendingToolOwners.push(n.name);
    }
    flushTools();
  }
  // Supervisors that hold no graph node (only a typo would do that, but draw them anyway).
  supKeys.forEach((key) => {
    if (!parentOf.has(key)) drawSupervisor(key, '  ');
  });
  flushTools();

  lines.push(`  stop(["end"]):::terminal`);
  defined.add('stop');
  nodes.push({ id: 'stop', name: 'end', kind: 'end', range: g.range, hover: `returns ${typeName(g.output)}` });

  // ---------------------------------------------------------------- edges
  // Conditions and loop bounds as labels; loops dotted; fan-outs thick; joins through a small ∧ node.
  const back = backEdges(g);
  const written = new Map<string, { index: number; linkId: string }>();
  const pairCount = new Map<string, number>();
  const edgeLine = (from: string, arrow: string, to: string, text: string): { index: number; linkId: string } => {
    const line = text ? `  ${from} ${arrow}|"${label(text)}"| ${to}` : `  ${from} ${arrow} ${to}`;
    const seen = written.get(line);
    if (seen !== undefined) return seen;
    lines.push(line);
    // Mermaid (flowDb.addSingleLink) names the first line between two nodes `L_a_b_0` and the
    // n-th one after it `L_a_b_<n + 1>` (it counts the lines already there, plus one).
    const pair = `${from}_${to}`;
    const before = pairCount.get(pair) ?? 0;
    pairCount.set(pair, before + 1);
    const drawn = { index: edgeIndex++, linkId: `L_${pair}_${before === 0 ? 0 : before + 1}` };
    written.set(line, drawn);
    return drawn;
  };
  for (const e of g.edges) {
    const cond: string[] = [];
    if (e.whenSrc) cond.push(e.whenSrc);
    if (e.otherwise) cond.push('otherwise');
    if (e.max !== undefined) cond.push(`max ${e.max}`);
    let from = drawnId(e.from[0] ?? 'start');
    if (e.join) {
      const sources = [...new Set(e.from.map(drawnId))];
      if (sources.length > 1) {
        const j = `j${e.id}`;
        lines.push(`  ${j}(("∧")):::join`);
        defined.add(j);
        nodes.push({ id: j, name: `join ${e.from.join(', ')}`, kind: 'join', range: e.range, hover: `join: waits for ${e.from.join(' and ')}` });
        const targets = e.to.map((t) => t.node);
        for (const f of sources) edges.push({ ...edgeLine(f, '-->', j, ''), edgeId: e.id, from: f, to: j, sources: e.from, targets });
        from = j;
      } else from = sources[0] ?? from;
    }
    for (const t of e.to) {
      const to = drawnId(t.node);
      // Collapsed: edges that stay inside one box are hidden.
      if (from === to && from.startsWith('s_')) continue;
      const parts = [...cond];
      if (t.forEach) parts.push(`for each ${t.forEach.variable} ≤ ${t.forEach.max}`);
      // A back edge closes a loop: drawn dotted, so loops read as loops.
      const arrow = back.has(`${e.id}:${t.node}`) ? '-.->' : t.forEach ? '==>' : '-->';
      edges.push({ ...edgeLine(from, arrow, to, parts.join(' · ')), edgeId: e.id, from, to, sources: e.from, targets: [t.node] });
    }
  }
  for (const l of toolLinks) {
    if (l.from === l.to) continue;
    edgeLine(l.from, '-.-', l.to, '');
  }
  g.supervisors.forEach((s, i) => {
    if (!s.escalate) return;
    const key = supKeys[i]!;
    const from = drawnSupId(key);
    let target: string;
    if (graphNodes.has(s.escalate)) target = drawnId(s.escalate);
    else {
      target = nodeId(s.escalate);
      if (!defined.has(target)) {
        defined.add(target);
        const h = humans.get(s.escalate);
        const sub = graphs.get(s.escalate);
        if (sub && !h) {
          lines.push(`  ${target}[["<b>${escapeLabel(`▦ ${s.escalate}`)}</b><br/>graph"]]:::subgraphNode`);
          nodes.push({ id: target, name: s.escalate, kind: 'graph', range: sub.range, hover: `escalation target: graph ${s.escalate}${signature(sub.params, sub.output)}` });
        } else {
          lines.push(`  ${target}[/"<b>${escapeLabel(s.escalate)}</b><br/>${escapeLabel(h?.timeoutMs ? `human · waits ≤ ${duration(h.timeoutMs)}` : 'human')}"/]:::human`);
          nodes.push({ id: target, name: s.escalate, kind: 'human', range: h?.range, hover: `escalation target: human ${s.escalate}${h ? signature(h.params, h.output) : ''}` });
        }
      }
    }
    if (from === target) return;
    edgeLine(from, '-.->', target, 'escalate');
  });

  // ---------------------------------------------------------------- summary and legend
  const worst = g.worstCase;
  const budget = g.budget;
  const summary = [
    `${g.name} · worst case ${money(worst.costUsd)} · ${duration(worst.latencyMs)} · ${plural(worst.steps, 'step')}`,
    budget.costUsd !== undefined || budget.latencyMs !== undefined || budget.steps !== undefined
      ? `budget ${[
          budget.costUsd !== undefined ? money(budget.costUsd) : '',
          budget.latencyMs !== undefined ? duration(budget.latencyMs) : '',
          budget.steps !== undefined ? plural(budget.steps, 'step') : '',
        ]
          .filter(Boolean)
          .join(' · ')}`
      : 'no budget',
    g.worstCaseWithRestarts.costUsd > worst.costUsd ? `with every supervisor restart ${money(g.worstCaseWithRestarts.costUsd)}` : '',
  ].filter(Boolean);
  lines.push(`  budget>"${summary.map((s) => escapeLabel(s)).join('<br/>')}"]:::budget`);
  if (options.legend !== false) {
    lines.push(
      '  subgraph legend["legend"]',
      // Unlinked legend nodes share one rank, which TB lays out side by side.
      '    direction TB',
      `    l_agent("${escapeLabel('agent')}"):::agent`,
      `    l_human[/"${escapeLabel('human')}"/]:::human`,
      `    l_tool{{"${escapeLabel('tool')}"}}:::tool`,
      `    l_graph[["${escapeLabel('▦ graph')}"]]:::subgraphNode`,
      `    l_irr("${escapeLabel('⚠ irreversible')}"):::irreversible`,
      `    l_badges["${['↻ retries · ⤵ fallback · ⏱ cache', '≤ worst case of one run', '┄▶ loop (max N) · ━▶ for each', '∧ join: waits for all'].map((x) => escapeLabel(x)).join('<br/>')}"]:::note`,
      '  end',
      // Invisible link: keeps the legend below the graph instead of beside its start.
      '  stop ~~~ legend',
    );
  }
  lines.push(...classDefLines('light'));
  if (clusters.length) lines.push(`  class ${clusters.join(',')} supBox`);
  if (options.legend !== false) lines.push('  class legend legendBox');
  return { graph: g.name, mermaid: lines.join('\n'), nodes, edges };
}

/**
 * Loop edges (as `edgeId:target`): every edge with a `max` bound, and, for cycles without one,
 * the edges that lead back to a node on the current depth-first path from start.
 */
function backEdges(g: GraphIR): Set<string> {
  const back = new Set<string>();
  const out = new Map<string, { id: number; to: string }[]>();
  for (const e of g.edges)
    for (const f of e.from) {
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
export function diagramMarkdown(d: Diagram, title?: string, source?: string): string {
  const from = source ? `\n\nGenerated by AgentGraph from \`${source.replace(/`/g, '')}\`.` : '';
  return `# ${title ?? d.graph}${from}\n\n\`\`\`mermaid\n${d.mermaid}\n\`\`\`\n`;
}
