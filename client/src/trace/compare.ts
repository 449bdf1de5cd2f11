// AgentGraph: Compare Runs. Two traces (the current one and another, or two picked from the recent
// runs) side by side node by node in the trace webview; the diff itself is
// webview/src/trace/diff.ts.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickRun } from './recent-runs.ts';
import { traceRoot } from './paths.ts';
import { TraceWebview } from './trace-webview.ts';

export const COMPARE_VIEW_TYPE = 'agentgraph.compareRuns';

const runName = (uri: vscode.Uri) => path.basename(path.dirname(uri.fsPath));

export async function compareRuns(o: { extensionUri: vscode.Uri; log: (m: string) => void }, first?: vscode.Uri, second?: vscode.Uri): Promise<void> {
  const a = first ?? (await pickRun('Compare Runs: pick the first run (A)'));
  if (!a) return;
  const b = second ?? (await pickRun(`Compare Runs: pick the run to compare with ${runName(a)} (B)`, a.fsPath));
  if (!b) return;
  const read = async (u: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
  const [left, right] = await Promise.all([read(a), read(b)]);
  const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `${runName(a)} ↔ ${runName(b)}`, vscode.ViewColumn.Active, {});
  const view = new TraceWebview(panel.webview, { extensionUri: o.extensionUri, title: 'Compare runs', root: () => traceRoot(a.fsPath), log: o.log });
  panel.onDidDispose(() => view.dispose());
  view.post({ type: 'compare', left: { title: runName(a), text: left }, right: { title: runName(b), text: right } });
}
