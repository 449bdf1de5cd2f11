// The status bar's text and tooltip for a spec's status (health and worst-case cost of the active
// graph). Pure, so it is unit-tested without a VS Code.

import type { StatusResult } from '../../server/src/lsp/custom/protocol.ts';

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

export interface StatusView {
  /** Status bar text, with codicons. */
  text: string;
  /** Markdown tooltip. */
  tooltip: string;
  /** 'error' colours the item as an error, 'warning' as a warning. */
  level: 'ok' | 'warning' | 'error';
  /** Command on click: the Problems panel when there are problems, else the diagram. */
  command: 'workbench.actions.view.problems' | 'agentgraph.showDiagram';
}

export function statusView(s: StatusResult): StatusView {
  const health = s.errors > 0 ? `$(error) ${s.errors}` : s.warnings > 0 ? `$(warning) ${s.warnings}` : '$(pass)';
  const overBudget = s.worstCostUsd !== undefined && s.budgetCostUsd !== undefined && s.worstCostUsd > s.budgetCostUsd + 1e-12;
  let cost = '';
  if (s.graph !== undefined && s.worstCostUsd !== undefined) {
    cost = ` ${s.graph} ≤ ${formatUsd(s.worstCostUsd)}`;
    if (s.budgetCostUsd !== undefined) cost += ` / ${formatUsd(s.budgetCostUsd)}`;
  }
  const text = `${health} AgentGraph${cost}`;
  const lines = ['**AgentGraph**', '', ...s.details.map((d) => `- ${d}`)];
  if (s.errors + s.warnings > 0) lines.push('', 'Click to open the Problems panel.');
  else lines.push('', 'Click to show the architecture diagram.');
  return {
    text,
    tooltip: lines.join('\n'),
    level: s.errors > 0 || overBudget ? 'error' : s.warnings > 0 ? 'warning' : 'ok',
    command: s.errors + s.warnings > 0 ? 'workbench.actions.view.problems' : 'agentgraph.showDiagram',
  };
}
