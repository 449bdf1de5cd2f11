// Executes one node instance by kind: an agent (model calls with tools), a human (a question on
// the human channel), a tool used directly as a node (called with the edge's arguments), or a
// sub-graph (run recursively under its own budget, which also counts against the caller's).

import type { EdgeIR, GraphIR, NodeIR, SourceRange } from '../ir/schema.ts';
import { runAgent } from './agent-node.ts';
import { BudgetScope } from './budget.ts';
import type { RunContext } from './context.ts';
import { BudgetExceededError, GraphTimeoutError, NodeFailedError, RuntimeError } from './errors.ts';
import { askHuman } from './human-wait.ts';
import type { StopScope } from './policies.ts';
import type { Redactor } from './redact.ts';
import { check } from './schemas.ts';
import { formatRange, type Attributes, type Span } from './trace.ts';

export interface NodeCall {
  ctx: RunContext;
  node: NodeIR;
  label: string;
  args: Record<string, unknown>;
  span: Span;
  budget: BudgetScope;
  signal: StopScope;
  deadline?: number;
  /** The checkpoint key of this step; a sub-graph's steps are keyed under it. */
  key: string;
  /** A user prompt to send instead of the rendered one (set by a debugger or a replay). */
  promptOverride?: string;
}

/** Runs a graph as a sub-graph node; provided by the executor (which this module cannot import). */
export type SubgraphRunner = (graph: GraphIR, input: Record<string, unknown>, call: NodeCall, budget: BudgetScope) => Promise<unknown>;

function checkArgs(what: string, schema: Record<string, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  const c = check(schema, args);
  if (!c.ok) throw new RuntimeError('invalid_args', `the arguments of ${what} do not match its parameters: ${c.issues.join('; ')}`);
  return c.value as Record<string, unknown>;
}

export function performNode(c: NodeCall, runSubgraph: SubgraphRunner): Promise<unknown> {
  const { ctx, node } = c;
  if (node.kind !== 'agent') return performOther(c, runSubgraph);
  // Agents, the common case, without an async frame of their own: runAgent's promise is the
  // node's (it records the attempts on the node span itself).
  try {
    const agent = ctx.ir.agent(node.name);
    const args = checkArgs(`agent '${node.name}'`, agent.input, c.args);
    return runAgent({ ctx, agent, args, node: node.name, label: c.label, span: c.span, budget: c.budget, signal: c.signal, deadline: c.deadline, promptOverride: c.promptOverride });
  } catch (err) {
    return Promise.reject(err);
  }
}

async function performOther(c: NodeCall, runSubgraph: SubgraphRunner): Promise<unknown> {
  const { ctx, node } = c;
  switch (node.kind) {
    case 'agent':
      return performNode(c, runSubgraph);
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

/** Redacted file and readable range of source ranges, per redactor (IR ranges never change). */
const rangeTexts = new WeakMap<Redactor, WeakMap<SourceRange, { file: string; range: string }>>();

function rangeTextsOf(redactor: Redactor, r: SourceRange): { file: string; range: string } {
  let byRange = rangeTexts.get(redactor);
  if (!byRange) rangeTexts.set(redactor, (byRange = new WeakMap()));
  let t = byRange.get(r);
  if (!t) byRange.set(r, (t = { file: redactor.text(r.file), range: redactor.text(formatRange(r)) }));
  return t;
}

/**
 * The attributes of a node span: what ran, where it is written, and the edge that started it
 * (redacted). Built key by key under literal names, which keeps the object compact and cheap to
 * extend (see Span in trace.ts); the keys and their order are those of rangeAttributes.
 */
export function nodeSpanAttributes(redactor: Redactor, graph: string, node: NodeIR, activation: number, edge?: EdgeIR): Attributes {
  const kind = node.kind;
  if (kind === 'agent' && edge) {
    // The common case as one literal: one allocation, every key in the object itself.
    const name = redactor.text(node.name);
    const r = node.range;
    const src = rangeTextsOf(redactor, r);
    const er = edge.range;
    const e = rangeTextsOf(redactor, er);
    return {
      'agentgraph.node': name,
      'agentgraph.node.kind': redactor.text(kind),
      'gen_ai.operation.name': redactor.text('invoke_agent'),
      'gen_ai.agent.name': name,
      'agentgraph.graph': redactor.text(graph),
      'agentgraph.activation': activation,
      'agentgraph.source.file': src.file,
      'agentgraph.source.start_line': r.start.line,
      'agentgraph.source.start_character': r.start.character,
      'agentgraph.source.end_line': r.end.line,
      'agentgraph.source.end_character': r.end.character,
      'agentgraph.source.range': src.range,
      'agentgraph.edge.id': edge.id,
      'agentgraph.edge.file': e.file,
      'agentgraph.edge.start_line': er.start.line,
      'agentgraph.edge.start_character': er.start.character,
      'agentgraph.edge.end_line': er.end.line,
      'agentgraph.edge.end_character': er.end.character,
      'agentgraph.edge.range': e.range,
    };
  }
  const a: Attributes = {};
  a['agentgraph.node'] = redactor.text(node.name);
  a['agentgraph.node.kind'] = redactor.text(kind);
  if (kind === 'agent') {
    a['gen_ai.operation.name'] = redactor.text('invoke_agent');
    a['gen_ai.agent.name'] = redactor.text(node.name);
  } else if (kind === 'tool') a['gen_ai.operation.name'] = redactor.text('execute_tool');
  a['agentgraph.graph'] = redactor.text(graph);
  a['agentgraph.activation'] = activation;
  const r = node.range;
  const src = rangeTextsOf(redactor, r);
  a['agentgraph.source.file'] = src.file;
  a['agentgraph.source.start_line'] = r.start.line;
  a['agentgraph.source.start_character'] = r.start.character;
  a['agentgraph.source.end_line'] = r.end.line;
  a['agentgraph.source.end_character'] = r.end.character;
  a['agentgraph.source.range'] = src.range;
  if (edge) {
    const er = edge.range;
    const e = rangeTextsOf(redactor, er);
    a['agentgraph.edge.id'] = edge.id;
    a['agentgraph.edge.file'] = e.file;
    a['agentgraph.edge.start_line'] = er.start.line;
    a['agentgraph.edge.start_character'] = er.start.character;
    a['agentgraph.edge.end_line'] = er.end.line;
    a['agentgraph.edge.end_character'] = er.end.character;
    a['agentgraph.edge.range'] = e.range;
  }
  return a;
}
