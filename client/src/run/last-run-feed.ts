// Runs on the diagram, and the last run of each spec for the editor: listens to the run bus,
// reduces every session's events to a compact state (run-state.ts), and sends the newest session's
// state to the diagram panel at most every 100 ms (and at once when it ends). When a run starts for
// another spec or graph than the one drawn, the diagram switches to it (and opens, unless
// `agentgraph.run.showDiagram` is off). Finished runs are kept per spec and graph for the
// last-run lenses (last-run-lens.ts). The run header's buttons land here: Cancel runs
// `agentgraph.cancelRun`, Open Trace `agentgraph.openTrace`, Clear drops the overlay.

import * as vscode from 'vscode';
import type { RunSnapshot } from '../../../webview/src/protocol.ts';
import type { DiagramPanel, RunActionRequest } from '../diagram-panel.ts';
import type { Requester } from '../status-bar.ts';
import type { RunBus, RunEndMessage, RunEventMessage, RunSessionInfo } from './bus.ts';
import { LastRunLens } from './last-run-lens.ts';
import { endRunState, initialRunState, reduceRunEvent, runSnapshot, SnapshotThrottle, type RunState } from './run-state.ts';

/** How often, at most, the diagram gets a new snapshot of a live run. */
export const SNAPSHOT_INTERVAL_MS = 100;

export interface FinishedRun {
  snapshot: RunSnapshot;
  endedAt: number;
}

/** The last finished run of every spec and graph (newest last). */
export class LastRuns {
  private readonly runs = new Map<string, FinishedRun>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  record(run: FinishedRun): void {
    const key = `${run.snapshot.specUri}\n${run.snapshot.graph}`;
    this.runs.delete(key);
    this.runs.set(key, run);
    this.changed.fire();
  }

  all(): FinishedRun[] {
    return [...this.runs.values()];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class RunFeed implements vscode.Disposable {
  private readonly states = new Map<string, RunState>();
  /** The session on the diagram: the newest started (a finished one stays until cleared). */
  private shown: string | undefined;
  private shownState: RunState | undefined;
  private readonly throttle: SnapshotThrottle;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    runs: RunBus,
    private readonly diagram: DiagramPanel,
    readonly lastRuns: LastRuns,
    private readonly log: (message: string) => void,
  ) {
    this.throttle = new SnapshotThrottle(() => this.send(), SNAPSHOT_INTERVAL_MS);
    this.disposables.push(
      runs.onDidStart((s) => this.onStart(s)),
      runs.onDidEvent((m) => this.onEvent(m)),
      runs.onDidEnd((m) => this.onEnd(m)),
      diagram.onDidRunAction((a) => void this.onAction(a)),
    );
  }

  private onStart(session: RunSessionInfo): void {
    const state = initialRunState({ id: session.id, kind: session.kind, specUri: session.specUri.toString(), graph: session.graph, provider: session.provider, startedAt: session.startedAt });
    this.states.set(session.id, state);
    this.shown = session.id;
    this.shownState = state;
    this.throttle.cancel();
    this.throttle.changed();
    const drawn = this.diagram.isOpen && this.diagram.documentUri?.toString() === session.specUri.toString() && this.diagram.graphName === session.graph;
    const open = vscode.workspace.getConfiguration('agentgraph.run').get<boolean>('showDiagram', true);
    if (!drawn && (this.diagram.isOpen || (open && session.kind !== 'eval'))) {
      this.diagram.show(session.specUri, session.graph).catch((err: unknown) => this.log(`[run] cannot show the diagram of ${session.graph}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  private onEvent({ session, event }: RunEventMessage): void {
    const before = this.states.get(session.id);
    if (!before) return;
    const after = reduceRunEvent(before, event);
    if (after === before) return;
    this.states.set(session.id, after);
    if (session.id === this.shown) {
      this.shownState = after;
      this.throttle.changed();
    }
  }

  private onEnd(m: RunEndMessage): void {
    const before = this.states.get(m.session.id);
    if (!before) return;
    this.states.delete(m.session.id);
    const now = Date.now();
    const end: Parameters<typeof endRunState>[1] = { at: now };
    if (m.runId !== undefined) end.runId = m.runId;
    if (m.tracePath !== undefined) end.tracePath = m.tracePath;
    if (m.error !== undefined) end.error = m.error;
    const final = endRunState(before, end);
    if (m.session.id === this.shown) {
      this.shownState = final;
      this.throttle.flushNow();
    }
    // Runs cut short before the runtime started (a spec that does not compile) ran nothing to show.
    if (final.order.length > 0) this.lastRuns.record({ snapshot: runSnapshot(final, now), endedAt: now });
  }

  private send(): void {
    this.diagram.setRun(this.shownState ? runSnapshot(this.shownState, Date.now()) : undefined);
  }

  private async onAction(a: RunActionRequest): Promise<void> {
    const state = this.shownState;
    switch (a.action) {
      case 'clear':
        if (state?.session.id !== a.session) return;
        this.throttle.cancel();
        this.shown = undefined;
        this.shownState = undefined;
        this.diagram.setRun(undefined);
        return;
      case 'cancel':
        try {
          await vscode.commands.executeCommand('agentgraph.cancelRun', a.session);
        } catch (err) {
          this.log(`[run] cancel of ${a.session} failed: ${err instanceof Error ? err.message : String(err)}`);
          void vscode.window.showErrorMessage(`AgentGraph: the run could not be cancelled: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      case 'openTrace': {
        const mine = state?.session.id === a.session ? state : undefined;
        if (mine?.tracePath) {
          await vscode.commands.executeCommand('agentgraph.openTrace', vscode.Uri.file(mine.tracePath));
          return;
        }
        // A run still going has no trace file yet: the live trace view follows it, when there is one.
        if (mine && !mine.ended && (await vscode.commands.getCommands(true)).includes('agentgraph.showTrace')) {
          await vscode.commands.executeCommand('agentgraph.showTrace');
          return;
        }
        await vscode.commands.executeCommand('agentgraph.openTrace');
        return;
      }
    }
  }

  dispose(): void {
    this.throttle.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

export interface LastRunDeps {
  context: vscode.ExtensionContext;
  runs: RunBus;
  diagram: DiagramPanel;
  request: Requester;
  log: (message: string) => void;
}

/** The registration at the extension's seam: the diagram's run overlay and the last-run lenses. */
export function registerLastRun(d: LastRunDeps): void {
  const lastRuns = new LastRuns();
  const feed = new RunFeed(d.runs, d.diagram, lastRuns, d.log);
  const lens = new LastRunLens(lastRuns, d.request);
  d.context.subscriptions.push(lastRuns, feed, lens, vscode.languages.registerCodeLensProvider({ language: 'agentgraph' }, lens));
}
