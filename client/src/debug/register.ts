// The editor side of the `agentgraph` debugger: the adapter runs as its own process
// (dist/debug-adapter.js), so debugged runs never execute in the extension host. F5 on an
// .agentgraph file without a launch.json debugs the graph under the cursor; the provider settings
// and API key are resolved the way `Run Graph` resolves them. Every run event the adapter streams
// is republished on the run bus (kind 'debug'), and humans are asked with the forms panel.
// Debugging is refused in untrusted workspaces: it executes the spec's tools.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';
import { askHuman, type HumanQuestion } from '../forms/form-panel.ts';
import type { RunBus, RunSessionInfo } from '../run/bus.ts';
import { providerSettings, resolveProvider, type ProviderKind } from '../run/provider-settings.ts';
import { graphAt } from './graph-at.ts';
import { registerRunFromHere } from './run-from-here.ts';

export const DEBUG_TYPE = 'agentgraph';

export interface DebugDeps {
  context: vscode.ExtensionContext;
  runs: RunBus;
  log: (message: string) => void;
}

export const UNTRUSTED_MESSAGE =
  'AgentGraph does not debug graphs in an untrusted workspace: a run executes the tools the spec declares. Trust the folder (Workspaces: Manage Workspace Trust) to debug it.';

/**
 * The workspace folder holding `spec`: the launch configuration's own folder first, then any open
 * folder. Compared by file-system path, not by URI, because in a remote window (code-server,
 * Remote-SSH) folder URIs carry the remote scheme while launch paths are plain paths; imports
 * such as `../models.agentgraph` must resolve inside this root, not inside the spec's directory.
 */
export function workspaceRootOf(spec: string, folder: { uri: { fsPath: string } } | undefined, folders: readonly { uri: { fsPath: string } }[] = vscode.workspace.workspaceFolders ?? []): string | undefined {
  const inside = (root: string) => spec === root || spec.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  if (folder && inside(folder.uri.fsPath)) return folder.uri.fsPath;
  return folders.map((f) => f.uri.fsPath).filter(inside).sort((a, b) => b.length - a.length)[0];
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(UNTRUSTED_MESSAGE);
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    if (!config.type && !config.request && !config.name) {
      // F5 without a launch.json: debug the graph under the cursor of the active spec.
      if (!editor || editor.document.languageId !== 'agentgraph') {
        void vscode.window.showInformationMessage('Open an .agentgraph file to debug one of its graphs.');
        return undefined;
      }
      const graph = graphAt(editor.document.getText(), editor.selection.active.line);
      Object.assign(config, { type: DEBUG_TYPE, request: 'launch', name: `Debug ${graph ?? 'graph'}`, spec: editor.document.uri.fsPath, graph });
    }
    if (!config.spec && editor?.document.languageId === 'agentgraph') config.spec = editor.document.uri.fsPath;
    return config;
  }

  /** Runs after `${file}` and friends are substituted: the paths are real here. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.root) config.root = workspaceRootOf(String(config.spec), folder) ?? path.dirname(String(config.spec));
    // Unsaved specs: the adapter compiles what the user sees, not what is on disk.
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && d.languageId === 'agentgraph');
    if (dirty.length && !config.overlays) config.overlays = Object.fromEntries(dirty.map((d) => [d.uri.fsPath, d.getText()]));
    const settings = providerSettings();
    config.provider ??= settings.provider;
    if (config.provider === 'openai') config.openai ??= { baseUrl: settings.baseUrl, model: settings.model };
    if (config.input === undefined && config.inputFile === undefined && config.replay === undefined) {
      const text = await vscode.window.showInputBox({
        title: `Input of graph ${String(config.graph ?? '')}`,
        prompt: "The graph's parameters as a JSON object (set 'input' or 'inputFile' in launch.json to skip this)",
        value: '{}',
        validateInput: (v) => {
          try {
            const x = JSON.parse(v) as unknown;
            return x !== null && typeof x === 'object' && !Array.isArray(x) ? undefined : 'A JSON object, e.g. {"topic": "owls"}';
          } catch (err) {
            return err instanceof Error ? err.message : String(err);
          }
        },
      });
      if (text === undefined) return undefined;
      config.input = JSON.parse(text) as unknown;
    }
    return config;
  }
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const provider = await resolveProvider(this.context, session.configuration.provider as ProviderKind | undefined);
    const script = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'debug-adapter.js').fsPath;
    // The editor's own runtime in Node mode: no separate Node installation is needed. The API key
    // reaches the adapter only through its environment.
    return new vscode.DebugAdapterExecutable(process.execPath, [script], { env: { ELECTRON_RUN_AS_NODE: '1', ...provider.env } });
  }
}

export function registerDebugger(deps: DebugDeps): void {
  const { context, runs } = deps;
  const sessions = new Map<string, { info: RunSessionInfo; runId?: string; tracePath?: string; asks: Map<number, vscode.CancellationTokenSource> }>();
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context)),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== DEBUG_TYPE) return;
      const c = s.configuration;
      const info = runs.start('debug', vscode.Uri.file(String(c.spec)), String(c.graph ?? ''), String(c.provider ?? 'simulated'));
      sessions.set(s.id, { info, asks: new Map() });
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      const entry = sessions.get(e.session.id);
      if (!entry) return;
      if (e.event === 'agentgraph.runEvent') {
        const event = e.body as RunEvent;
        if (event.type === 'run_start') entry.runId = event.runId;
        runs.publish(entry.info, event);
      } else if (e.event === 'agentgraph.runFinished') {
        const b = e.body as { runId?: string; tracePath?: string };
        entry.runId = b.runId ?? entry.runId;
        entry.tracePath = b.tracePath;
      } else if (e.event === 'agentgraph.humanAsk') {
        const { id, question } = e.body as { id: number; question: HumanQuestion };
        const cts = new vscode.CancellationTokenSource();
        entry.asks.set(id, cts);
        void askHuman(context.extensionUri, { ...question, specUri: entry.info.specUri }, cts.token).then(
          (answer) => {
            entry.asks.delete(id);
            return e.session.customRequest('agentgraph.humanAnswer', { id, ...(answer ? { answer } : {}) });
          },
          (err: unknown) => deps.log(`[debug] asking ${question.human} failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      } else if (e.event === 'agentgraph.humanCancel') {
        const { id } = e.body as { id: number };
        entry.asks.get(id)?.cancel();
        entry.asks.delete(id);
      }
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      const entry = sessions.get(s.id);
      if (!entry) return;
      sessions.delete(s.id);
      for (const cts of entry.asks.values()) cts.cancel();
      runs.end({ session: entry.info, runId: entry.runId, tracePath: entry.tracePath });
    }),
  );
  registerRunFromHere(context);
}
