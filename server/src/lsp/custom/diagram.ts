// `agentgraph/diagram`: the live architecture diagram of one graph, computed here in the language
// server (which already holds the analysis) so the extension client stays light. The handler
// compiles the current analysis to IR and runs the pure `generateDiagram`. While the spec has
// errors, the last good diagram of the document is kept and returned with `stale: true`, so the
// picture does not flicker or vanish while someone is typing; a document that never checked
// cleanly still gets a best-effort diagram of its current text.

import { generateDiagram } from '../../diagram/mermaid.ts';
import type { IR } from '../../ir/schema.ts';
import type { LanguageWorkspace } from '../workspace-api.ts';
import { activeGraph, declarationExtents, irOf, localGraphs, severityCounts } from './common.ts';
import type { CustomSourceRef, DiagramParams, DiagramResult } from './protocol.ts';

/** Node count above which supervisors are drawn collapsed unless the client says otherwise. */
export const DEFAULT_COLLAPSE_THRESHOLD = 60;
/** Documents whose last good diagram is remembered (least recently used are dropped). */
const MAX_REMEMBERED = 64;

interface Snapshot {
  ir: IR;
  /** Graphs declared in the file (or every graph when it declares none). */
  graphs: string[];
  extents: Map<string, CustomSourceRef>;
}

export class DiagramService {
  private readonly lastGood = new Map<string, Snapshot>();

  constructor(private readonly workspace: LanguageWorkspace) {}

  /** Forgets a document's last good diagram (e.g. when it is closed). */
  forget(uri: string): void {
    this.lastGood.delete(uri);
  }

  diagram(params: DiagramParams): DiagramResult {
    const empty = (message: string, errors = 0): DiagramResult => ({
      uri: params.uri,
      graphs: [],
      graph: undefined,
      mermaid: '',
      nodes: [],
      errors,
      stale: false,
      nodeCount: 0,
      collapsed: false,
      extents: {},
      uris: {},
      message,
    });
    const analysis = this.workspace.getAnalysis(params.uri);
    if (!analysis) return empty('This document could not be read or analysed; see the AgentGraph output.');
    const { errors } = severityCounts(analysis);

    let snapshot: Snapshot | undefined;
    let stale = false;
    if (errors === 0) {
      snapshot = this.snapshotOf(analysis);
      this.remember(params.uri, snapshot);
    } else {
      snapshot = this.lastGood.get(params.uri);
      if (snapshot) stale = true;
      else {
        // Never checked cleanly: draw what the current text gives, if it compiles at all.
        try {
          snapshot = this.snapshotOf(analysis);
        } catch (err) {
          this.workspace.log(`[diagram] no diagram for ${params.uri} while it has errors: ${err instanceof Error ? err.message : String(err)}`);
          return empty(`Fix the ${errors} error${errors === 1 ? '' : 's'} in this spec to see its diagram.`, errors);
        }
      }
    }

    const { ir, graphs } = snapshot;
    let graph = params.graph !== undefined && graphs.includes(params.graph) ? params.graph : undefined;
    if (graph === undefined) graph = activeGraph(analysis, params.position);
    if (graph === undefined || !graphs.includes(graph)) graph = graphs[0];
    const g = graph === undefined ? undefined : ir.graphs.find((x) => x.name === graph);
    if (!g) {
      const out = empty('This spec declares no graph yet. Add `graph Name(input: T) -> R { start -> … }` to see a diagram.', errors);
      out.graphs = graphs;
      return out;
    }

    const nodeCount = g.nodes.length;
    const collapsed = params.collapseSupervisors ?? (g.supervisors.length > 0 && nodeCount > (params.collapseThreshold ?? DEFAULT_COLLAPSE_THRESHOLD));
    const d = generateDiagram(ir, { graph: g.name, direction: params.direction ?? 'TD', collapseSupervisors: collapsed, expanded: params.expanded ?? [] });
    if (!d) return empty(`Graph '${g.name}' could not be drawn.`, errors);

    const extents: Record<string, CustomSourceRef> = {};
    const uris: Record<string, string> = {};
    const noteFile = (f: string) => {
      if (!(f in uris)) uris[f] = this.workspace.pathToUri(f);
    };
    for (const n of d.nodes) {
      if (n.range) noteFile(n.range.file);
      let extent: CustomSourceRef | undefined;
      if (n.kind === 'agent' || n.kind === 'human' || n.kind === 'tool' || n.kind === 'graph') extent = snapshot.extents.get(n.name);
      else if (n.kind === 'supervisor') extent = n.range;
      if (extent) {
        extents[n.id] = extent;
        noteFile(extent.file);
      }
    }
    return {
      uri: params.uri,
      graphs,
      graph: d.graph,
      mermaid: d.mermaid,
      nodes: d.nodes.map((n) => (n.range ? { id: n.id, name: n.name, kind: n.kind, range: n.range, hover: n.hover } : { id: n.id, name: n.name, kind: n.kind, hover: n.hover })),
      errors,
      stale,
      nodeCount,
      collapsed,
      extents,
      edges: d.edges.map((e) => ({ edgeId: e.edgeId, linkId: e.linkId, sources: e.sources, targets: e.targets })),
      uris,
    };
  }

  private snapshotOf(analysis: Parameters<typeof irOf>[0]): Snapshot {
    const ir = irOf(analysis);
    const local = localGraphs(analysis);
    return { ir, graphs: local.length > 0 ? local : ir.graphs.map((g) => g.name), extents: declarationExtents(analysis) };
  }

  private remember(uri: string, s: Snapshot): void {
    this.lastGood.delete(uri);
    this.lastGood.set(uri, s);
    while (this.lastGood.size > MAX_REMEMBERED) {
      const oldest = this.lastGood.keys().next().value;
      if (oldest === undefined) break;
      this.lastGood.delete(oldest);
    }
  }
}
