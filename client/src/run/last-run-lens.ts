// The last run in the editor: a code lens above each agent, human, tool or sub-graph declaration
// that the last finished run of its graph reached, e.g. `⏱ 1.2 s · $0.0031 · 2 attempts`
// (last-run-lines.ts says where and what). Clicking it opens the run's trace. Refreshed when a run
// ends; off with `agentgraph.run.showLastRunInEditor`.

import * as vscode from 'vscode';
import { DIAGRAM_METHOD, type DiagramParams, type DiagramResult } from '../../../server/src/lsp/custom/protocol.ts';
import type { Requester } from '../status-bar.ts';
import type { LastRuns } from './last-run-feed.ts';
import { linesFromDiagram, linesFromText, mergeLines, type LastRunLine } from './last-run-lines.ts';

export function showLastRunInEditor(): boolean {
  return vscode.workspace.getConfiguration('agentgraph.run').get<boolean>('showLastRunInEditor', true);
}

export class LastRunLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly runs: LastRuns,
    private readonly request: Requester,
  ) {
    this.disposables.push(
      runs.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('agentgraph.run.showLastRunInEditor')) this.changed.fire();
      }),
    );
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const finished = this.runs.all();
    if (!showLastRunInEditor() || finished.length === 0) return [];
    const uri = doc.uri.toString();
    const perRun: LastRunLine[][] = [];
    for (const { snapshot: run } of finished) {
      let diagram: DiagramResult | undefined;
      try {
        const params: DiagramParams = { uri: run.specUri, graph: run.graph, collapseSupervisors: false };
        diagram = await this.request<DiagramResult>(DIAGRAM_METHOD, params);
      } catch {
        diagram = undefined;
      }
      if (token.isCancellationRequested) return [];
      if (diagram && diagram.graph === run.graph) perRun.push(linesFromDiagram(run, diagram, uri));
      else if (run.specUri === uri) perRun.push(linesFromText(run, doc.getText()));
    }
    return mergeLines(perRun).map((l) => {
      const range = new vscode.Range(l.line, 0, l.line, 0);
      const tooltip = `Last run${l.runId ? ` ${l.runId}` : ''} of ${l.node}${l.tracePath ? ': click to open its trace' : ''}`;
      const command: vscode.Command = l.tracePath
        ? { title: l.text, tooltip, command: 'agentgraph.openTrace', arguments: [vscode.Uri.file(l.tracePath)] }
        : { title: l.text, tooltip, command: '' };
      return new vscode.CodeLens(range, command);
    });
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
