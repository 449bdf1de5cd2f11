// Executes one node instance by kind: an agent (model calls with tools), a human (a question on
// the human channel), a tool used directly as a node (called with the edge's arguments), or a
// sub-graph (run recursively under its own budget, which also counts against the caller's).

import type { EdgeIR, GraphIR, NodeIR } from '../ir/schema.ts';
import { runAgent } from './agent-node.ts';
import { BudgetScope } from './budget.ts';
import type { RunContext } from './context.ts';
import { BudgetExceededError, GraphTimeoutError, NodeFailedError, RuntimeError } from './errors.ts';
import { askHuman } from './human-wait.ts';
import { check } from './schemas.ts';
import { rangeAttributes, type Span } from './trace.ts';

export interface NodeCall {
  ctx: RunContext;
  node: NodeIR;
  label: string;
  args: Record<string, unknown>;
  span: Span;
  budget: BudgetScope;
  signal: AbortSignal;
  deadline?: number;
  /** The checkpoint key of this step; a sub-graph's steps are keyed under it. */
  key: string;
}

/** Runs a graph as a sub-graph node; provided by the executor (which this module cannot import). */
export type SubgraphRunner = (graph: GraphIR, input: Record<string, unknown>, call: NodeCall, budget: BudgetScope) => Promise<unknown>;

function checkArgs(what: string, schema: Record<string, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  const c = check(schema, args);
  if (!c.ok) throw new RuntimeError('invalid_args', `the arguments of ${what} do not match its parameters: ${c.issues.join('; ')}`);
  return c.value as Record<string, unknown>;
}

export async function performNode(c: NodeCall, runSubgraph: SubgraphRunner): Promise<unknown> {
  const { ctx, node } = c;
  switch (node.kind) {
    case 'agent': {
      const agent = ctx.ir.agent(node.name);
      const args = checkArgs(`agent '${node.name}'`, agent.input, c.args);
      const r = await runAgent({ ctx, agent, args, node: node.name, label: c.label, span: c.span, budget: c.budget, signal: c.signal, deadline: c.deadline });
      c.span.set('agentgraph.attempts', r.attempts);
      return r.output;
    }
    case 'human': {
      const human = ctx.ir.human(node.name);
      const args = checkArgs(`human '${node.name}'`, human.input, c.args);
      return askHuman(ctx, { kind: 'node', human, node: node.name, input: args, parent: c.span, budget: c.budget, signal: c.signal });
    }
    case 'tool': {
      const tool = ctx.ir.tool(node.name);
      const out = await ctx.tools.call(ctx, tool, c.args, { node: node.name, parent: c.span, budget: c.budget, signal: c.signal });
      if (!out.ok) throw new RuntimeError(out.reason === 'timeout' ? 'timeout' : 'tool', out.error);
      return out.result;
    }
    case 'graph': {
      const graph = ctx.ir.graph(node.name);
      const args = checkArgs(`graph '${node.name}'`, graph.input, c.args);
      const scope = new BudgetScope(`graph ${graph.name}`, graph.budget, ctx.clock, c.budget);
      try {
        return await runSubgraph(graph, args, c, scope);
      } catch (err) {
        // The sub-graph's own budget running out fails this node; the caller's budget running out
        // stops the whole run (that error comes from an enclosing scope and passes through).
        if (err instanceof BudgetExceededError && err.scope === scope) throw new RuntimeError('subgraph', err.message);
        if (err instanceof GraphTimeoutError) throw new RuntimeError('timeout', `sub-graph ${graph.name}: ${err.message}`);
        if (err instanceof NodeFailedError || err instanceof RuntimeError) throw new RuntimeError('subgraph', `sub-graph ${graph.name}: ${err.message}`);
        throw err;
      }
    }
  }
}

/** The attributes of a node span: what ran, where it is written, and the edge that started it. */
export function nodeSpanAttributes(graph: string, node: NodeIR, activation: number, edge?: EdgeIR): Record<string, unknown> {
  const kind = node.kind;
  return {
    'agentgraph.node': node.name,
    'agentgraph.node.kind': kind,
    'gen_ai.operation.name': kind === 'agent' ? 'invoke_agent' : kind === 'tool' ? 'execute_tool' : undefined,
    'gen_ai.agent.name': kind === 'agent' ? node.name : undefined,
    'agentgraph.graph': graph,
    'agentgraph.activation': activation,
    ...rangeAttributes(node.range),
    ...(edge ? { 'agentgraph.edge.id': edge.id, ...rangeAttributes(edge.range, 'agentgraph.edge') } : {}),
  };
}
