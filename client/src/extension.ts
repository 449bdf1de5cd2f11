// The VS Code extension: thin glue around the language server. Activation registers the commands,
// the status bar item, the output channel and the diagram panel's serializer, and returns at
// once; the language client (a separate bundle, dist/client-lsp.js) is loaded and started right
// after, so opening the first .agentgraph file stays fast. Everything that understands specs runs
// in the server (dist/server.js); the diagram is drawn by the webview (dist/webview.js).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAgentGraphDocument, LANGUAGE_ID, serverInitializationOptions } from './config.ts';
import type { CrashDecision } from './crash-policy.ts';
import { DIAGRAM_VIEW_TYPE, DiagramPanel } from './diagram-panel.ts';
import { exportDiagram, exportToolSchemas } from './exports.ts';
import type * as Lsp from './language-client.ts';
import { StatusBar } from './status-bar.ts';
import { RunBus } from './run/bus.ts';
import { registerTraceViewer } from './trace/register.ts';
import { registerTestExplorer } from './testing/controller.ts';
import { registerLastRun } from './run/last-run-feed.ts';
import { registerDebugger } from './debug/register.ts';
import { registerRunCommands } from './run/run-command.ts';

/** Commands this extension implements that the server's code lenses may invoke. */
const LENS_COMMANDS = ['agentgraph.showDiagram', 'agentgraph.runEval', 'agentgraph.runGraph'];

/** What `activate` returns: used by the desktop test suite and by other extensions. */
export interface AgentGraphApi {
  /** Resolves when the language server is running (rejects when it could not start). */
  ready: Promise<void>;
  /** Sends a custom request to the server (undefined when it is not running). */
  request<R>(method: string, params: unknown): Promise<R | undefined>;
  /** Milliseconds `activate` took. */
  activationMs: number;
}

let extension: Extension | undefined;

export function activate(context: vscode.ExtensionContext): AgentGraphApi {
  const t0 = performance.now();
  try {
    extension = new Extension(context);
    const activationMs = performance.now() - t0;
    extension.log(`[client] AgentGraph ${String(context.extension?.packageJSON?.version ?? '')} activated in ${activationMs.toFixed(1)} ms`);
    return { ready: extension.ready, request: (m, p) => extension!.request(m, p), activationMs };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`AgentGraph failed to activate: ${message}`);
    throw err;
  }
}

export async function deactivate(): Promise<void> {
  const e = extension;
  extension = undefined;
  await e?.stop();
}

type ClientArgs = { uri?: string; name?: string } | vscode.Uri | undefined;

class Extension {
  readonly output: vscode.LogOutputChannel;
  readonly ready: Promise<void>;
  private client: Lsp.AgentGraphClient | undefined;
  private readonly status: StatusBar;
  private readonly diagram: DiagramPanel;
  /** Every execution started from the editor publishes its events here; run views listen. */
  readonly runs: RunBus;
  private stopping = false;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('AgentGraph', { log: true });
    context.subscriptions.push(this.output);
    const request = <R>(method: string, params: unknown) => this.request<R>(method, params);
    this.status = new StatusBar(request);
    this.diagram = new DiagramPanel(context.extensionUri, request, (m) => this.log(m));
    context.subscriptions.push(this.status, this.diagram);
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(DIAGRAM_VIEW_TYPE, this.diagram));

    const command = (id: string, run: (...args: never[]) => unknown) =>
      context.subscriptions.push(
        vscode.commands.registerCommand(id, async (...args: never[]) => {
          try {
            return await run(...args);
          } catch (err) {
            this.fail(`"${id}" failed`, err);
            return undefined;
          }
        }),
      );
    command('agentgraph.showDiagram', (arg: ClientArgs) => this.showDiagram(arg));
    command('agentgraph.exportDiagram', async (arg: ClientArgs) => {
      const spec = this.specUri(arg);
      if (spec) await exportDiagram(spec, this.diagram, request, (m) => this.log(m));
    });
    command('agentgraph.exportToolSchemas', async (arg: ClientArgs) => {
      const spec = this.specUri(arg);
      if (spec) await exportToolSchemas(spec, request, (m) => this.log(m));
    });
    command('agentgraph.restartServer', () => this.restart());
    command('agentgraph.showOutput', () => this.output.show(true));
    command('agentgraph.openExample', () => this.openExample());

    this.runs = new RunBus();
    context.subscriptions.push(this.runs);
    // Feature registrations: one line each, so features stay in their own files.
    // (run, debug, trace viewer, test explorer and last-run lenses register here.)
    registerTraceViewer({ context, runs: this.runs, log: (m) => this.log(m) });
    registerLastRun({ context, runs: this.runs, diagram: this.diagram, request, log: (m) => this.log(m) });
    context.subscriptions.push(registerTestExplorer({ context, request, log: (m) => this.log(m) }));
    registerDebugger({ context, runs: this.runs, log: (m) => this.log(m) });
    registerRunCommands({ context, runs: this.runs, log: (m) => this.log(m) });
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('agentgraph.server')) void this.offerRestart();
      }),
    );

    // Start the server after activation returns: loading the client library is the slow part.
    this.ready = new Promise<void>((resolve, reject) => setImmediate(() => this.start().then(resolve, reject)));
    this.ready.catch(() => undefined); // Reported by start(); callers awaiting `ready` still see it.
  }

  log(message: string): void {
    this.output.appendLine(message);
  }

  async request<R>(method: string, params: unknown): Promise<R | undefined> {
    if (!this.client) {
      try {
        await this.ready;
      } catch {
        return undefined;
      }
    }
    if (!this.client?.isRunning()) return undefined;
    return this.client.sendRequest<R>(method, params);
  }

  private async start(): Promise<void> {
    const t0 = performance.now();
    try {
      const lspPath = path.join(this.context.extensionPath, 'dist', 'client-lsp.js');
      // A separate bundle, loaded on demand (see the file comment); `require` is Node's here.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lsp = require(lspPath) as typeof Lsp;
      this.client = lsp.createClient({
        serverModule: path.join(this.context.extensionPath, 'dist', 'server.js'),
        output: this.output,
        initializationOptions: serverInitializationOptions(LENS_COMMANDS),
        onState: (s) => this.status.setServerState(s),
        onCrash: (d) => this.onCrash(d),
      });
      await this.client.start();
      this.log(`[client] language server started in ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (err) {
      this.status.setServerState('stopped');
      this.fail('the language server could not start', err, true);
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.stop().catch(() => undefined);
  }

  private async restart(): Promise<void> {
    this.log('[client] restarting the language server');
    if (!this.client) {
      await this.start().catch(() => undefined);
      return;
    }
    try {
      await this.client.restart();
      this.log('[client] language server restarted');
    } catch (err) {
      this.fail('the language server could not restart', err, true);
    }
  }

  private onCrash(d: CrashDecision): void {
    if (this.stopping) return;
    if (d.restart) {
      void this.choose(
        vscode.window.showWarningMessage(`The AgentGraph language server crashed and was restarted (${d.crashes} of ${d.maxRestarts} restarts in 3 minutes).`, 'Show Output'),
      );
    } else {
      void this.choose(
        vscode.window.showErrorMessage(`The AgentGraph language server crashed ${d.crashes} times in 3 minutes and was not restarted.`, 'Show Output', 'Restart'),
      );
    }
  }

  /** Shows an error with "Show Output" (and "Restart" for server problems); never swallows it silently. */
  private fail(what: string, err: unknown, offerRestart = false): void {
    const message = err instanceof Error ? err.message : String(err);
    this.log(`[error] ${what}: ${err instanceof Error ? (err.stack ?? message) : message}`);
    const actions = offerRestart ? ['Show Output', 'Restart'] : ['Show Output'];
    void this.choose(vscode.window.showErrorMessage(`AgentGraph: ${what}: ${message}`, ...actions));
  }

  private async choose(answer: Thenable<string | undefined>): Promise<void> {
    const choice = await answer;
    if (choice === 'Show Output') this.output.show(true);
    else if (choice === 'Restart') await this.restart();
  }

  private async offerRestart(): Promise<void> {
    const choice = await vscode.window.showInformationMessage('AgentGraph server settings changed. Restart the language server to apply them?', 'Restart');
    if (choice === 'Restart') await this.restart();
  }

  /** The spec a command is about: its argument (a lens's `{ uri }` or an explorer Uri), else the active editor. */
  private specUri(arg: ClientArgs): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) return arg;
    if (arg && typeof arg === 'object' && typeof arg.uri === 'string') return vscode.Uri.parse(arg.uri, true);
    const doc = vscode.window.activeTextEditor?.document;
    if (isAgentGraphDocument(doc)) return doc.uri;
    if (this.diagram.documentUri) return this.diagram.documentUri;
    void vscode.window.showInformationMessage('AgentGraph: open an .agentgraph file first.');
    return undefined;
  }

  private async showDiagram(arg: ClientArgs): Promise<void> {
    const uri = this.specUri(arg);
    if (!uri) return;
    const graph = arg && !(arg instanceof vscode.Uri) && typeof arg.name === 'string' ? arg.name : undefined;
    const editor = vscode.window.activeTextEditor;
    const position = editor?.document.uri.toString() === uri.toString() ? editor.selection.active : undefined;
    await this.diagram.show(uri, graph, position);
  }

  private async openExample(): Promise<void> {
    const file = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'walkthrough', 'example.agentgraph');
    const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
}
