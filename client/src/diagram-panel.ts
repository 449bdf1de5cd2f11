// The live architecture diagram: one webview panel beside the editor showing one graph of one
// spec. The diagram itself (Mermaid text, node ranges, hovers) comes from the language server's
// `agentgraph/diagram`; the webview (dist/webview.js) renders it. This class moves messages both
// ways (webview/src/protocol.ts): edits update the diagram (debounced), a click on a node reveals
// its declaration, the cursor on a declaration highlights its node, theme changes are forwarded,
// and a reload restores the panel through the serializer.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { DIAGRAM_METHOD, type DiagramParams, type DiagramResult } from '../../server/src/lsp/custom/protocol.ts';
import type { FromWebview, RunSnapshot, SourceRef, ToWebview, WebviewState } from '../../webview/src/protocol.ts';
import { diagramSettings, isAgentGraphDocument } from './config.ts';
import type { Requester } from './status-bar.ts';
import { nodeAt } from './node-at.ts';
import { makeNonce, webviewHtml } from './webview-html.ts';

export const DIAGRAM_VIEW_TYPE = 'agentgraph.diagram';

type ThemeKindName = Extract<ToWebview, { type: 'theme' }>['kind'];

export function themeKindName(kind: vscode.ColorThemeKind): ThemeKindName {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return 'light';
    case vscode.ColorThemeKind.HighContrast:
      return 'high-contrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'high-contrast-light';
    default:
      return 'dark';
  }
}

/** A button of the run header was pressed (see client/src/run/last-run-feed.ts). */
export interface RunActionRequest {
  action: 'cancel' | 'openTrace' | 'clear';
  session: string;
}

interface PendingSvg {
  resolve(svg: string): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class DiagramPanel implements vscode.WebviewPanelSerializer<WebviewState>, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** The spec shown. */
  private docUri: vscode.Uri | undefined;
  /** The graph chosen (by the picker, a code lens or the restored state); undefined: the server picks. */
  private graph: string | undefined;
  private position: vscode.Position | undefined;
  private readonly expanded = new Set<string>();
  private last: DiagramResult | undefined;
  private lastPosted: string | undefined;
  private lastHighlight: string | undefined;
  private webviewReady = false;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private pendingSvg: PendingSvg | undefined;
  private lastSvg: string | undefined;
  private renderWaiters: (() => void)[] = [];
  /** Milliseconds the webview reported for its last render (for benchmarks and the log). */
  lastRenderMs: number | undefined;
  /** The run shown over the diagram; kept here so a reloaded or reopened view shows it again. */
  private run: RunSnapshot | undefined;
  private readonly runActions = new vscode.EventEmitter<RunActionRequest>();
  /** Cancel, Open Trace or Clear was pressed in the run header. */
  readonly onDidRunAction = this.runActions.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly request: Requester,
    private readonly log: (message: string) => void,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && this.docUri && e.document.uri.toString() === this.docUri.toString() && e.contentChanges.length > 0) this.scheduleUpdate();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        // Imports, prompt files and datasets change the picture too; their edits re-check this spec.
        if (this.panel && this.docUri && e.uris.some((u) => u.toString() === this.docUri!.toString())) this.scheduleUpdate();
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!this.panel || !editor || !isAgentGraphDocument(editor.document) || !diagramSettings().followActiveEditor) return;
        if (editor.document.uri.toString() === this.docUri?.toString()) return;
        this.setDocument(editor.document.uri, undefined, editor.selection.active);
        void this.update();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e.textEditor)),
      vscode.window.onDidChangeActiveColorTheme((t) => this.post({ type: 'theme', kind: themeKindName(t.kind) })),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.panel && e.affectsConfiguration('agentgraph.diagram')) void this.update();
      }),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The latest diagram received from the server, if any. */
  get current(): DiagramResult | undefined {
    return this.last;
  }

  get documentUri(): vscode.Uri | undefined {
    return this.docUri;
  }

  /** The graph shown (or about to be), when known. */
  get graphName(): string | undefined {
    return this.graph ?? this.last?.graph;
  }

  /** Shows a run over the diagram (the webview draws it when it is a run of the graph on screen); undefined clears it. */
  setRun(run: RunSnapshot | undefined): void {
    this.run = run;
    if (this.webviewReady) this.post({ type: 'run', run });
  }

  /** Opens (or reveals) the panel beside the editor, showing `uri` (and `graph`, when given). */
  async show(uri: vscode.Uri, graph?: string, position?: vscode.Position): Promise<void> {
    const sameDoc = this.docUri?.toString() === uri.toString();
    this.setDocument(uri, graph ?? (sameDoc ? this.graph : undefined), position);
    if (this.panel) this.panel.reveal(undefined, true);
    else {
      const panel = vscode.window.createWebviewPanel(DIAGRAM_VIEW_TYPE, 'Diagram', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
      this.attach(panel);
    }
    await this.update();
  }

  /** Restores a panel after a window reload (registered with registerWebviewPanelSerializer). */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: WebviewState | undefined): Promise<void> {
    if (this.panel) {
      // Only one diagram panel at a time: the restored one replaces nothing, it is closed.
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
    let uri: vscode.Uri | undefined;
    if (state && typeof state.uri === 'string' && state.uri) {
      try {
        uri = vscode.Uri.parse(state.uri, true);
      } catch {
        uri = undefined;
      }
    }
    const active = vscode.window.activeTextEditor?.document;
    if (!uri && isAgentGraphDocument(active)) uri = active.uri;
    if (!uri) {
      this.post({ type: 'error', message: 'Open an .agentgraph file and run "AgentGraph: Show Architecture Diagram".' });
      return;
    }
    this.setDocument(uri, state?.graph || undefined, undefined);
    await this.update();
  }

  /** The rendered diagram as SVG markup, asked from the webview (opens the panel when needed). */
  async renderedSvg(uri: vscode.Uri, graph: string | undefined, timeoutMs = 20_000): Promise<string> {
    if (!this.panel || this.docUri?.toString() !== uri.toString() || (graph !== undefined && graph !== this.last?.graph)) {
      const rendered = this.waitForRender(timeoutMs);
      await this.show(uri, graph);
      await rendered;
    } else if (!this.webviewReady) {
      await this.waitForRender(timeoutMs);
    }
    if (this.pendingSvg) this.pendingSvg.reject(new Error('superseded by a newer export'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingSvg = undefined;
        if (this.lastSvg) resolve(this.lastSvg);
        else reject(new Error('The diagram view did not return its SVG. Is the diagram rendered?'));
      }, timeoutMs);
      this.pendingSvg = {
        resolve: (svg) => {
          clearTimeout(timer);
          resolve(svg);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
        timer,
      };
      this.post({ type: 'requestSvg' });
    });
  }

  /** Recomputes the diagram now. */
  async update(): Promise<void> {
    if (this.updateTimer) clearTimeout(this.updateTimer);
    this.updateTimer = undefined;
    const uri = this.docUri;
    if (!this.panel || !uri) return;
    const gen = ++this.generation;
    const settings = diagramSettings();
    const params: DiagramParams = {
      uri: uri.toString(),
      expanded: [...this.expanded],
      direction: settings.direction,
      collapseThreshold: settings.collapseThreshold,
    };
    if (this.graph !== undefined) params.graph = this.graph;
    else if (this.position) params.position = { line: this.position.line, character: this.position.character };
    let result: DiagramResult | undefined;
    try {
      result = await this.request<DiagramResult>(DIAGRAM_METHOD, params);
    } catch (err) {
      if (gen !== this.generation) return;
      this.log(`[diagram] request failed: ${err instanceof Error ? err.message : String(err)}`);
      this.post({ type: 'error', message: 'The language server could not compute the diagram. See the AgentGraph output for details.' });
      return;
    }
    if (gen !== this.generation || !this.panel) return;
    if (!result) {
      this.post({ type: 'error', message: 'The AgentGraph language server is not running. Run "AgentGraph: Restart Language Server".' });
      return;
    }
    this.last = result;
    if (result.graph !== undefined && this.graph === undefined) this.graph = result.graph;
    this.panel.title = result.graph ? `Diagram: ${result.graph}` : 'Diagram';
    this.postDiagram();
    const editor = vscode.window.activeTextEditor;
    if (editor) this.onSelection(editor);
  }

  private scheduleUpdate(): void {
    if (this.updateTimer) clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => void this.update(), diagramSettings().updateDelayMs);
  }

  private setDocument(uri: vscode.Uri, graph: string | undefined, position: vscode.Position | undefined): void {
    if (this.docUri?.toString() !== uri.toString()) {
      this.expanded.clear();
      this.last = undefined;
      this.lastPosted = undefined;
      this.lastHighlight = undefined;
    }
    this.docUri = uri;
    this.graph = graph;
    this.position = position;
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.webviewReady = false;
    this.lastPosted = undefined;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'file-icon.svg');
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => this.detach()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible && this.last) this.postDiagram(true);
      }),
    );
  }

  private detach(): void {
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.panel = undefined;
    this.webviewReady = false;
    this.lastPosted = undefined;
    this.lastHighlight = undefined;
    if (this.updateTimer) clearTimeout(this.updateTimer);
    this.updateTimer = undefined;
    this.pendingSvg?.reject(new Error('The diagram was closed.'));
    this.pendingSvg = undefined;
  }

  private html(webview: vscode.Webview): string {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const css = vscode.Uri.joinPath(dist, 'webview.css');
    const hasCss = css.scheme !== 'file' || existsSync(css.fsPath);
    const hasScript = vscode.Uri.joinPath(dist, 'webview.js');
    const missing = hasScript.scheme === 'file' && !existsSync(hasScript.fsPath);
    return webviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(hasScript).toString(),
      styleUri: hasCss ? webview.asWebviewUri(css).toString() : undefined,
      loadingText: missing ? 'The diagram view is not built (dist/webview.js is missing). Run `npm run build`.' : 'Loading the diagram…',
    });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.webviewReady = true;
        this.post({ type: 'theme', kind: themeKindName(vscode.window.activeColorTheme.kind) });
        if (this.run) this.post({ type: 'run', run: this.run });
        if (this.last) this.postDiagram(true);
        else void this.update();
        return;
      case 'reveal':
        await this.reveal(m.range);
        return;
      case 'selectGraph':
        if (m.graph !== this.graph) {
          this.graph = m.graph;
          this.expanded.clear();
          await this.update();
        }
        return;
      case 'expandSupervisor':
        this.expanded.add(m.name);
        await this.update();
        return;
      case 'rendered': {
        this.webviewReady = true;
        this.lastRenderMs = m.ms;
        this.log(`[diagram] ${m.graph}: ${m.nodeCount} nodes rendered in ${Math.round(m.ms)} ms`);
        const waiters = this.renderWaiters;
        this.renderWaiters = [];
        for (const w of waiters) w();
        return;
      }
      case 'exportSvg':
        this.lastSvg = m.svg;
        this.pendingSvg?.resolve(m.svg);
        this.pendingSvg = undefined;
        return;
      case 'log':
        this.log(`[webview] ${m.message}`);
        return;
      case 'runAction':
        if ((m.action === 'cancel' || m.action === 'openTrace' || m.action === 'clear') && typeof m.session === 'string') {
          if (m.action === 'clear' && this.run?.session === m.session) this.run = undefined;
          this.runActions.fire({ action: m.action, session: m.session });
        }
        return;
    }
  }

  private waitForRender(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('The diagram did not render in time.')), timeoutMs);
      this.renderWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async reveal(range: SourceRef): Promise<void> {
    const uriString = this.last?.uris[range.file];
    const uri = uriString ? vscode.Uri.parse(uriString, true) : vscode.Uri.file(range.file);
    const start = new vscode.Position(range.start.line, range.start.character);
    const end = new vscode.Position(range.end.line, range.end.character);
    // Reuse the editor column that already shows the file; else the first column (the diagram is beside it).
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: new vscode.Range(start, end) });
      editor.selection = new vscode.Selection(start, end);
      editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      void vscode.window.showErrorMessage(`AgentGraph: cannot open ${uri.fsPath || uri.toString()}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private onSelection(editor: vscode.TextEditor): void {
    if (!this.panel || !this.last || !isAgentGraphDocument(editor.document)) return;
    const pos = editor.selection.active;
    const uri = editor.document.uri.toString();
    const inThisDiagram = uri === this.docUri?.toString() || Object.values(this.last.uris).includes(uri);
    if (!inThisDiagram) return;
    const id = nodeAt(this.last, uri, editor.document.uri.fsPath, pos.line, pos.character);
    if (id === this.lastHighlight) return;
    this.lastHighlight = id;
    this.post({ type: 'highlight', nodeId: id });
  }

  private postDiagram(force = false): void {
    const r = this.last;
    if (!r || !this.docUri) return;
    if (r.graph === undefined) {
      this.post({ type: 'error', message: r.message ?? 'Nothing to draw.' });
      return;
    }
    const msg: ToWebview = {
      type: 'diagram',
      uri: this.docUri.toString(),
      graph: r.graph,
      graphs: r.graphs,
      mermaid: r.mermaid,
      nodes: r.nodes,
      stale: r.stale,
      errors: r.errors,
      nodeCount: r.nodeCount,
    };
    if (r.edges) msg.edges = r.edges;
    const key = JSON.stringify(msg);
    if (!force && key === this.lastPosted) return;
    this.lastPosted = key;
    this.post(msg);
  }

  private post(message: ToWebview): void {
    if (!this.panel) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  dispose(): void {
    this.panel?.dispose();
    this.runActions.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
