// One trace webview (a custom editor, the live panel or a comparison): the page with its strict
// CSP (client/src/webview-html.ts) loading dist/trace.js and dist/trace.css, messages to it queued
// until it says `ready`, and its requests handled: reveal a span's declaration beside it, copy a
// payload, compare with another run.

import * as vscode from 'vscode';
import type { FromTraceView, ToTraceView } from '../../../webview/src/trace/protocol.ts';
import { makeNonce, webviewHtml } from '../webview-html.ts';
import { resolveSourceFile } from './paths.ts';

export interface TraceWebviewOptions {
  extensionUri: vscode.Uri;
  title: string;
  /** The workspace root the trace's relative source paths are resolved from. */
  root: () => string | undefined;
  onCompareWith?: () => void;
  log: (message: string) => void;
}

export class TraceWebview implements vscode.Disposable {
  private ready = false;
  private queue: ToTraceView[] = [];
  /** The last whole trace or comparison, sent again if the page reloads and says `ready` anew. */
  private last: ToTraceView | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly o: TraceWebviewOptions,
  ) {
    const dist = vscode.Uri.joinPath(o.extensionUri, 'dist');
    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'trace.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'trace.css')).toString(),
      title: o.title,
      loadingText: 'Loading the trace…',
    });
    this.subscriptions.push(webview.onDidReceiveMessage((m: FromTraceView) => void this.onMessage(m)));
  }

  post(message: ToTraceView): void {
    if (message.type === 'trace' || message.type === 'compare') this.last = message;
    else if (message.type === 'live') this.last = undefined;
    if (!this.ready) {
      // A new full trace or live start replaces whatever was waiting.
      if (message.type === 'trace' || message.type === 'live' || message.type === 'compare') this.queue = [];
      this.queue.push(message);
      return;
    }
    void this.webview.postMessage(message);
  }

  private async onMessage(m: FromTraceView): Promise<void> {
    switch (m.type) {
      case 'ready': {
        const reloaded = this.ready;
        this.ready = true;
        const queued = reloaded && this.last ? [this.last] : this.queue;
        this.queue = [];
        for (const q of queued) void this.webview.postMessage(q);
        break;
      }
      case 'reveal': {
        const file = resolveSourceFile(m.range.file, this.o.root());
        if (!file) {
          void vscode.window.showWarningMessage(`AgentGraph: cannot find ${m.range.file} (open the workspace the run belongs to).`);
          return;
        }
        const range = new vscode.Range(m.range.start.line, m.range.start.character, m.range.end.line, m.range.end.character);
        try {
          const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
          await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
        } catch (err) {
          void vscode.window.showWarningMessage(`AgentGraph: cannot open ${file}: ${err instanceof Error ? err.message : String(err)}`);
        }
        break;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.setStatusBarMessage('AgentGraph: copied to the clipboard', 2000);
        break;
      case 'compareWith':
        this.o.onCompareWith?.();
        break;
      case 'log':
        this.o.log(`[trace] ${m.message}`);
        break;
      case 'rendered':
        break;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
