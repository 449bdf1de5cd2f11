// Where the last-run lenses go and what they say, without `vscode`: the declarations of the nodes a
// finished run reached (from the `agentgraph/diagram` result's extents, which follow edits), or,
// when the server gives no diagram, the first `agent|human|tool|graph <name>` line of the spec.

import type { DiagramResult } from '../../../server/src/lsp/custom/protocol.ts';
import type { RunNodeState, RunSnapshot } from '../../../webview/src/protocol.ts';
import { lastRunText } from '../../../webview/src/run-format.ts';

export interface LastRunLine {
  /** Zero-based line of the declaration. */
  line: number;
  node: string;
  text: string;
  runId?: string;
  tracePath?: string;
}

const DECLARED = new Set(['agent', 'human', 'tool', 'graph']);

function lineFor(run: RunSnapshot, n: RunNodeState, line: number): LastRunLine {
  const out: LastRunLine = { line, node: n.name, text: lastRunText(n) };
  if (run.runId !== undefined) out.runId = run.runId;
  if (run.tracePath !== undefined) out.tracePath = run.tracePath;
  return out;
}

/** Lines in the document `docUri` for the nodes of `run`, found through the diagram of the run's graph. */
export function linesFromDiagram(run: RunSnapshot, diagram: DiagramResult, docUri: string): LastRunLine[] {
  const byName = new Map(run.nodes.filter((n) => n.executions > 0).map((n) => [n.name, n]));
  const out: LastRunLine[] = [];
  for (const node of diagram.nodes) {
    if (!DECLARED.has(node.kind)) continue;
    const n = byName.get(node.name);
    const extent = diagram.extents[node.id];
    if (!n || !extent || diagram.uris[extent.file] !== docUri) continue;
    out.push(lineFor(run, n, extent.start.line));
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines for the nodes of `run` declared in `text` (the spec itself), by their declaration keyword. */
export function linesFromText(run: RunSnapshot, text: string): LastRunLine[] {
  const out: LastRunLine[] = [];
  const lines = text.split(/\r?\n/);
  for (const n of run.nodes) {
    if (n.executions === 0) continue;
    const decl = new RegExp(`^\\s*(?:agent|human|tool|graph)\\s+${escapeRegExp(n.name)}\\b`);
    const line = lines.findIndex((l) => decl.test(l));
    if (line >= 0) out.push(lineFor(run, n, line));
  }
  return out;
}

/** One lens per declaration: the newest run wins when several runs reached the same node. */
export function mergeLines(perRun: LastRunLine[][]): LastRunLine[] {
  const byLine = new Map<number, LastRunLine>();
  for (const lines of perRun) for (const l of lines) byLine.set(l.line, l);
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
