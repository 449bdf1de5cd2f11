/// <reference lib="dom" />
// The trace webview (dist/trace.js): a trace file, a live run or a comparison of two runs. A trace
// shows a summary header, a filter box, the span timeline and the selected span's details.
// Events of a live run arrive in batches and are drawn at most once per animation frame, so
// thousands of events stay smooth. Everything from the trace is rendered as text.

import { renderCompare } from './compare-view.ts';
import { renderDetails } from './details.ts';
import { clear, el } from './dom.ts';
import { formatCost, formatMs } from './format.ts';
import { renderAxis, renderRows, ROW_HEIGHT, type GanttState } from './gantt.ts';
import { flatten, parseTrace, sourceOf, str, TraceBuilder, type TraceModel, type TraceSpan } from './model.ts';
import type { FromTraceView, ToTraceView } from './protocol.ts';

interface RawApi {
  postMessage(message: unknown): void;
}

const api: RawApi | undefined = (() => {
  const w = window as unknown as { acquireVsCodeApi?: () => RawApi };
  try {
    return typeof w.acquireVsCodeApi === 'function' ? w.acquireVsCodeApi() : undefined;
  } catch {
    return undefined;
  }
})();

const post = (m: FromTraceView) => api?.postMessage(m);

const app = document.getElementById('app') ?? document.body;

let builder = new TraceBuilder();
let title = '';
let live: 'no' | 'running' | 'ended' = 'no';
let liveError: string | undefined;
/** The provider the editor chose for a live run, until the run span says it. */
let liveProvider: string | undefined;
let filter = '';
const gantt: GanttState = { collapsed: new Set() };
let frame = 0;
/** The rows as last computed (filter and collapsed spans applied); recomputed when marked stale. */
let rows: TraceSpan[] = [];
let rowsStale = true;
/** Rows drawn above and below the visible ones, so scrolling shows no gaps. */
const OVERSCAN = 20;
/** Height of the sticky time axis above the rows (styles.css `.tv-axis`). */
const AXIS_HEIGHT = 20;
let shownDetailsFor: { id: string; record: unknown; streamed: number } | undefined;

// The static frame of the trace view; parts are re-filled on render.
const header = el('header', { class: 'tv-summary', attrs: { 'aria-live': 'polite' } });
const problems = el('div', { class: 'tv-problems', attrs: { role: 'status' } });
const filterBox = el('input', {
  class: 'tv-filter',
  attrs: { type: 'search', placeholder: 'Filter by node, kind or status', 'aria-label': 'Filter spans' },
  on: {
    input: () => {
      filter = filterBox.value.trim().toLowerCase();
      rowsStale = true;
      schedule();
    },
  },
});
const toolbar = el('div', { class: 'tv-toolbar' }, [
  filterBox,
  el('button', { class: 'tv-compare-btn', text: 'Compare with…', title: 'Compare this run with another run', on: { click: () => post({ type: 'compareWith' }) } }),
]);
const axisHost = el('div', { class: 'tv-axis-host' });
const rowsHost = el('div', { class: 'tv-rows-host' });
const ganttPane = el('div', { class: 'tv-gantt', attrs: { tabindex: '0', 'aria-label': 'Span timeline (arrow keys move, Enter reveals, left/right collapse)' } }, [axisHost, rowsHost]);
const details = el('aside', { class: 'tv-details', attrs: { 'aria-label': 'Span details' } });
const traceView = el('div', { class: 'tv-trace' }, [header, problems, toolbar, el('div', { class: 'tv-main' }, [ganttPane, details])]);

function model(): TraceModel {
  return builder.trace;
}

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

/** Rows to show: everything, or the spans matching the filter together with their ancestors. */
function visibleRows(m: TraceModel): TraceSpan[] {
  if (!filter) return flatten(m, gantt.collapsed);
  const keep = new Set<string>();
  for (const s of m.spans.values()) {
    const r = s.record;
    // Statuses also match in the words the run summary uses (failed, succeeded).
    const status = r.status === 'error' ? 'error failed' : r.status === 'ok' ? 'ok succeeded' : (r.status ?? 'running');
    const hay = `${r.name} ${r.kind} ${status} ${str(r.attributes['agentgraph.node']) ?? ''} ${str(r.attributes['gen_ai.tool.name']) ?? ''}`.toLowerCase();
    if (!hay.includes(filter)) continue;
    for (let p: TraceSpan | undefined = s; p && !keep.has(p.record.id); p = p.record.parentId !== undefined ? m.spans.get(p.record.parentId) : undefined) keep.add(p.record.id);
  }
  return flatten(m, gantt.collapsed).filter((s) => keep.has(s.record.id));
}

function stat(label: string, value: string | undefined, cls = ''): HTMLElement | undefined {
  if (!value) return undefined;
  return el('div', { class: `tv-stat ${cls}`.trim() }, [el('span', { class: 'tv-stat-label', text: label }), el('span', { class: 'tv-stat-value', text: value })]);
}

function renderHeader(m: TraceModel): void {
  clear(header);
  const outcome = m.outcome ?? (live === 'running' ? 'running' : live === 'ended' ? 'ended' : 'incomplete');
  const t = m.totals;
  header.append(
    el('h1', { text: title }),
    el('div', { class: 'tv-stats' }, [
      stat('Outcome', outcome, `tv-outcome tv-outcome-${outcome}`),
      stat('Cost', t ? formatCost(t.costUsd) : undefined),
      stat('Tokens', t ? String(t.tokens) : undefined),
      stat('Latency', t ? formatMs(t.latencyMs) : formatMs(m.lastTime - (m.startTime ?? m.lastTime))),
      stat('Steps', t ? String(t.steps) : undefined),
      stat('Graph', m.graph),
      stat('Provider', m.provider ?? liveProvider),
      stat('Run', m.runId, 'tv-run-id'),
    ]),
  );
  const errs: HTMLElement[] = [];
  if (m.error) errs.push(el('p', { class: 'tv-run-error', text: m.error }));
  if (liveError) errs.push(el('p', { class: 'tv-run-error', text: liveError }));
  header.append(...errs);
}

function renderProblems(m: TraceModel): void {
  clear(problems);
  if (!m.problems.length) return;
  const shown = m.problems.slice(0, 20);
  problems.append(
    el('p', { text: `${m.problems.length} malformed line${m.problems.length === 1 ? '' : 's'} skipped:` }),
    el('ul', {}, shown.map((p) => el('li', { text: `line ${p.line}: ${p.message}` }))),
  );
}

function renderDetailsPane(m: TraceModel): void {
  const span = gantt.selected !== undefined ? m.spans.get(gantt.selected) : undefined;
  // Re-render only when the selection or its record changed: keeps expanded payloads expanded
  // while a live run goes on.
  const streamed = span ? (m.streamed.get(span.record.id)?.length ?? 0) : 0;
  if (shownDetailsFor && span && shownDetailsFor.id === span.record.id && shownDetailsFor.record === span.record && shownDetailsFor.streamed === streamed) return;
  shownDetailsFor = span ? { id: span.record.id, record: span.record, streamed } : undefined;
  clear(details);
  details.appendChild(renderDetails(m, span, { copy: (text) => post({ type: 'copy', text }), reveal }));
}

/** Draws the rows in view (the list is virtual: see gantt.ts). */
function drawRows(): void {
  const top = ganttPane.scrollTop;
  const height = ganttPane.clientHeight || 800;
  const from = Math.floor(top / ROW_HEIGHT) - OVERSCAN;
  const to = Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN;
  clear(rowsHost);
  rowsHost.appendChild(renderRows(model(), rows, from, to, gantt, { select, toggle }));
}

function render(): void {
  const m = model();
  if (traceView.parentElement !== app) {
    clear(app);
    app.appendChild(traceView);
  }
  renderHeader(m);
  renderProblems(m);
  if (rowsStale) {
    rows = visibleRows(m);
    rowsStale = false;
  }
  if (gantt.selected === undefined && rows.length) gantt.selected = rows[0]!.record.id;
  drawAxis(m);
  drawRows();
  renderDetailsPane(m);
  post({ type: 'rendered', spans: rows.length, problems: m.problems.length });
}

/** Draws the time axis; its track is the host minus the label column (260 px) and its right margin (80 px). */
function drawAxis(m: TraceModel): void {
  clear(axisHost);
  const width = axisHost.clientWidth > 0 ? axisHost.clientWidth - 260 - 80 : undefined;
  axisHost.appendChild(renderAxis(Math.max(1, m.lastTime - (m.startTime ?? 0)), width));
}

// The tick count depends on the width, so a resized editor column redraws the axis (only).
window.addEventListener('resize', () => {
  if (traceView.parentElement === app) drawAxis(model());
});

/** Scrolls the timeline just enough to show row `i` below the sticky axis. */
function scrollToRow(i: number): void {
  const top = i * ROW_HEIGHT;
  const view = ganttPane.clientHeight - AXIS_HEIGHT;
  if (top < ganttPane.scrollTop) ganttPane.scrollTop = top;
  else if (top + ROW_HEIGHT > ganttPane.scrollTop + view) ganttPane.scrollTop = top + ROW_HEIGHT - view;
}

let scrollFrame = 0;
ganttPane.addEventListener('scroll', () => {
  if (scrollFrame) return;
  scrollFrame = requestAnimationFrame(() => {
    scrollFrame = 0;
    drawRows();
  });
});

function reveal(span: TraceSpan): void {
  const range = sourceOf(model(), span);
  if (range) post({ type: 'reveal', spanId: span.record.id, range });
}

function select(id: string, andReveal: boolean): void {
  gantt.selected = id;
  const span = model().spans.get(id);
  const i = rows.findIndex((s) => s.record.id === id);
  if (i >= 0) scrollToRow(i);
  // Only the rows in view and the details are redrawn: arrow keys stay fast on large traces.
  drawRows();
  renderDetailsPane(model());
  if (andReveal && span) reveal(span);
}

function toggle(id: string): void {
  if (gantt.collapsed.has(id)) gantt.collapsed.delete(id);
  else gantt.collapsed.add(id);
  rowsStale = true;
  render();
}

ganttPane.addEventListener('keydown', (e) => {
  const m = model();
  if (rowsStale) {
    rows = visibleRows(m);
    rowsStale = false;
  }
  const i = rows.findIndex((s) => s.record.id === gantt.selected);
  const cur = rows[i];
  let next: TraceSpan | undefined;
  switch (e.key) {
    case 'ArrowDown':
      next = rows[Math.min(rows.length - 1, i + 1)];
      break;
    case 'ArrowUp':
      next = rows[Math.max(0, i - 1)];
      break;
    case 'Home':
      next = rows[0];
      break;
    case 'End':
      next = rows[rows.length - 1];
      break;
    case 'ArrowLeft':
      if (cur && cur.children.length && !gantt.collapsed.has(cur.record.id)) toggle(cur.record.id);
      else if (cur?.record.parentId !== undefined) next = m.spans.get(cur.record.parentId);
      break;
    case 'ArrowRight':
      if (cur && gantt.collapsed.has(cur.record.id)) toggle(cur.record.id);
      else next = cur?.children[0];
      break;
    case 'Enter':
      if (cur) reveal(cur);
      break;
    default:
      return;
  }
  e.preventDefault();
  if (next) select(next.record.id, false);
});

function reset(newTitle: string): void {
  builder = new TraceBuilder();
  title = newTitle;
  gantt.selected = undefined;
  gantt.collapsed.clear();
  shownDetailsFor = undefined;
  liveError = undefined;
  liveProvider = undefined;
  rowsStale = true;
  ganttPane.scrollTop = 0;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const msg = ev.data as ToTraceView;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'trace':
      reset(msg.title);
      live = 'no';
      builder.addText(msg.text);
      render();
      break;
    case 'live':
      reset(msg.title);
      live = 'running';
      liveProvider = msg.provider;
      render();
      break;
    case 'events':
      for (const e of msg.events) builder.add(e);
      rowsStale = true;
      schedule();
      break;
    case 'ended':
      live = 'ended';
      liveError = msg.error;
      schedule();
      break;
    case 'compare': {
      const view = renderCompare(msg.left.title, parseTrace(msg.left.text), msg.right.title, parseTrace(msg.right.text));
      clear(app);
      app.appendChild(view);
      post({ type: 'rendered', spans: 0, problems: 0 });
      break;
    }
  }
});

clear(app);
app.appendChild(el('p', { class: 'tv-loading', text: 'Waiting for the trace…' }));
post({ type: 'ready' });
