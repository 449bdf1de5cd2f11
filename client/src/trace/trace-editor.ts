// The read-only custom editor for `.agentgraph/runs/*/trace.jsonl`: the file's text goes to the
// trace webview, which parses it (reporting malformed lines by number). A trace still being
// written (a run in progress in a terminal) is re-sent when the file changes.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { traceRoot } from './paths.ts';
import { TraceWebview } from './trace-webview.ts';

export const TRACE_VIEW_TYPE = 'agentgraph.trace';

export interface TraceEditorOptions {
  extensionUri: vscode.Uri;
  log: (message: string) => void;
  /** Compare Runs with this trace as the first run. */
  compareWith: (trace: vscode.Uri) => void;
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<vscode.CustomDocument> {
  constructor(private readonly o: TraceEditorOptions) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = document.uri;
    const title = `${path.basename(path.dirname(uri.fsPath))} (trace)`;
    const view = new TraceWebview(panel.webview, {
      extensionUri: this.o.extensionUri,
      title,
      root: () => traceRoot(uri.fsPath) ?? vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
      onCompareWith: () => this.o.compareWith(uri),
      log: this.o.log,
    });
    const load = async () => {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        view.post({ type: 'trace', title, text });
      } catch (err) {
        view.post({ type: 'trace', title, text: '' });
        this.o.log(`[trace] cannot read ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    let reload: ReturnType<typeof setTimeout> | undefined;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath)));
    watcher.onDidChange(() => {
      clearTimeout(reload);
      reload = setTimeout(() => void load(), 300);
    });
    panel.onDidDispose(() => {
      clearTimeout(reload);
      watcher.dispose();
      view.dispose();
    });
    await load();
  }
}
