// The status bar item: spec health and the worst-case cost of the active graph, from the server's
// `agentgraph/status`. Refreshed when the active editor, its diagnostics or (debounced) its
// cursor change; shown only while an .agentgraph editor is active.

import * as vscode from 'vscode';
import { STATUS_METHOD, type StatusParams, type StatusResult } from '../../server/src/lsp/custom/protocol.ts';
import { isAgentGraphDocument, statusBarEnabled } from './config.ts';
import type { ServerState } from './language-client.ts';
import { statusView } from './status-format.ts';

export type Requester = <R>(method: string, params: unknown) => Promise<R | undefined>;

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private serverState: ServerState = 'starting';
  private generation = 0;

  constructor(private readonly request: Requester) {
    this.item = vscode.window.createStatusBarItem('agentgraph.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'AgentGraph';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshSoon(0)),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const doc = vscode.window.activeTextEditor?.document;
        if (isAgentGraphDocument(doc) && e.uris.some((u) => u.toString() === doc.uri.toString())) this.refreshSoon(50);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor && isAgentGraphDocument(e.textEditor.document)) this.refreshSoon(400);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('agentgraph.statusBar')) this.refreshSoon(0);
      }),
    );
    this.refreshSoon(0);
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.refreshSoon(0);
  }

  refreshSoon(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  private async refresh(): Promise<void> {
    this.timer = undefined;
    const editor = vscode.window.activeTextEditor;
    if (!statusBarEnabled() || !editor || !isAgentGraphDocument(editor.document)) {
      this.item.hide();
      return;
    }
    const gen = ++this.generation;
    if (this.serverState !== 'running') {
      this.show(
        this.serverState === 'starting' ? '$(sync~spin) AgentGraph' : '$(error) AgentGraph: server stopped',
        this.serverState === 'starting' ? 'The AgentGraph language server is starting.' : 'The AgentGraph language server is not running. Click to restart it.',
        this.serverState === 'starting' ? 'agentgraph.showOutput' : 'agentgraph.restartServer',
        this.serverState === 'stopped' ? 'error' : 'ok',
      );
      return;
    }
    const params: StatusParams = { uri: editor.document.uri.toString(), position: editor.selection.active };
    let result: StatusResult | undefined;
    try {
      result = await this.request<StatusResult>(STATUS_METHOD, params);
    } catch {
      result = undefined;
    }
    if (gen !== this.generation) return; // A newer refresh is under way.
    if (!result) {
      this.show('$(question) AgentGraph', 'No status from the language server.', 'agentgraph.showOutput', 'ok');
      return;
    }
    const v = statusView(result);
    this.show(v.text, v.tooltip, v.command, v.level);
  }

  private show(text: string, tooltip: string, command: string, level: 'ok' | 'warning' | 'error'): void {
    this.item.text = text;
    const md = new vscode.MarkdownString(tooltip);
    md.supportThemeIcons = true;
    this.item.tooltip = md;
    this.item.command = command;
    // Only errors (including a worst case over budget) colour the item; warnings stay quiet.
    this.item.backgroundColor = level === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
