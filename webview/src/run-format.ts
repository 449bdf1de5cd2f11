// How run figures read, in the diagram's run header and node captions and in the editor's last-run
// lenses: money with enough digits to tell cheap calls apart, durations in the largest fitting
// unit, counts with their noun. Pure (no DOM, no `vscode`), so both sides share it.

import type { RunNodeState, RunStatus } from './protocol.ts';

/** `$0.0031`, `$0.12`, `$1.50`: four significant decimals below a cent, two above. */
export function formatUsd(v: number): string {
  if (!Number.isFinite(v) || v <= 0) return '$0';
  if (v < 0.0001) return '<$0.0001';
  if (v < 0.01) return `$${v.toFixed(4)}`;
  if (v < 100) return `$${v.toFixed(2)}`;
  return `$${Math.round(v).toLocaleString('en-US')}`;
}

/** `350 ms`, `1.2 s`, `4 min 05 s`, `2 h 10 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const totalS = Math.round(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return `${m} min ${String(totalS % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `1,240` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export const STATUS_LABEL: Record<RunStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  budget_exceeded: 'Budget exceeded',
  cancelled: 'Cancelled',
};

export const NODE_STATUS_LABEL: Record<RunNodeState['status'], string> = {
  queued: 'queued',
  running: 'running',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
  skipped: 'skipped',
  waiting_for_human: 'waiting for a person',
};

/** The figures under a node in the diagram: `$0.0031 · 2 attempts · 3/5 done`. */
export function nodeCaption(n: RunNodeState): string {
  const parts: string[] = [];
  if (n.fanOut && n.fanOut.total > 0) parts.push(`${n.fanOut.done}/${n.fanOut.total} done${n.fanOut.failed ? `, ${n.fanOut.failed} failed` : ''}`);
  if (n.costUsd > 0) parts.push(formatUsd(n.costUsd));
  if (n.attempts > Math.max(1, n.executions)) parts.push(plural(n.attempts, 'attempt'));
  if (n.executions > 1 && !n.fanOut) parts.push(`ran ${n.executions}×`);
  return parts.join(' · ');
}

/** A finished node in the editor: `⏱ 1.2 s · $0.0031 · 2 attempts`. */
export function lastRunText(n: RunNodeState): string {
  const parts = [`⏱ ${formatDuration(n.latencyMs)}`];
  if (n.costUsd > 0) parts.push(formatUsd(n.costUsd));
  parts.push(plural(n.attempts, 'attempt'));
  if (n.executions > 1) parts.push(`ran ${n.executions}×`);
  if (n.status !== 'succeeded') parts.push(NODE_STATUS_LABEL[n.status]);
  return parts.join(' · ');
}
