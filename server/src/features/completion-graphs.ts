// Completion items inside a graph body: the start of an item (edge sources, `start`, `budget`,
// `supervise`, graph properties), edge targets after `->` with their arguments filled in from the
// names in scope, edge modifiers (`when`, `otherwise`, `max`, `for`) and node names in lists.
// Each function serves one cursor context (see completion.ts) and adds its items to the collector.

import type { CallableInfo } from '../semantics/declarations.ts';
import type { Scope } from '../semantics/expr-checker.ts';
import { PROPERTY_SPECS } from '../semantics/property-specs.ts';
import { assignable } from '../semantics/types.ts';
import { displayShort, signatureOf } from './common.ts';
import { LAZY_DETAILS, type CompletionCollector } from './completion-collector.ts';
import { propertySnippet } from './completion-declarations.ts';
import type { EntryKind } from './completion.ts';
import { propertyMarkdown, valueKindText } from './hover.ts';

export function graphItems(c: CompletionCollector, graph: string, present: string[]): void {
  const g = c.analysis.graphs.get(graph)?.model;
  c.add({ label: 'start', kind: 'keyword', detail: 'start -> first(…)', documentation: 'The entry of the graph: its first edge.', insertText: 'start -> ', retrigger: true, sortText: '0start' });
  for (const n of g?.nodes.values() ?? []) {
    c.add({ label: n.name, kind: n.info.kind, detail: signatureOf(n.info), documentation: `Edge from node \`${n.name}\`.`, insertText: `${n.name} -> `, retrigger: true, sortText: `1${n.name}`, resolve: { symbol: n.info.sym.name } });
  }
  const hasBudget = g?.budget.span !== undefined;
  if (!hasBudget) c.add({ label: 'budget', kind: 'snippet', detail: 'budget { cost, latency, steps, tokens }', documentation: 'Limits the worst case of one run; exceeding one is an error.', insertText: 'budget { cost: \\$${1:0.10}, latency: ${2:60s}, steps: ${3:20} }', snippet: true, sortText: '2budget' });
  const nodeNames = g ? [...g.nodes.keys()] : [];
  c.add({ label: 'supervise', kind: 'snippet', detail: 'supervise [nodes] strategy(max_restarts, within) escalate target', documentation: 'Erlang/OTP-style restarts of failing nodes, escalating to a person.', insertText: `supervise [\${1${nodeNames.length ? `:${nodeNames.slice(0, 2).join(', ')}` : ''}}] \${2|one_for_one,one_for_all,rest_for_one|}(max_restarts: \${3:3}, within: \${4:60s})`, snippet: true, sortText: '2supervise' });
  for (const [key, spec] of Object.entries(PROPERTY_SPECS.graph)) {
    if (present.includes(key)) continue;
    c.add({ label: key, kind: 'property', detail: `${key}: ${valueKindText(spec)}`, documentation: propertyMarkdown(key, spec, 'a graph'), insertText: propertySnippet(c, key, spec).insert, snippet: true, sortText: `3${key}` });
  }
}

export function edgeTargets(c: CompletionCollector, graph: string, sources: string[], inFanOut: boolean): void {
  const scope = c.graphScope(graph);
  const g = c.analysis.graphs.get(graph)?.model;
  const order: Record<string, number> = { agent: 0, human: 1, tool: 2, graph: 3 };
  const syms = c.syms(['agent', 'human', 'tool', 'graph']);
  // In big workspaces the details come with `resolve`, for the item the user looks at.
  const lazy = syms.length > LAZY_DETAILS;
  for (const s of syms) {
    if (s.name === graph) continue;
    const info = c.callable(s);
    if (!info) continue;
    c.add({
      label: s.name,
      kind: s.kind as EntryKind,
      detail: lazy ? undefined : signatureOf(info),
      documentation: lazy ? undefined : s.decl.doc,
      insertText: `${s.name}(${fillArgs(c, info, scope, sources)})$0`,
      snippet: true,
      filterText: s.name,
      sortText: `${order[s.kind]}${s.name}`,
      resolve: { symbol: s.name },
    });
  }
  if (!inFanOut && g) {
    const result = g.info.output;
    const fits = sources.find((n) => { const b = scope?.lookup(n); return b !== undefined && assignable(b.ty, result); });
    c.add({ label: 'end', kind: 'keyword', detail: `end(value: ${displayShort(result)})`, documentation: 'Ends the run with its result.', insertText: fits ? `end(${fits})` : `end(\${1:value})`, snippet: true, sortText: '5end' });
  }
}

/** Arguments for a call: names in scope that fit each parameter, else placeholders. */
function fillArgs(c: CompletionCollector, info: CallableInfo, scope: Scope | undefined, sources: string[]): string {
  const args: string[] = [];
  let tab = 1;
  let named = false;
  for (const p of info.params) {
    let value: string | undefined;
    const same = scope?.lookup(p.name);
    if (same && assignable(same.ty, p.type)) value = p.name;
    else {
      for (const s of sources) {
        const b = scope?.lookup(s);
        if (b && assignable(b.ty, p.type)) {
          value = s;
          break;
        }
      }
    }
    if (value === undefined && p.type.k === 'optional') {
      named = true;
      continue;
    }
    const v = value ?? `\${${tab++}:${p.name}}`;
    args.push(named || (value !== undefined && value !== p.name) ? `${p.name}: ${v}` : v);
  }
  return args.join(', ');
}

export function edgeModifiers(c: CompletionCollector, has: { when: boolean; otherwise: boolean; max: boolean; forEach: boolean; call: boolean }): void {
  if (!has.when && !has.otherwise) {
    c.add({ label: 'when', kind: 'keyword', detail: 'when <condition>', documentation: 'A conditional route: the first matching route from a node fires.', insertText: 'when ', retrigger: true, sortText: '0' });
    c.add({ label: 'otherwise', kind: 'keyword', detail: 'otherwise', documentation: 'The route taken when no `when` condition from this node holds.', sortText: '1' });
  }
  if (!has.max) c.add({ label: 'max', kind: 'keyword', detail: 'max N', documentation: 'Loop bound: this edge fires at most N times in one run.', insertText: 'max ${1:3}', snippet: true, sortText: '2' });
  if (has.call && !has.forEach && !has.when && !has.otherwise) {
    c.add({ label: 'for', kind: 'keyword', detail: 'for x in list max W', documentation: 'Dynamic fan-out: one run per element of a list, at most W wide.', insertText: 'for ${1:x} in ${2:list} max ${3:5}', snippet: true, sortText: '3' });
  }
}

export function graphNodes(c: CompletionCollector, graph: string, exclude: string[], supervisors: boolean): void {
  const g = c.analysis.graphs.get(graph)?.model;
  if (!g) return;
  for (const n of g.nodes.values()) {
    if (exclude.includes(n.name)) continue;
    c.add({ label: n.name, kind: n.info.kind, detail: signatureOf(n.info), resolve: { symbol: n.info.sym.name } });
  }
  if (supervisors) for (const s of g.supervisors) if (s.name && !exclude.includes(s.name)) c.add({ label: s.name, kind: 'variable', detail: `supervisor ${s.name} [${s.children.join(', ')}]` });
}
