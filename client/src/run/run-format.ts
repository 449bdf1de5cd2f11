// Texts of a run in the editor, as pure functions of the run's events and result: the progress
// notification's line (current node, nodes finished, retries, cost) and the summary shown when the
// run ends (outcome, cost, latency). No `vscode` import, so they are unit-tested directly.

import type { DoneMessage } from '../../../server/src/runhost/protocol.ts';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';

/** Follows a run's events and describes its progress in one line. */
export class RunProgress {
  private readonly running = new Set<string>();
  private readonly finished = new Set<string>();
  private retries = 0;
  private waiting = new Set<string>();
  private cost = 0;

  onEvent(e: RunEvent): void {
    if (e.type === 'node_status') {
      this.cost = Math.max(this.cost, e.costUsd);
      const key = e.instance === undefined ? e.node : `${e.node}#${e.instance}`;
      if (e.status === 'running') this.running.add(key);
      else if (e.status === 'retrying') this.retries++;
      else if (e.status === 'waiting_for_human') this.waiting.add(e.node);
      else if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'skipped') {
        this.running.delete(key);
        this.waiting.delete(e.node);
        if (e.status !== 'skipped') this.finished.add(key);
      }
    } else if (e.type === 'budget' || e.type === 'run_end') {
      this.cost = Math.max(this.cost, e.totals.costUsd);
    }
  }

  text(): string {
    const parts: string[] = [];
    if (this.waiting.size) parts.push(`waiting for ${[...this.waiting].join(', ')}`);
    else if (this.running.size) parts.push([...this.running].map((k) => k.replace(/#\d+$/, '')).filter((v, i, a) => a.indexOf(v) === i).join(', '));
    parts.push(`${this.finished.size} node${this.finished.size === 1 ? '' : 's'} done`);
    if (this.retries) parts.push(`${this.retries} retr${this.retries === 1 ? 'y' : 'ies'}`);
    parts.push(formatCost(this.cost));
    return parts.join(' · ');
  }
}

export function formatCost(usd: number): string {
  // A cheap simulated call costs millionths of a dollar; "$0.0000" would read as free.
  if (usd > 0 && usd < 0.0001) return '<$0.0001';
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatLatency(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const OUTCOME: Record<DoneMessage['outcome'], string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  budget_exceeded: 'stopped: over budget',
  cancelled: 'was cancelled',
};

/** "Support succeeded · $0.0213 · 4.2 s simulated · 9 model calls" (plus the error when there is one). */
export function runSummary(done: DoneMessage, provider: string): string {
  const t = done.totals;
  const latency = `${formatLatency(t.latencyMs)}${provider === 'simulated' ? ' simulated' : ''}`;
  const parts = [`${done.graph} ${OUTCOME[done.outcome]}`, formatCost(t.costUsd), latency, `${t.modelCalls} model call${t.modelCalls === 1 ? '' : 's'}`];
  if (done.escalated) parts.push('escalated');
  const head = parts.join(' · ');
  return done.error && done.outcome !== 'cancelled' ? `${head}: ${done.error.message}` : head;
}
