// Inlay hints: the worst case of each agent after its signature (`≤ $0.012 · 9.3s`), of each graph
// after its header (`worst case $0.08 / budget $0.10`), loop bounds on the edges that close a loop
// (`↺ ≤ 2`) and fan-out widths. All numbers come from the analysis already computed for the
// diagnostics, so hints cost nothing extra.

import { formatMs, formatUsd } from '../checks/economics.ts';
import type { Analysis } from '../semantics/analyze.ts';
import type { AgentInfo } from '../semantics/declarations.ts';
import { budgetUsd, symOfDecl, worstCaseText, type OffsetRange } from './common.ts';

export interface InlayHintEntry {
  offset: number;
  label: string;
  kind: 'type' | 'parameter';
  paddingLeft?: boolean;
  paddingRight?: boolean;
  /** Markdown. */
  tooltip?: string;
}

export function inlayHints(analysis: Analysis, range?: OffsetRange): InlayHintEntry[] {
  const out: InlayHintEntry[] = [];
  const inRange = (o: number) => !range || (o >= range.start && o <= range.end);
  for (const d of analysis.unit.parse.file.decls) {
    if (range && (d.end < range.start || d.start > range.end)) continue;
    if (d.kind === 'AgentDecl') {
      const sym = symOfDecl(analysis, d);
      if (!sym || d.result.kind === 'ErrorType' || !inRange(d.result.end)) continue;
      const info = analysis.decls.callable(sym) as AgentInfo | undefined;
      if (!info?.model) continue;
      const w = analysis.economics.node(info);
      out.push({ offset: d.result.end, label: `≤ ${formatUsd(w.costUsd)} · ${formatMs(w.latencyMs)}`, kind: 'type', paddingLeft: true, tooltip: `Worst case of one execution: ${worstCaseText(w)}` });
    } else if (d.kind === 'GraphDecl') {
      const sym = symOfDecl(analysis, d);
      const g = sym ? analysis.graphs.get(sym.name) : undefined;
      if (!g) continue;
      const w = g.worst;
      const b = g.model.budget;
      if (d.result.kind !== 'ErrorType' && inRange(d.result.end)) {
        const label = b.costUsd !== undefined ? `worst case ${formatUsd(w.costUsd)} / budget ${budgetUsd(b.costUsd)}` : `worst case ${formatUsd(w.costUsd)} · ${formatMs(w.latencyMs)}`;
        const lines = [`Worst case of one run: ${worstCaseText(w)} · ${w.steps} steps`];
        if (b.latencyMs !== undefined) lines.push(`Latency ${formatMs(w.latencyMs)} of ${formatMs(b.latencyMs)}`);
        if (b.steps !== undefined) lines.push(`Steps ${w.steps} of ${b.steps}`);
        out.push({ offset: d.result.end, label, kind: 'type', paddingLeft: true, tooltip: lines.join('\n\n') });
      }
      for (const e of g.model.edges) {
        if (e.max !== undefined) {
          const loops = e.targets.some((t) => e.from.some((f) => f !== 'start' && g.topo.sccOf.get(f) !== undefined && g.topo.sccOf.get(f) === g.topo.sccOf.get(t.name)));
          if (loops && inRange(e.ast.end)) out.push({ offset: e.ast.end, label: `↺ ≤ ${e.max}`, kind: 'parameter', paddingLeft: true, tooltip: `This edge closes a loop; it fires at most ${e.max} time${e.max === 1 ? '' : 's'} per run.` });
        }
        const t = e.ast.target;
        if (t.kind === 'FanOut' && inRange(t.end)) {
          out.push({ offset: t.end, label: `⇉ ${t.calls.length}`, kind: 'parameter', paddingLeft: true, tooltip: `Static fan-out: ${t.calls.length} nodes run in parallel.` });
        } else if (t.kind === 'NodeCall' && t.forEach?.max && inRange(t.forEach.end)) {
          const width = t.forEach.max.value;
          out.push({ offset: t.forEach.end, label: `⇉ ≤ ${width}`, kind: 'parameter', paddingLeft: true, tooltip: `Dynamic fan-out: at most ${width} runs of \`${t.name.text}\`, ${g.model.concurrency} at a time.` });
        }
      }
    }
  }
  return out;
}
