/// <reference lib="dom" />
// The Compare Runs table: nodes in execution order, one column group per run (status, attempts,
// latency, cost, tokens, output), deltas with percentages, and the totals. Rows of a node only one
// run went through (a different route), a different output or status are highlighted.

import { compareTraces, type CompareRow, type Delta } from './diff.ts';
import { el } from './dom.ts';
import { formatCost, formatMs, formatPct, signed } from './format.ts';
import type { NodeSummary, TraceModel } from './model.ts';

const OUTPUT_CHARS = 120;

/** One-line JSON (a table cell has no room for pretty-printing); other text as it is. */
function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.replace(/\s+/g, ' ');
  }
}

function outputCell(n: NodeSummary | undefined, differs: boolean): HTMLElement {
  if (!n) return el('td', { class: 'tv-absent', text: 'not run', attrs: { colspan: '1' } });
  const text = n.output !== undefined ? compactJson(n.output) : (n.error ?? '');
  const shown = text.length > OUTPUT_CHARS ? `${text.slice(0, OUTPUT_CHARS)}…` : text;
  return el('td', { class: `tv-output${differs ? ' tv-differs' : ''}`, text: shown, title: text.length > OUTPUT_CHARS ? text.slice(0, 2000) : '' });
}

function sideCells(n: NodeSummary | undefined, row: CompareRow): HTMLElement[] {
  if (!n) return [el('td', { class: 'tv-absent', text: '—' }), el('td', { class: 'tv-absent' }), el('td', { class: 'tv-absent' }), el('td', { class: 'tv-absent' }), el('td', { class: 'tv-absent' }), outputCell(undefined, false)];
  return [
    el('td', { class: `tv-status tv-status-${n.status}${row.statusDiffers ? ' tv-differs' : ''}`, text: n.status }),
    el('td', { class: `tv-num${row.attemptsDiffer ? ' tv-differs' : ''}`, text: String(n.attempts) }),
    el('td', { class: 'tv-num', text: formatMs(n.latencyMs) }),
    el('td', { class: 'tv-num', text: formatCost(n.costUsd) }),
    el('td', { class: 'tv-num', text: String(n.tokens) }),
    outputCell(n, row.outputDiffers),
  ];
}

function deltaCell(d: Delta | undefined, f: (x: number) => string): HTMLElement {
  if (!d) return el('td', { class: 'tv-num tv-absent', text: '' });
  const cls = d.abs > 0 ? 'tv-up' : d.abs < 0 ? 'tv-down' : 'tv-same';
  const pct = formatPct(d.pct);
  return el('td', { class: `tv-num tv-delta ${cls}`, text: d.abs === 0 ? '=' : `${signed(d.abs, f)}${pct ? ` (${pct})` : ''}` });
}

export function renderCompare(leftTitle: string, left: TraceModel, rightTitle: string, right: TraceModel): HTMLElement {
  const c = compareTraces(left, right);
  const head = el('thead', {}, [
    el('tr', {}, [
      el('th', { text: '' }),
      el('th', { class: 'tv-side', text: `A: ${leftTitle}`, attrs: { colspan: '6' } }),
      el('th', { class: 'tv-side', text: `B: ${rightTitle}`, attrs: { colspan: '6' } }),
      el('th', { text: 'B − A', attrs: { colspan: '3' } }),
    ]),
    el('tr', {}, ['Node', 'Status', 'Attempts', 'Latency', 'Cost', 'Tokens', 'Output', 'Status', 'Attempts', 'Latency', 'Cost', 'Tokens', 'Output', 'Cost', 'Latency', 'Tokens'].map((t) => el('th', { text: t }))),
  ]);
  const body = el(
    'tbody',
    {},
    c.rows.map((row) => {
      const cls = ['tv-cmp-row', row.presence !== 'both' ? `tv-only-${row.presence}` : '', row.outputDiffers ? 'tv-output-differs' : '', row.statusDiffers ? 'tv-status-differs' : ''].filter(Boolean).join(' ');
      const note = row.presence === 'left' ? 'only in A' : row.presence === 'right' ? 'only in B' : '';
      return el('tr', { class: cls, attrs: { 'data-key': row.key, 'data-presence': row.presence } }, [
        el('th', { class: 'tv-node', attrs: { scope: 'row' } }, [el('span', { text: row.key.endsWith('#1') ? row.key.slice(0, -2) : row.key.replace(/#(\d+)$/, ' #$1') }), note ? el('span', { class: 'tv-route', text: note }) : undefined]),
        ...sideCells(row.left, row),
        ...sideCells(row.right, row),
        deltaCell(row.cost, formatCost),
        deltaCell(row.latency, formatMs),
        deltaCell(row.tokens, String),
      ]);
    }),
  );
  const t = c.totals;
  const foot = el('tfoot', {}, [
    el('tr', { class: 'tv-totals' }, [
      el('th', { text: 'Total', attrs: { scope: 'row' } }),
      el('td', { text: c.outcome.left ?? '' }),
      el('td', { class: 'tv-num', text: `${t.steps.left} steps` }),
      el('td', { class: 'tv-num', text: formatMs(t.latency.left) }),
      el('td', { class: 'tv-num', text: formatCost(t.cost.left) }),
      el('td', { class: 'tv-num', text: String(t.tokens.left) }),
      el('td', {}),
      el('td', { text: c.outcome.right ?? '' }),
      el('td', { class: 'tv-num', text: `${t.steps.right} steps` }),
      el('td', { class: 'tv-num', text: formatMs(t.latency.right) }),
      el('td', { class: 'tv-num', text: formatCost(t.cost.right) }),
      el('td', { class: 'tv-num', text: String(t.tokens.right) }),
      el('td', {}),
      deltaCell(t.cost, formatCost),
      deltaCell(t.latency, formatMs),
      deltaCell(t.tokens, String),
    ]),
  ]);
  const summary = el('div', { class: 'tv-cmp-summary' }, [
    el('span', { class: c.routeDiffers ? 'tv-route-differs' : 'tv-route-same', text: c.routeDiffers ? 'Different route: some nodes ran in only one of the runs.' : 'Same route.' }),
    el('span', { text: `${c.rows.filter((r) => r.outputDiffers).length} node output(s) differ.` }),
  ]);
  return el('div', { class: 'tv-compare' }, [el('h2', { text: 'Compare runs' }), summary, el('div', { class: 'tv-cmp-scroll' }, [el('table', { class: 'tv-cmp-table' }, [head, body, foot])])]);
}
