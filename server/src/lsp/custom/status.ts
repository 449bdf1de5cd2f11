// `agentgraph/status`: what the status bar shows for the active spec: its health (error and
// warning counts) and the worst case of one run of the active graph (the graph around the cursor,
// else the first), against the graph's budget.

import { formatMs, formatUsd } from '../../checks/economics.ts';
import type { LanguageWorkspace } from '../workspace-api.ts';
import { activeGraph, severityCounts } from './common.ts';
import type { StatusParams, StatusResult } from './protocol.ts';

export function specStatus(workspace: LanguageWorkspace, params: StatusParams): StatusResult {
  const analysis = workspace.getAnalysis(params.uri);
  if (!analysis) return { uri: params.uri, errors: 0, warnings: 0, details: ['This document could not be analysed.'] };
  const { errors, warnings } = severityCounts(analysis);
  const out: StatusResult = { uri: params.uri, errors, warnings, details: [] };
  out.details.push(errors + warnings === 0 ? 'No problems.' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  const name = activeGraph(analysis, params.position);
  const g = name === undefined ? undefined : analysis.graphs.get(name);
  if (!name || !g) {
    out.details.push('No graph in this file.');
    return out;
  }
  const b = g.model.budget;
  Object.assign(out, {
    graph: name,
    worstCostUsd: g.worst.costUsd,
    worstCostWithRestartsUsd: g.worstSupervised.costUsd,
    worstLatencyMs: g.worst.latencyMs,
    worstSteps: g.worst.steps,
    budgetCostUsd: b.costUsd,
    budgetLatencyMs: b.latencyMs,
    budgetSteps: b.steps,
  });
  const vs = (limit: number | undefined, fmt: (n: number) => string) => (limit === undefined ? ' (no budget)' : ` of ${fmt(limit)} budget`);
  out.details.push(
    `Graph ${name}: worst case per run`,
    `cost ${formatUsd(g.worst.costUsd)}${vs(b.costUsd, formatUsd)}` + (g.worstSupervised.costUsd > g.worst.costUsd ? `, ${formatUsd(g.worstSupervised.costUsd)} with every supervisor restart` : ''),
    `latency ${formatMs(g.worst.latencyMs)}${vs(b.latencyMs, formatMs)}`,
    `steps ${g.worst.steps}${vs(b.steps, String)}`,
  );
  return out;
}
