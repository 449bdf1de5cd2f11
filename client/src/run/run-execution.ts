// Executes one run that the user has set up (graph, input, provider, faults) in a run-host process
// and shows it: every event goes to the run bus (the diagram and the trace view follow it), a
// cancellable progress notification shows the node, retries and cost, waiting humans get B's
// answer form, and the end is announced with the outcome, cost and latency and buttons to open
// the trace or the output. Whatever happens to the process, the bus session ends.

import * as vscode from 'vscode';
import type { StartMessage } from '../../../server/src/runhost/protocol.ts';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';
import { askHuman } from '../forms/form-panel.ts';
import type { RunBus, RunKind, RunSessionInfo } from './bus.ts';
import { formatCost, RunProgress, runSummary } from './run-format.ts';
import type { RunProcess, RunProcessResult } from './run-process.ts';

export interface ExecutionDeps {
  extensionUri: vscode.Uri;
  runs: RunBus;
  log(message: string): void;
}

export interface PreparedRun {
  kind: RunKind;
  specUri: vscode.Uri;
  /** The process that described the spec and is waiting for `start`. */
  proc: RunProcess;
  start: StartMessage;
  /** Where the process's onEvent delivers events (set while the run executes). */
  relay: EventRelay;
}

/** The process exists before the run does (it describes the spec first): events go through this. */
export class EventRelay {
  handler: ((e: RunEvent) => void) | undefined;
  readonly deliver = (e: RunEvent): void => this.handler?.(e);
}

/** Sessions this window's runs are in, so `agentgraph.cancelRun` can stop them. */
export class LiveRuns {
  private readonly live = new Map<string, { session: RunSessionInfo; proc: RunProcess }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  add(session: RunSessionInfo, proc: RunProcess): void {
    this.live.set(session.id, { session, proc });
    this.changed.fire();
  }

  delete(id: string): void {
    if (this.live.delete(id)) this.changed.fire();
  }

  get(id: string) {
    return this.live.get(id);
  }

  get all() {
    return [...this.live.values()];
  }

  dispose(): void {
    for (const r of this.live.values()) r.proc.cancel();
    this.changed.dispose();
  }
}

/** Turns an AbortSignal into a CancellationToken (the forms take tokens). */
function tokenFor(signal: AbortSignal): vscode.CancellationTokenSource {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source;
}

/** The human handler of a RunProcess: B's answer form, closed when the run withdraws the question. */
export function humanHandler(extensionUri: vscode.Uri, specUri: vscode.Uri) {
  return async (q: Parameters<typeof askHuman>[1], signal: AbortSignal) => {
    const source = tokenFor(signal);
    try {
      return await askHuman(extensionUri, { ...q, specUri }, source.token);
    } finally {
      source.dispose();
    }
  };
}

export async function executeRun(deps: ExecutionDeps, live: LiveRuns, run: PreparedRun): Promise<void> {
  const { start } = run;
  const session = deps.runs.start(run.kind, run.specUri, start.graph, start.provider);
  live.add(session, run.proc);
  const progress = new RunProgress();
  let result: RunProcessResult;
  const verb = run.kind === 'faults' ? 'Simulating faults in' : 'Running';
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AgentGraph: ${verb} ${start.graph} (${start.provider})`, cancellable: true },
      (report, token) => {
        token.onCancellationRequested(() => run.proc.cancel());
        let last = '';
        run.relay.handler = (e) => {
          deps.runs.publish(session, e);
          progress.onEvent(e);
          const text = progress.text();
          if (text !== last) report.report({ message: (last = text) });
        };
        run.proc.start(start);
        return run.proc.result;
      },
    );
  } finally {
    run.relay.handler = undefined;
    live.delete(session.id);
  }

  if (!result.ok) {
    deps.runs.end({ session, error: result.message });
    if (result.cancelled) {
      void vscode.window.showInformationMessage(`AgentGraph: the run of ${start.graph} was cancelled.`);
      return;
    }
    deps.log(`[run] ${start.graph}: ${result.message}`);
    for (const d of result.diagnostics ?? []) deps.log(`  ${d}`);
    const first = result.diagnostics?.[0];
    const pick = await vscode.window.showErrorMessage(`AgentGraph: ${start.graph} did not run: ${result.message}${first ? ` ${first}` : ''}`, 'Show Output');
    if (pick === 'Show Output') void vscode.commands.executeCommand('agentgraph.showOutput');
    return;
  }

  const done = result.done;
  deps.runs.end({ session, runId: done.runId, ...(done.tracePath ? { tracePath: done.tracePath } : {}) });
  const summary = runSummary(done, start.provider);
  deps.log(`[run] ${summary}${done.tracePath ? ` (trace: ${done.tracePath})` : ''}`);
  for (const n of done.nodes) deps.log(`  ${n.node}: ${n.status}, ${n.attempts} attempt(s), ${formatCost(n.costUsd)}`);
  const buttons = [...(done.tracePath ? ['Open Trace'] : []), 'Show Output'];
  const show = done.outcome === 'succeeded' || done.outcome === 'cancelled' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  const pick = await show(`AgentGraph: ${summary}`, ...buttons);
  if (pick === 'Open Trace' && done.tracePath) {
    await vscode.commands.executeCommand('agentgraph.openTrace', vscode.Uri.file(done.tracePath));
  } else if (pick === 'Show Output') {
    const content = JSON.stringify(done.outcome === 'succeeded' ? done.output : { outcome: done.outcome, error: done.error }, null, 2);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
