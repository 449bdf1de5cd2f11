// The run commands: `AgentGraph: Run Graph` (palette, editor title, the server's `▶ Run` lens with
// `{ uri, name }`), `AgentGraph: Simulate Faults`, `AgentGraph: Cancel Run` and `AgentGraph: Set
// API Key`. Setting a run up: check Workspace Trust, start a run-host process that compiles the
// spec with the unsaved editor buffers and describes its graphs, pick the graph, the provider (once
// OpenAI is set up, provider-pick.ts), the faults (for a simulation) and the input, then hand over
// to run-execution.ts.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GraphDescription, StartMessage, ToolFault } from '../../../server/src/runhost/protocol.ts';
import { LANGUAGE_ID } from '../config.ts';
import type { RunBus } from './bus.ts';
import { buildFaultPresets, combineFaults, customFaultError, type FaultPreset } from './fault-presets.ts';
import { pickInput } from './input-picker.ts';
import { pickRunProvider, shouldAskProvider } from './provider-pick.ts';
import { resolveProvider, setApiKey, type ResolvedProvider } from './provider-settings.ts';
import { RecentInputs } from './recent-inputs.ts';
import { EventRelay, executeRun, humanHandler, LiveRuns } from './run-execution.ts';
import { RunProcess } from './run-process.ts';
import { requireTrust } from './trust.ts';

export interface RunCommandDeps {
  context: vscode.ExtensionContext;
  runs: RunBus;
  log(message: string): void;
}

type CommandArg = { uri?: string; name?: string } | vscode.Uri | undefined;

/** The spec a command is about: a lens's `{ uri }`, an explorer Uri, else the active .agentgraph editor. */
function specOf(arg: CommandArg): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && typeof arg.uri === 'string') return vscode.Uri.parse(arg.uri, true);
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === LANGUAGE_ID ? doc.uri : undefined;
}

/** The workspace folder that holds the spec (`.agentgraph/` goes there), else the spec's folder. */
function rootOf(spec: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(spec)?.uri.fsPath ?? path.dirname(spec.fsPath);
}

/** Unsaved buffers under the root that the compiler reads (specs, prompt files); tool code runs from disk. */
function overlaysUnder(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file' || /\.[cm]?[jt]sx?$/.test(doc.uri.fsPath)) continue;
    const rel = path.relative(root, doc.uri.fsPath);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) out[doc.uri.fsPath] = doc.getText();
  }
  return out;
}

async function pickGraph(graphs: GraphDescription[], wanted: string | undefined, spec: vscode.Uri): Promise<GraphDescription | undefined> {
  if (wanted) {
    const g = graphs.find((x) => x.name === wanted);
    if (!g) void vscode.window.showErrorMessage(`AgentGraph: there is no graph '${wanted}' in ${path.basename(spec.fsPath)}.`);
    return g;
  }
  if (graphs.length === 0) {
    void vscode.window.showInformationMessage(`AgentGraph: ${path.basename(spec.fsPath)} declares no graph to run.`);
    return undefined;
  }
  if (graphs.length === 1) return graphs[0];
  const pick = await vscode.window.showQuickPick(
    graphs.map((g) => ({ label: g.name, description: g.params.join(', '), detail: g.doc, graph: g })),
    { title: 'AgentGraph: choose the graph', ignoreFocusOut: true },
  );
  return pick?.graph;
}

async function pickFaults(g: GraphDescription): Promise<{ faults: string; toolFaults: ToolFault[] } | undefined> {
  type Item = vscode.QuickPickItem & { preset?: FaultPreset; custom?: boolean };
  const items: Item[] = [...buildFaultPresets(g).map((p) => ({ label: p.label, description: p.description, preset: p })), { label: 'Custom…', description: 'a fault spec, e.g. triage:timeout@1,*:429@0.2', custom: true }];
  const picked = await vscode.window.showQuickPick(items, { title: `Simulate faults in ${g.name}`, placeHolder: 'Choose the faults to inject (simulated provider)', canPickMany: true, ignoreFocusOut: true, matchOnDescription: true });
  if (!picked || picked.length === 0) return undefined;
  let custom: string | undefined;
  if (picked.some((p) => p.custom)) {
    custom = await vscode.window.showInputBox({
      title: 'Custom faults',
      prompt: 'TARGET:KIND[=ARG][@WHEN][xTIMES], comma-separated; KIND: timeout, 429, 5xx, 400, 401, network, malformed, invalid',
      placeHolder: 'triage:timeout@1,*:429@0.2',
      ignoreFocusOut: true,
      validateInput: customFaultError,
    });
    if (custom === undefined) return undefined;
  }
  return combineFaults(
    picked.flatMap((p) => (p.preset ? [p.preset] : [])),
    custom,
  );
}

/** The openai provider with neither a key nor an endpoint of one's own (which may need none). */
function lacksKey(p: ResolvedProvider): boolean {
  return p.kind === 'openai' && !p.env.OPENAI_API_KEY && !process.env.OPENAI_API_KEY && !p.baseUrl;
}

async function offerKey(context: vscode.ExtensionContext): Promise<void> {
  const pick = await vscode.window.showWarningMessage('AgentGraph: the openai provider needs an API key. Set one (it is kept in secret storage), or switch agentgraph.run.provider to simulated.', 'Set API Key', 'Open Settings');
  if (pick === 'Set API Key') await setApiKey(context);
  else if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'agentgraph.run.provider');
}

class RunCommands implements vscode.Disposable {
  readonly live = new LiveRuns();
  private readonly recent: RecentInputs;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly deps: RunCommandDeps) {
    this.recent = new RecentInputs(deps.context.workspaceState);
    // `agentgraph.runActive` shows `Cancel Run` in the palette only while a run goes.
    this.subs.push(this.live.onDidChange(() => void vscode.commands.executeCommand('setContext', 'agentgraph.runActive', this.live.all.length > 0)));
  }

  async run(arg: CommandArg, faultsCommand: boolean): Promise<void> {
    let faults = faultsCommand;
    if (!requireTrust(faults ? 'Simulating faults' : 'Running a graph')) return;
    const spec = specOf(arg);
    if (!spec) {
      void vscode.window.showInformationMessage('AgentGraph: open an .agentgraph file first.');
      return;
    }
    const { context } = this.deps;
    // With the Provider step the choice comes after the graph's; until then the host runs without the key.
    const ask = !faults && (await shouldAskProvider(context));
    let provider = await resolveProvider(context, faults || ask ? 'simulated' : undefined);
    if (lacksKey(provider)) return offerKey(context);
    const hostModule = path.join(context.extensionPath, 'dist', 'run-host.js');
    if (!existsSync(hostModule)) {
      void vscode.window.showErrorMessage('AgentGraph: the run host is missing (dist/run-host.js). Run the build (node scripts/build.mjs) and reload the window.');
      return;
    }
    const root = rootOf(spec);
    const overlays = overlaysUnder(root);
    const relay = new EventRelay();
    const host = (env: Record<string, string>) =>
      new RunProcess({
        hostModule,
        cwd: root,
        env: { ...process.env, ...env },
        onEvent: relay.deliver,
        onHumanAsk: humanHandler(context.extensionUri, spec),
        onOutput: (t) => this.deps.log(`[run-host] ${t.trimEnd()}`),
      });
    let proc = host(provider.env);
    let started = false;
    try {
      const described = await proc.describe({ specPath: spec.fsPath, root, overlays });
      if (!described.ok) {
        for (const d of described.diagnostics ?? []) this.deps.log(`  ${d}`);
        const pick = await vscode.window.showErrorMessage(`AgentGraph: ${described.message}${described.diagnostics?.[0] ? ` ${described.diagnostics[0]}` : ''}`, 'Show Problems');
        if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        return;
      }
      const graph = await pickGraph(described.graphs, arg && !(arg instanceof vscode.Uri) ? arg.name : undefined, spec);
      if (!graph) return;
      if (ask) {
        const choice = await pickRunProvider(context.workspaceState, spec.fsPath, graph.name);
        if (!choice) return;
        faults = choice === 'faults';
        provider = await resolveProvider(context, choice === 'openai' ? 'openai' : 'simulated');
        if (lacksKey(provider)) return offerKey(context);
        // The key travels only to a host that runs on OpenAI: a fresh one, since the describing one has none.
        if (Object.keys(provider.env).length) {
          proc.dispose();
          proc = host(provider.env);
        }
      }
      const chosenFaults = faults ? await pickFaults(graph) : undefined;
      if (faults && !chosenFaults) return;
      const input = await pickInput(context.extensionUri, spec.fsPath, graph, this.recent);
      if (!input) return;
      await this.recent.remember(spec.fsPath, graph.name, input.value);
      const start: StartMessage = {
        type: 'start',
        specPath: spec.fsPath,
        root,
        graph: graph.name,
        input: input.value,
        overlays: overlaysUnder(root),
        provider: provider.kind === 'openai' ? 'openai' : 'simulated',
        ...(provider.kind === 'openai' ? { openai: { ...(provider.baseUrl ? { baseUrl: provider.baseUrl } : {}), ...(provider.model ? { model: provider.model } : {}) } } : {}),
        ...(chosenFaults ? { faults: chosenFaults.faults, toolFaults: chosenFaults.toolFaults } : {}),
      };
      started = true;
      await executeRun({ extensionUri: context.extensionUri, runs: this.deps.runs, log: this.deps.log }, this.live, { kind: faults ? 'faults' : 'run', specUri: spec, proc, start, relay });
    } finally {
      // A picker dismissed (or a failure before the start): the idle process goes.
      if (!started) proc.dispose();
    }
  }

  /** Cancels the run of `arg` (a session id, or `{ id }`), the only one running, or one picked. */
  async cancel(arg?: string | { id?: string }): Promise<void> {
    const id = typeof arg === 'string' ? arg : arg?.id;
    if (id) {
      this.live.get(id)?.proc.cancel();
      return;
    }
    const all = this.live.all;
    if (all.length === 0) {
      void vscode.window.showInformationMessage('AgentGraph: no run is in progress.');
      return;
    }
    const target =
      all.length === 1
        ? all[0]
        : (await vscode.window.showQuickPick(all.map((r) => ({ label: r.session.graph, description: `${r.session.kind} · ${vscode.workspace.asRelativePath(r.session.specUri)}`, r })), { title: 'AgentGraph: cancel which run?' }))?.r;
    target?.proc.cancel();
  }

  dispose(): void {
    this.live.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/** Registers the run commands; disposed with the extension (running processes are cancelled). */
export function registerRunCommands(deps: RunCommandDeps): void {
  const commands = new RunCommands(deps);
  const guard =
    (what: string, fn: (...args: never[]) => Promise<void>) =>
    async (...args: never[]) => {
      try {
        await fn(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        deps.log(`[error] ${what}: ${err instanceof Error ? (err.stack ?? message) : message}`);
        void vscode.window.showErrorMessage(`AgentGraph: ${what} failed: ${message}`);
      }
    };
  deps.context.subscriptions.push(
    commands,
    vscode.commands.registerCommand('agentgraph.runGraph', guard('Run Graph', (arg: CommandArg) => commands.run(arg, false))),
    vscode.commands.registerCommand('agentgraph.simulateFaults', guard('Simulate Faults', (arg: CommandArg) => commands.run(arg, true))),
    vscode.commands.registerCommand('agentgraph.cancelRun', guard('Cancel Run', (arg?: string | { id?: string }) => commands.cancel(arg))),
    vscode.commands.registerCommand('agentgraph.setApiKey', guard('Set API Key', () => setApiKey(deps.context))),
  );
}
