// AgentGraph evals in VS Code's Test Explorer. Specs with `eval` blocks are discovered across the
// workspace lazily (when the Testing view asks), skipping what `agentgraph eval <folder>` skips
// (`.agentgraphignore`, dot-folders, node_modules); each file's evals and cases come from the
// server (`agentgraph/evals`) and are refreshed when the spec is edited or saved and when a dataset
// it reads changes. Runs go through the eval CLI in a child process (run-evals.ts). In an
// untrusted workspace nothing runs (an eval executes the spec's tools), but the items still show.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EVALS_METHOD, type EvalsResult } from '../../../server/src/lsp/custom/protocol.ts';
import { API_KEY_ENV, API_KEY_SECRET, providerSettings, resolveProvider } from '../run/provider-settings.ts';
import { declaresEval, IGNORE_FILE, isIgnored } from './ignore.ts';
import { fileItem, fillFileItem, type ItemData } from './items.ts';
import { OPEN_CASE_TRACE, planJobs, runJobs, type RunContext, type RunSettings } from './run-evals.ts';

export const RUN_EVAL = 'agentgraph.runEval';
export const CONTROLLER_ID = 'agentgraph.evals';

export interface TestExplorerOptions {
  context: vscode.ExtensionContext;
  /** Sends a custom request to the language server (undefined when it is not running). */
  request<R>(method: string, params: unknown): Promise<R | undefined>;
  log(message: string): void;
  /** Delay before an edit refreshes the tree (ms). */
  debounceMs?: number;
}

const UNTRUSTED =
  'Evals are not run in an untrusted workspace: running an eval executes the graph and the tools its spec declares. ' +
  'Trust this folder (Manage Workspace Trust) to run them.';

export class EvalTestController implements vscode.Disposable {
  readonly controller: vscode.TestController;
  readonly runProfile: vscode.TestRunProfile;
  private openaiProfile: vscode.TestRunProfile | undefined;
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  /** Spec URIs (strings) that read each dataset (absolute path). */
  private readonly datasets = new Map<string, Set<string>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly ctx: RunContext;

  constructor(private readonly o: TestExplorerOptions) {
    this.controller = vscode.tests.createTestController(CONTROLLER_ID, 'AgentGraph Evals');
    this.ctx = {
      controller: this.controller,
      data: this.data,
      cliPath: path.join(o.context.extensionPath, 'dist', 'cli.js'),
      resolveFile: (item) => this.refreshFile((this.data.get(item) as { uri: vscode.Uri }).uri),
      traces: new Map(),
      messageTraces: new WeakMap(),
      log: (m) => o.log(m),
    };
    this.controller.resolveHandler = (item) => (item ? this.ctx.resolveFile(item) : this.discover());
    this.controller.refreshHandler = () => this.discover();
    this.runProfile = this.controller.createRunProfile('Run (simulated provider)', vscode.TestRunProfileKind.Run, (r, t) => this.run(r, t, 'simulated'), true);
    void this.updateOpenAIProfile();

    const isSpec = (d: vscode.TextDocument) => d.languageId === 'agentgraph' || d.uri.path.endsWith('.agentgraph');
    const onDoc = (d: vscode.TextDocument) => {
      if (isSpec(d)) this.schedule(d.uri);
      else this.datasetChanged(d.uri);
    };
    const specs = vscode.workspace.createFileSystemWatcher('**/*.agentgraph');
    const data = vscode.workspace.createFileSystemWatcher('**/*.{jsonl,csv}');
    const ignores = vscode.workspace.createFileSystemWatcher(`**/${IGNORE_FILE}`);
    this.disposables.push(
      this.controller,
      specs,
      data,
      ignores,
      vscode.workspace.onDidChangeTextDocument((e) => onDoc(e.document)),
      vscode.workspace.onDidSaveTextDocument(onDoc),
      vscode.workspace.onDidOpenTextDocument((d) => isSpec(d) && this.schedule(d.uri)),
      specs.onDidCreate((u) => this.schedule(u)),
      specs.onDidChange((u) => this.schedule(u)),
      specs.onDidDelete((u) => this.controller.items.delete(u.toString())),
      data.onDidCreate((u) => this.datasetChanged(u)),
      data.onDidChange((u) => this.datasetChanged(u)),
      data.onDidDelete((u) => this.datasetChanged(u)),
      ignores.onDidChange(() => void this.discover()),
      ignores.onDidCreate(() => void this.discover()),
      ignores.onDidDelete(() => void this.discover()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('agentgraph') && void this.updateOpenAIProfile()),
      o.context.secrets.onDidChange((e) => e.key === API_KEY_SECRET && void this.updateOpenAIProfile()),
      vscode.commands.registerCommand(RUN_EVAL, (arg: unknown) => this.runEvalCommand(arg)),
      vscode.commands.registerCommand(OPEN_CASE_TRACE, (arg: unknown) => this.openCaseTrace(arg)),
    );
    for (const d of vscode.workspace.textDocuments) if (isSpec(d)) this.schedule(d.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.openaiProfile?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Finds every spec with an eval in the workspace folders; their evals are asked for when shown. */
  async discover(): Promise<void> {
    const found = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = folder.uri.fsPath;
      const cache = new Map<string, Set<string>>();
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.agentgraph'), '**/node_modules/**');
      for (const uri of uris) {
        if (isIgnored(uri.fsPath, root, readIgnore, cache)) continue;
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        const text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        if (!declaresEval(text)) continue;
        found.add(uri.toString());
        fileItem(this.controller, this.data, uri);
      }
    }
    for (const [id] of this.controller.items) if (!found.has(id) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === id)) this.controller.items.delete(id);
  }

  /** Asks the server for a spec's evals and rebuilds its item (removed when it declares none). */
  async refreshFile(uri: vscode.Uri): Promise<void> {
    const result = await this.o.request<EvalsResult>(EVALS_METHOD, { uri: uri.toString() });
    if (!result) return; // The server is not running; keep what is shown.
    for (const specs of this.datasets.values()) specs.delete(uri.toString());
    for (const ev of result.evals) if (ev.dataset) (this.datasets.get(ev.dataset) ?? this.datasets.set(ev.dataset, new Set()).get(ev.dataset)!).add(uri.toString());
    if (result.evals.length === 0) {
      this.controller.items.delete(uri.toString());
      return;
    }
    fillFileItem(this.controller, this.data, fileItem(this.controller, this.data, uri), uri, result);
  }

  private schedule(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.refreshFile(uri).catch((err: unknown) => this.o.log(`[evals] refreshing ${key} failed: ${err instanceof Error ? err.message : String(err)}`));
      }, this.o.debounceMs ?? 300),
    );
  }

  private datasetChanged(uri: vscode.Uri): void {
    for (const spec of this.datasets.get(path.resolve(uri.fsPath)) ?? []) this.schedule(vscode.Uri.parse(spec, true));
  }

  private async updateOpenAIProfile(): Promise<void> {
    const configured = providerSettings().provider === 'openai' || (await this.o.context.secrets.get(API_KEY_SECRET)) !== undefined || !!process.env[API_KEY_ENV];
    if (configured && !this.openaiProfile) {
      this.openaiProfile = this.controller.createRunProfile('Run with OpenAI', vscode.TestRunProfileKind.Run, (r, t) => this.run(r, t, 'openai'), false);
    } else if (!configured && this.openaiProfile) {
      this.openaiProfile.dispose();
      this.openaiProfile = undefined;
    }
  }

  /** The run handler of both profiles. */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, provider: 'simulated' | 'openai'): Promise<void> {
    const run = this.controller.createTestRun(request, undefined, true);
    // Cancelling from the Test Results view fires the run's own token.
    const cancel = new vscode.CancellationTokenSource();
    const subs = [token.onCancellationRequested(() => cancel.cancel()), run.token.onCancellationRequested(() => cancel.cancel())];
    try {
      const jobs = await planJobs(this.ctx, request);
      const refuse = (text: string) => {
        for (const job of jobs) for (const item of [job.evalItem, ...job.cases.values()]) run.errored(item, new vscode.TestMessage(text));
      };
      if (!vscode.workspace.isTrusted) {
        refuse(UNTRUSTED);
        void vscode.window.showWarningMessage(`AgentGraph: ${UNTRUSTED}`, 'Manage Workspace Trust').then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
        return;
      }
      const settings: RunSettings = { provider, env: {} };
      if (provider === 'openai') {
        const p = await resolveProvider(this.o.context, 'openai');
        settings.env = p.env;
        if (p.baseUrl) settings.baseUrl = p.baseUrl;
        if (p.model) settings.model = p.model;
        // An endpoint of one's own (a local server, a proxy) may need no key; the run command agrees.
        if (!p.env[API_KEY_ENV] && !process.env[API_KEY_ENV] && !p.baseUrl) {
          refuse(`No OpenAI API key: run "AgentGraph: Set API Key" (kept in the editor's secret storage) or set ${API_KEY_ENV}.`);
          return;
        }
      }
      await this.saveInputs(jobs.map((j) => j.spec));
      await runJobs(this.ctx, run, jobs, settings, cancel.token);
    } finally {
      for (const s of subs) s.dispose();
      cancel.dispose();
      run.end();
    }
  }

  /** The CLI reads the disk: unsaved edits of the specs (and their datasets) are saved first. */
  private async saveInputs(specs: vscode.Uri[]): Promise<void> {
    const wanted = new Set(specs.map((u) => u.toString()));
    for (const spec of specs) for (const [file, readers] of this.datasets) if (readers.has(spec.toString())) wanted.add(vscode.Uri.file(file).toString());
    for (const d of vscode.workspace.textDocuments) if (d.isDirty && wanted.has(d.uri.toString())) await d.save();
  }

  /** `✓ Eval` lens: runs one eval (`{ uri, name }`) through the controller, so results land in the Test Explorer. */
  private async runEvalCommand(arg: unknown): Promise<void> {
    const a = (arg ?? {}) as { uri?: unknown; name?: unknown };
    const uri = typeof a.uri === 'string' ? vscode.Uri.parse(a.uri, true) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) return;
    await this.refreshFile(uri);
    const file = this.controller.items.get(uri.toString());
    const item = typeof a.name === 'string' ? file?.children.get(`${file.id}/${a.name}`) : file;
    if (!item) {
      void vscode.window.showInformationMessage(`AgentGraph: no eval${typeof a.name === 'string' ? ` '${a.name}'` : ''} in ${vscode.workspace.asRelativePath(uri)}.`);
      return;
    }
    const provider = providerSettings().provider === 'openai' ? 'openai' : 'simulated';
    const request = new vscode.TestRunRequest([item], undefined, provider === 'openai' ? (this.openaiProfile ?? this.runProfile) : this.runProfile);
    const cts = new vscode.CancellationTokenSource();
    try {
      await this.run(request, cts.token, provider);
    } finally {
      cts.dispose();
    }
  }

  /** Opens a case's trace: from a trace path or Uri, a test message's context menu, or a test item. */
  private async openCaseTrace(arg: unknown): Promise<void> {
    let file: string | undefined;
    if (arg instanceof vscode.Uri) file = arg.fsPath;
    else if (typeof arg === 'string') file = arg;
    else if (arg && typeof arg === 'object') {
      const a = arg as { test?: vscode.TestItem; message?: vscode.TestMessage; id?: string };
      if (a.message) file = this.ctx.messageTraces.get(a.message);
      const id = a.test?.id ?? a.id;
      if (!file && id) file = this.ctx.traces.get(id)?.[0];
      // An eval or file item: the first case under it that has a trace.
      if (!file && id) file = [...this.ctx.traces].find(([caseId, paths]) => caseId.startsWith(`${id}/`) && paths.length > 0)?.[1][0];
    }
    if (!file) {
      void vscode.window.showInformationMessage('AgentGraph: this case has no trace yet. Run it first.');
      return;
    }
    const uri = vscode.Uri.file(file);
    try {
      await vscode.commands.executeCommand('agentgraph.openTrace', uri);
    } catch {
      await vscode.commands.executeCommand('vscode.open', uri);
    }
  }
}

function readIgnore(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, IGNORE_FILE), 'utf8');
  } catch {
    return undefined;
  }
}

/** The Test Explorer integration: one line at the extension's registration seam. */
export function registerTestExplorer(o: TestExplorerOptions): vscode.Disposable {
  return new EvalTestController(o);
}
