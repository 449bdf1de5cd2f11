/// <reference lib="dom" />
// The timeline: one row per span (indented by nesting, collapsible), a bar placed on a shared time
// axis, coloured by kind and status through theme variables (styles.css). The list is virtual:
// only the rows in view (plus a margin) exist in the DOM, placed by index at a fixed height, so a
// trace with thousands of spans renders, scrolls and updates live as fast as a small one.

import { el } from './dom.ts';
import { formatCost, formatMs } from './format.ts';
import { durationOf, num, str, type TraceModel, type TraceSpan } from './model.ts';

export interface GanttState {
  selected?: string;
  collapsed: Set<string>;
}

/** Height of one row in CSS pixels (styles.css `.tv-row`). */
export const ROW_HEIGHT = 22;

export interface GanttActions {
  select(id: string, reveal: boolean): void;
  toggle(id: string): void;
}

/** A "nice" tick step (1, 2 or 5 × 10^n ms) giving about `target` ticks over `span` ms. */
export function tickStep(spanMs: number, target = 6): number {
  if (spanMs <= 0) return 1;
  const raw = spanMs / target;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Pixels each tick label needs so neighbouring labels ("1.25 s", "480 ms") never overlap. */
const TICK_SPACING_PX = 64;

/**
 * The time axis. `trackWidthPx` is the width the ticks share (unknown before the first layout):
 * the tick count follows it, so a narrow editor column gets fewer ticks rather than overlapping
 * labels.
 */
export function renderAxis(total: number, trackWidthPx?: number): HTMLElement {
  const axis = el('div', { class: 'tv-axis', attrs: { 'aria-hidden': 'true' } }, [el('div', { class: 'tv-axis-label', text: 'Span' })]);
  const track = el('div', { class: 'tv-axis-track' });
  const target = trackWidthPx && trackWidthPx > 0 ? Math.max(1, Math.min(10, Math.floor(trackWidthPx / TICK_SPACING_PX))) : 6;
  const step = tickStep(total, target);
  for (let t = 0; t <= total + 1e-9 && total > 0; t += step) {
    const tick = el('span', { class: 'tv-tick', text: formatMs(t) });
    tick.style.left = `${(t / total) * 100}%`;
    track.appendChild(tick);
  }
  axis.appendChild(track);
  return axis;
}

function rowLabel(s: TraceSpan): string {
  const a = s.record.attributes;
  switch (s.record.kind) {
    case 'model_call':
      return `${str(a['agentgraph.model']) ?? 'model'} call${num(a['agentgraph.call']) ? ` ${num(a['agentgraph.call'])}` : ''}${a['agentgraph.repair'] === true ? ' (repair)' : ''}`;
    case 'tool_call':
      return `tool ${str(a['gen_ai.tool.name']) ?? s.record.name}`;
    default:
      return s.record.name;
  }
}

/** A short right-hand note: cost for model calls, the error for failed spans. */
function rowNote(s: TraceSpan): string {
  const a = s.record.attributes;
  if (s.record.status === 'error') return s.record.error ?? 'error';
  if (s.record.kind === 'model_call' && num(a['agentgraph.cost_usd']) !== undefined) return `${formatCost(num(a['agentgraph.cost_usd'])!)}${a['agentgraph.cache_hit'] === true ? ' · cached' : ''}`;
  return '';
}

/** Rows `from` to `to` (exclusive) of `rows`, each placed at its index. */
export function renderRows(model: TraceModel, rows: TraceSpan[], from: number, to: number, state: GanttState, actions: GanttActions): HTMLElement {
  const t0 = model.startTime ?? 0;
  const total = Math.max(1, model.lastTime - t0);
  const list = el('div', { class: 'tv-rows', attrs: { role: 'tree', 'aria-label': 'Spans', 'data-rows': String(rows.length) } });
  list.style.height = `${rows.length * ROW_HEIGHT}px`;
  for (let i = Math.max(0, from); i < Math.min(rows.length, to); i++) {
    const s = rows[i]!;
    const r = s.record;
    const id = r.id;
    const status = r.status ?? 'running';
    const hasChildren = s.children.length > 0;
    const collapsed = state.collapsed.has(id);
    const toggle = hasChildren
      ? el('button', {
          class: 'tv-toggle',
          text: collapsed ? '▸' : '▾',
          title: collapsed ? 'Expand' : 'Collapse',
          attrs: { 'aria-label': collapsed ? `Expand ${r.name}` : `Collapse ${r.name}`, tabindex: '-1' },
          on: {
            click: (e) => {
              e.stopPropagation();
              actions.toggle(id);
            },
          },
        })
      : el('span', { class: 'tv-toggle-space' });
    const label = el('div', { class: 'tv-label' }, [toggle, el('span', { class: `tv-dot tv-kind-${r.kind}` }), el('span', { class: 'tv-name', text: rowLabel(s) })]);
    label.style.paddingLeft = `${4 + s.depth * 14}px`;
    const bar = el('div', { class: `tv-bar tv-kind-${r.kind} tv-status-${status}`, title: `${r.kind} ${r.name}: ${formatMs(durationOf(model, r))} (${status})` });
    bar.style.left = `${((r.startMs - t0) / total) * 100}%`;
    bar.style.width = `max(2px, ${(durationOf(model, r) / total) * 100}%)`;
    const track = el('div', { class: 'tv-track' }, [bar, el('span', { class: 'tv-note', text: rowNote(s) })]);
    const row = el('div', {
      class: `tv-row tv-row-${r.kind} tv-status-${status}${state.selected === id ? ' tv-selected' : ''}`,
      attrs: {
        role: 'treeitem',
        'data-span-id': id,
        'data-kind': r.kind,
        'aria-level': String(s.depth + 1),
        'aria-selected': String(state.selected === id),
        ...(hasChildren ? { 'aria-expanded': String(!collapsed) } : {}),
      },
      on: { click: () => actions.select(id, true) },
    }, [label, track]);
    row.style.top = `${i * ROW_HEIGHT}px`;
    list.appendChild(row);
  }
  return list;
}
