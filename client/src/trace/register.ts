// The trace viewer's registrations (one call from client/src/extension.ts): the read-only custom
// editor for trace.jsonl files, the live trace panel on the run bus, and the commands Open Trace,
// Show Live Trace and Compare Runs.

import * as vscode from 'vscode';
import type { RunBus } from '../run/bus.ts';
import { compareRuns } from './compare.ts';
import { LiveTrace } from './live-trace.ts';
import { pickRun } from './recent-runs.ts';
import { TRACE_VIEW_TYPE, TraceEditorProvider } from './trace-editor.ts';

export interface TraceRegistration {
  context: vscode.ExtensionContext;
  runs: RunBus;
  log: (message: string) => void;
}

export function registerTraceViewer({ context, runs, log }: TraceRegistration): void {
  const extensionUri = context.extensionUri;
  const report = (what: string) => (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log(`[error] ${what}: ${message}`);
    void vscode.window.showErrorMessage(`AgentGraph: ${what}: ${message}`);
  };
  const compareWith = (trace: vscode.Uri) => void compareRuns({ extensionUri, log }, trace).catch(report('Compare Runs failed'));
  const editors = new TraceEditorProvider({ extensionUri, log, compareWith });
  const live = new LiveTrace({ extensionUri, runs, log, compareWith });
  context.subscriptions.push(
    live,
    vscode.window.registerCustomEditorProvider(TRACE_VIEW_TYPE, editors, { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true }),
    vscode.commands.registerCommand('agentgraph.openTrace', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : await pickRun('Open the trace of a recent run');
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, TRACE_VIEW_TYPE);
    }),
    vscode.commands.registerCommand('agentgraph.showTrace', () => live.show()),
    vscode.commands.registerCommand('agentgraph.compareRuns', async (arg?: unknown) => {
      // Run A: the argument, else the trace open in the active editor tab, else a pick.
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      const active = input instanceof vscode.TabInputCustom && input.viewType === TRACE_VIEW_TYPE ? input.uri : undefined;
      const first = arg instanceof vscode.Uri ? arg : active;
      await compareRuns({ extensionUri, log }, first).catch(report('Compare Runs failed'));
    }),
  );
}
