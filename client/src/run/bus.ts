// The run bus: the one place where every execution the editor starts (a run from the palette, a
// debug session, a fault simulation, an eval case) publishes its trace events, and where the views
// that show runs (the diagram's live overlay, the trace viewer, the last-run code lenses) listen.
// Producers and views never know each other; they only know this bus. Event types come from the
// runtime (`import type` only: no runtime code is bundled into the client through this file).

import * as vscode from 'vscode';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';

export type RunKind = 'run' | 'debug' | 'faults' | 'eval' | 'replay';

/** One execution as the editor sees it. */
export interface RunSessionInfo {
  /** Unique per session in this window (not the runtime's run id, which is known only after run_start). */
  readonly id: string;
  readonly kind: RunKind;
  /** The spec file that declares the graph. */
  readonly specUri: vscode.Uri;
  readonly graph: string;
  /** 'simulated' | 'openai' | … as chosen by the user. */
  readonly provider: string;
  readonly startedAt: number;
}

export interface RunEventMessage {
  session: RunSessionInfo;
  event: RunEvent;
}

export interface RunEndMessage {
  session: RunSessionInfo;
  /** The runtime's run id (from run_start), when the run got that far. */
  runId?: string;
  /** trace.jsonl of the run, when it was written to disk. */
  tracePath?: string;
  /** Failure before or outside the runtime (the process crashed, the spec did not compile). */
  error?: string;
}

export class RunBus implements vscode.Disposable {
  private readonly started = new vscode.EventEmitter<RunSessionInfo>();
  private readonly events = new vscode.EventEmitter<RunEventMessage>();
  private readonly ended = new vscode.EventEmitter<RunEndMessage>();
  private readonly live = new Map<string, RunSessionInfo>();
  private counter = 0;

  readonly onDidStart = this.started.event;
  readonly onDidEvent = this.events.event;
  readonly onDidEnd = this.ended.event;

  /** Announces a new execution and returns its session. */
  start(kind: RunKind, specUri: vscode.Uri, graph: string, provider: string): RunSessionInfo {
    const session: RunSessionInfo = { id: `${kind}-${++this.counter}`, kind, specUri, graph, provider, startedAt: Date.now() };
    this.live.set(session.id, session);
    this.started.fire(session);
    return session;
  }

  publish(session: RunSessionInfo, event: RunEvent): void {
    this.events.fire({ session, event });
  }

  end(message: RunEndMessage): void {
    if (!this.live.delete(message.session.id)) return;
    this.ended.fire(message);
  }

  /** Sessions that have started and not ended. */
  get running(): RunSessionInfo[] {
    return [...this.live.values()];
  }

  dispose(): void {
    this.started.dispose();
    this.events.dispose();
    this.ended.dispose();
  }
}
