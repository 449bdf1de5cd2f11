// The live trace panel: follows the newest execution on the run bus (a run, a debug session, a
// fault simulation) in the trace webview, as its events arrive. Events are batched (batcher.ts)
// and the webview draws at most once per animation frame. The last execution's events are kept,
// so "Show Live Trace" after a run still shows it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';
import type { RunBus, RunSessionInfo } from '../run/bus.ts';
import { Batcher } from './batcher.ts';
import { TraceWebview } from './trace-webview.ts';

export const LIVE_TRACE_VIEW_TYPE = 'agentgraph.liveTrace';

export interface LiveTraceOptions {
  extensionUri: vscode.Uri;
  runs: RunBus;
  log: (message: string) => void;
  compareWith: (trace: vscode.Uri) => void;
}

export class LiveTrace implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private view: TraceWebview | undefined;
  private session: RunSessionInfo | undefined;
  private events: RunEvent[] = [];
  private ended: { error?: string; tracePath?: string } | undefined;
  private readonly batcher = new Batcher<RunEvent>((events) => this.view?.post({ type: 'events', events }));
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly o: LiveTraceOptions) {
    this.subscriptions.push(
      o.runs.onDidStart((s) => this.follow(s)),
      o.runs.onDidEvent(({ session, event }) => {
        if (session.id !== this.session?.id) return;
        this.events.push(event);
        this.batcher.push(event);
      }),
      o.runs.onDidEnd((m) => {
        if (m.session.id !== this.session?.id) return;
        this.ended = { error: m.error, tracePath: m.tracePath };
        this.batcher.flush();
        this.view?.post({ type: 'ended', error: m.error });
      }),
    );
  }

  private title(): string {
    return this.session ? `${this.session.graph} (${this.session.kind}, live)` : 'Live trace';
  }

  /**
   * A new execution started: the panel follows it. The animated diagram is the first thing a run
   * should show, and every panel opened "beside" lands in the diagram's group, so the live trace
   * never pushes the diagram to the background: an open panel follows the run where it is, and a
   * closed one opens by itself only when the diagram will not show runs
   * (`agentgraph.run.showDiagram` off). Otherwise the diagram's Open Trace button opens it.
   */
  private follow(s: RunSessionInfo): void {
    this.batcher.clear();
    this.session = s;
    this.events = [];
    this.ended = undefined;
    const diagramShowsRuns = vscode.workspace.getConfiguration('agentgraph.run').get<boolean>('showDiagram', true);
    if (this.panel) this.show(true, false);
    else if (!diagramShowsRuns && s.kind !== 'eval') this.show(true);
  }

  /** Opens (or reveals, unless `reveal` is false) the panel and sends it everything of the current execution. */
  show(preserveFocus = false, reveal = true): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(LIVE_TRACE_VIEW_TYPE, this.title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, { retainContextWhenHidden: true });
      this.view = new TraceWebview(this.panel.webview, {
        extensionUri: this.o.extensionUri,
        title: 'Live trace',
        root: () => (this.session ? vscode.workspace.getWorkspaceFolder(this.session.specUri)?.uri.fsPath ?? path.dirname(this.session.specUri.fsPath) : undefined),
        onCompareWith: () => {
          if (this.ended?.tracePath) this.o.compareWith(vscode.Uri.file(this.ended.tracePath));
          else void vscode.window.showInformationMessage('AgentGraph: this run has no trace file to compare (yet).');
        },
        log: this.o.log,
      });
      this.panel.onDidDispose(() => {
        this.view?.dispose();
        this.view = undefined;
        this.panel = undefined;
        this.batcher.clear();
      });
    } else if (reveal) this.panel.reveal(undefined, preserveFocus);
    this.panel.title = this.title();
    this.batcher.clear();
    this.view!.post({ type: 'live', title: this.title(), provider: this.session?.provider });
    for (let i = 0; i < this.events.length; i += 2000) this.view!.post({ type: 'events', events: this.events.slice(i, i + 2000) });
    if (this.ended) this.view!.post({ type: 'ended', error: this.ended.error });
  }

  dispose(): void {
    this.batcher.clear();
    for (const s of this.subscriptions) s.dispose();
    this.panel?.dispose();
  }
}
