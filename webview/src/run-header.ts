/// <reference lib="dom" />
// The run header of the diagram view: shown while a run is on the diagram (live, or the last one
// until cleared). It tells the outcome and the elapsed time, shows the budget used so far against
// the graph's budget (a bar per limit, warning from 80 %, error when over), the failure (as text),
// and offers Cancel (while the run goes), Open Trace and Clear. Buttons post a `runAction`.

import type { RunBudgetState, RunSnapshot } from './protocol.ts';
import { formatCount, formatDuration, formatUsd, STATUS_LABEL } from './run-format.ts';

export type RunAction = 'cancel' | 'openTrace' | 'clear';

/** Used share of a limit from which the bar turns to the warning colour. */
export const WARN_AT = 0.8;

const STATUS_ICON: Record<RunSnapshot['status'], string> = {
  running: '●',
  succeeded: '✓',
  failed: '✗',
  budget_exceeded: '⚠',
  cancelled: '⏹',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

interface Meter {
  key: 'cost' | 'steps' | 'latency' | 'tokens';
  label: string;
  used: number;
  limit: number | undefined;
  text: (v: number) => string;
}

function meters(b: RunBudgetState): Meter[] {
  return [
    { key: 'cost', label: 'Cost', used: b.costUsd, limit: b.limits.costUsd, text: formatUsd },
    { key: 'steps', label: 'Steps', used: b.steps, limit: b.limits.steps, text: formatCount },
    { key: 'latency', label: 'Latency', used: b.latencyMs, limit: b.limits.latencyMs, text: formatDuration },
    { key: 'tokens', label: 'Tokens', used: b.tokens, limit: b.limits.tokens, text: formatCount },
  ];
}

export class RunHeader {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly title: HTMLElement;
  private readonly elapsed: HTMLElement;
  private readonly budget: HTMLElement;
  private readonly error: HTMLElement;
  private readonly cancel: HTMLElement;
  private readonly openTrace: HTMLElement;
  private readonly clear: HTMLElement;
  private run: RunSnapshot | undefined;
  /** performance.now() when the shown snapshot arrived, to keep the elapsed time ticking. */
  private receivedAt = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly onAction: (action: RunAction, session: string) => void) {
    this.element = el('section', { class: 'ag-run', 'aria-label': 'Run', hidden: '' });
    const line = el('div', { class: 'ag-run-line' });
    this.status = el('span', { class: 'ag-run-status', role: 'status', 'aria-live': 'polite' });
    this.title = el('span', { class: 'ag-run-title' });
    this.elapsed = el('span', { class: 'ag-run-elapsed', title: 'Elapsed (wall clock)' });
    this.cancel = el('vscode-button', { class: 'ag-run-cancel', secondary: '', title: 'Cancel the run' }, 'Cancel');
    this.openTrace = el('vscode-button', { class: 'ag-run-open-trace', secondary: '', title: "Open the run's trace" }, 'Open Trace');
    this.clear = el('vscode-button', { class: 'ag-run-clear', secondary: '', title: 'Remove the run from the diagram' }, 'Clear');
    line.append(this.status, this.title, this.elapsed, el('span', { class: 'ag-spacer' }), this.cancel, this.openTrace, this.clear);
    this.budget = el('div', { class: 'ag-run-budget', role: 'group', 'aria-label': 'Budget used' });
    this.error = el('div', { class: 'ag-run-error', role: 'alert', hidden: '' });
    this.element.append(line, this.budget, this.error);
    const act = (action: RunAction) => () => {
      if (this.run) this.onAction(action, this.run.session);
    };
    this.cancel.addEventListener('click', act('cancel'));
    this.openTrace.addEventListener('click', act('openTrace'));
    this.clear.addEventListener('click', act('clear'));
  }

  get shown(): RunSnapshot | undefined {
    return this.run;
  }

  update(run: RunSnapshot | undefined): void {
    this.run = run;
    this.receivedAt = performance.now();
    if (!run) {
      this.element.hidden = true;
      this.stopTicker();
      return;
    }
    this.element.hidden = false;
    this.element.dataset.status = run.status;
    this.status.textContent = `${STATUS_ICON[run.status]} ${STATUS_LABEL[run.status]}`;
    this.status.className = `ag-run-status ag-run-status-${run.status.replace(/_/g, '-')}`;
    const who = run.kind === 'run' ? '' : ` (${run.kind})`;
    this.title.textContent = `${run.graph}${who} · ${run.provider}`;
    this.title.title = run.runId ? `Run ${run.runId}` : 'Starting…';
    this.cancel.hidden = run.ended || run.status !== 'running';
    this.updateElapsed();
    if (run.ended) this.stopTicker();
    else this.ticker ??= setInterval(() => this.updateElapsed(), 1000);
    this.renderBudget(run.budget);
    // The runtime's message names the failing node already.
    const err = run.error ?? '';
    this.error.textContent = err;
    this.error.hidden = !err;
  }

  private updateElapsed(): void {
    const r = this.run;
    if (!r) return;
    const ms = r.ended ? r.wallMs : r.wallMs + (performance.now() - this.receivedAt);
    this.elapsed.textContent = formatDuration(ms);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private renderBudget(b: RunBudgetState | undefined): void {
    if (!b) {
      this.budget.replaceChildren();
      return;
    }
    const items = meters(b).filter((m) => m.limit !== undefined || m.key === 'cost' || m.key === 'steps');
    const have = [...this.budget.children] as HTMLElement[];
    if (have.map((x) => x.dataset.key).join() !== items.map((m) => m.key).join()) {
      this.budget.replaceChildren(...items.map((m) => this.meterElement(m)));
    }
    items.forEach((m, i) => this.fillMeter(this.budget.children[i] as HTMLElement, m));
  }

  private meterElement(m: Meter): HTMLElement {
    const box = el('div', { class: `ag-meter ag-meter-${m.key}`, 'data-key': m.key });
    const bar = el('div', { class: 'ag-meter-bar', role: 'meter', 'aria-label': `${m.label} used`, 'aria-valuemin': '0' });
    bar.append(el('div', { class: 'ag-meter-fill' }));
    box.append(el('span', { class: 'ag-meter-label' }, m.label), bar, el('span', { class: 'ag-meter-text' }));
    return box;
  }

  private fillMeter(box: HTMLElement, m: Meter): void {
    const bar = box.querySelector<HTMLElement>('.ag-meter-bar')!;
    const fill = box.querySelector<HTMLElement>('.ag-meter-fill')!;
    const text = box.querySelector<HTMLElement>('.ag-meter-text')!;
    const share = m.limit !== undefined && m.limit > 0 ? m.used / m.limit : undefined;
    bar.hidden = share === undefined;
    bar.setAttribute('aria-valuenow', String(m.used));
    if (m.limit !== undefined) bar.setAttribute('aria-valuemax', String(m.limit));
    else bar.removeAttribute('aria-valuemax');
    fill.style.width = `${Math.min(100, Math.max(0, (share ?? 0) * 100)).toFixed(1)}%`;
    box.classList.toggle('ag-meter-warn', share !== undefined && share >= WARN_AT && share < 1);
    box.classList.toggle('ag-meter-over', share !== undefined && share >= 1);
    const t = m.limit !== undefined ? `${m.text(m.used)} / ${m.text(m.limit)}` : m.text(m.used);
    text.textContent = t;
    bar.setAttribute('aria-valuetext', t);
    box.title = share !== undefined ? `${m.label}: ${t} (${Math.round(share * 100)} % of the budget)` : `${m.label}: ${t} (no limit)`;
  }
}
