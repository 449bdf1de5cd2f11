// Per-node figures for the CLI's summary table and for callers: how often each node ran, how many
// attempts that took, and the tokens, cost and time it used, all derived from the trace spans.

import type { SpanRecord } from './trace.ts';

export interface NodeSummary {
  node: string;
  kind: string;
  /** Executions (each branch of a fan-out counts, as do restarts). */
  executions: number;
  attempts: number;
  modelCalls: number;
  cacheHits: number;
  toolCalls: number;
  tokens: number;
  costUsd: number;
  /** Time the node was running (a fan-out counts once, from first branch start to last end). */
  latencyMs: number;
  status: string;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function entry(byNode: Map<string, NodeSummary>, name: string, kind = ''): NodeSummary {
  let s = byNode.get(name);
  if (!s) {
    s = { node: name, kind, executions: 0, attempts: 0, modelCalls: 0, cacheHits: 0, toolCalls: 0, tokens: 0, costUsd: 0, latencyMs: 0, status: 'pending' };
    byNode.set(name, s);
  }
  return s;
}

export function summarizeNodes(spans: readonly SpanRecord[]): NodeSummary[] {
  const byNode = new Map<string, NodeSummary>();
  const groups = new Set<string>();
  for (const s of spans) if (s.kind === 'node' && s.attributes['agentgraph.fan_out'] !== undefined) groups.add(s.id);
  for (const s of spans) {
    const name = s.attributes['agentgraph.node'];
    if (typeof name !== 'string') continue;
    const dur = (s.endMs ?? s.startMs) - s.startMs;
    switch (s.kind) {
      case 'node': {
        const n = entry(byNode, name, String(s.attributes['agentgraph.node.kind'] ?? ''));
        const isGroup = groups.has(s.id);
        const inGroup = s.parentId !== undefined && groups.has(s.parentId);
        if (!isGroup) n.executions++;
        if (!inGroup) n.latencyMs += dur;
        if (!inGroup || n.status === 'pending') n.status = s.status === 'ok' ? 'succeeded' : s.status === 'error' ? 'failed' : s.status === 'cancelled' ? 'skipped' : 'running';
        break;
      }
      case 'attempt':
        entry(byNode, name).attempts++;
        break;
      case 'model_call': {
        const n = entry(byNode, name);
        if (s.attributes['agentgraph.cache_hit'] === true) n.cacheHits++;
        else n.modelCalls++;
        n.tokens += num(s.attributes['gen_ai.usage.input_tokens']) + num(s.attributes['gen_ai.usage.output_tokens']);
        n.costUsd += num(s.attributes['agentgraph.cost_usd']);
        break;
      }
      case 'tool_call':
        entry(byNode, name).toolCalls++;
        break;
    }
  }
  // Nodes that are not agents make one attempt per execution.
  for (const n of byNode.values()) if (n.attempts === 0) n.attempts = n.executions;
  return [...byNode.values()];
}
