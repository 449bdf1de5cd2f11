// Text output for runs: live progress from the event stream (one line per change, or a single
// status line rewritten in place on a terminal) and the summary table printed at the end.

import type { RunResult } from './run.ts';
import type { RunEvent } from './trace.ts';

export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const money = (n: number) => `$${n.toFixed(n > 0 && n < 0.01 ? 6 : 4)}`;

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** Shows node status changes as they happen. */
export class ProgressPrinter {
  private start?: number;
  private readonly running = new Set<string>();
  private steps = 0;
  private lastLine = '';

  constructor(
    private readonly out: TextSink,
    private readonly tty = out.isTTY === true,
  ) {}

  onEvent = (e: RunEvent): void => {
    this.start ??= e.time;
    if (e.type === 'budget') this.steps = e.totals.steps;
    if (e.type !== 'node_status' || e.status === 'queued') return;
    const who = e.instance === undefined ? e.node : `${e.node}[${e.instance}]`;
    if (e.status === 'running' || e.status === 'waiting_for_human' || e.status === 'retrying') this.running.add(who);
    else this.running.delete(who);
    const at = `+${formatMs(e.time - this.start)}`.padStart(8);
    const detail = e.status === 'retrying' && e.attempt ? ` (attempt ${e.attempt})` : e.status === 'failed' && e.error ? `: ${e.error}` : '';
    const line = `${at}  ${who.padEnd(24)} ${e.status.padEnd(18)} ${money(e.costUsd)}${detail}`;
    if (!this.tty) {
      this.out.write(`${line}\n`);
      return;
    }
    // On a terminal, failures and retries stay on screen; everything else updates one line.
    if (e.status === 'failed' || e.status === 'retrying') this.out.write(`\r\u001b[K${line}\n`);
    const now = [...this.running].slice(0, 4).join(', ') + (this.running.size > 4 ? `, +${this.running.size - 4}` : '');
    this.lastLine = `${at}  ${this.steps} steps  ${money(e.costUsd)}  ${now ? `running: ${now}` : `${who} ${e.status}`}`;
    this.out.write(`\r\u001b[K${this.lastLine.slice(0, 160)}`);
  };

  /** Clears the status line before other output. */
  done(): void {
    if (this.tty && this.lastLine) this.out.write('\r\u001b[K');
  }
}

function table(rows: string[][], rightAligned: Set<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The per-node table and the totals line. */
export function formatSummary(r: RunResult): string {
  const rows = [['node', 'kind', 'runs', 'attempts', 'tokens', 'cost', 'latency', 'status']];
  for (const n of r.nodes) {
    rows.push([n.node, n.kind, String(n.executions), String(n.attempts), String(n.tokens), money(n.costUsd), formatMs(n.latencyMs), n.status + (n.cacheHits ? ` (${n.cacheHits} cached)` : '')]);
  }
  const t = r.totals;
  rows.push(['total', '', String(t.steps), String(r.nodes.reduce((s, n) => s + n.attempts, 0)), String(t.tokens), money(t.costUsd), formatMs(t.latencyMs), r.outcome]);
  const lines = [table(rows, new Set([2, 3, 4, 5, 6]))];
  lines.push(`${t.modelCalls} model calls, ${t.toolCalls} tool calls${t.humanWaitMs ? `, ${formatMs(t.humanWaitMs)} waiting for people` : ''}${r.escalated ? ', escalated' : ''}`);
  if (r.error) lines.push(`${r.outcome}: ${r.error.message}`);
  lines.push(`run ${r.runId}${r.tracePath ? ` · trace ${r.tracePath}` : ''}`);
  return `${lines.join('\n')}\n`;
}
