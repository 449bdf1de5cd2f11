// Describes the graphs of a compiled spec for the editor: their input schema (for the input form
// and validation), and the agents, tools and humans each one runs (for fault presets). Subgraph
// nodes are followed, because a fault in an agent of a nested graph shows in the outer run too.

import type { IR } from '../ir/schema.ts';
import type { GraphDescription } from './protocol.ts';

export function describeGraphs(ir: IR): GraphDescription[] {
  const graphs = new Map(ir.graphs.map((g) => [g.name, g]));
  const agents = new Map(ir.agents.map((a) => [a.name, a]));
  const approvers = new Map(ir.tools.map((t) => [t.name, t.approve]));
  return ir.graphs.map((g) => {
    const agentNames = new Set<string>();
    const tools = new Set<string>();
    const humans = new Set<string>();
    const seen = new Set<string>();
    const visit = (name: string) => {
      const graph = graphs.get(name);
      if (!graph || seen.has(name)) return;
      seen.add(name);
      for (const n of graph.nodes) {
        if (n.kind === 'agent') agentNames.add(n.name);
        else if (n.kind === 'tool') tools.add(n.name);
        else if (n.kind === 'human') humans.add(n.name);
        else visit(n.name);
      }
      for (const s of graph.supervisors) if (s.escalate) humans.add(s.escalate);
    };
    visit(g.name);
    const described: GraphDescription['agents'] = [];
    for (const name of agentNames) {
      const a = agents.get(name);
      if (!a) continue;
      described.push({ name, model: a.model, fallback: a.fallback, retries: a.retry.max });
      for (const t of a.tools) tools.add(t);
    }
    for (const t of tools) {
      const approver = approvers.get(t);
      if (approver) humans.add(approver);
    }
    return {
      name: g.name,
      ...(g.doc ? { doc: g.doc } : {}),
      input: g.input,
      params: g.params.map((p) => p.name),
      agents: described,
      tools: [...tools].sort(),
      humans: [...humans].sort(),
    };
  });
}
