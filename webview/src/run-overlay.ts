/// <reference lib="dom" />
// The run overlay on the rendered diagram: each node the run reached gets a status class (colour
// and outline come from styles), a small badge (a spinner while it runs, ↻ and the attempt while
// it retries, ✓, ✗, ⏸ while a person is asked, – when skipped) and a caption with its cost,
// attempts and fan-out progress; edges that fired are highlighted. It is applied again after every
// render (Mermaid replaces the SVG), and updates in place between renders so the spinner keeps
// turning. Every figure and name is set as text.

import type { DiagramEdgeInfo, DiagramNodeInfo, RunFiredEdge, RunNodeState, RunNodeStatus, RunSnapshot } from './protocol.ts';
import { NODE_STATUS_LABEL, nodeCaption } from './run-format.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const STATUS_CLASSES = ['queued', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'waiting_for_human'].map(statusClass);

export function statusClass(status: RunNodeStatus | string): string {
  return `ag-run-${status.replace(/_/g, '-')}`;
}

export interface OverlayTarget {
  svg: SVGSVGElement;
  /** Node id → its SVG group (as the view marked them). */
  groups: ReadonlyMap<string, SVGGElement>;
  infos: ReadonlyMap<string, DiagramNodeInfo>;
  edges: readonly DiagramEdgeInfo[];
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** What the badge shows: a symbol, or the spinner. */
function badgeText(n: RunNodeState): string | undefined {
  switch (n.status) {
    case 'running':
      return undefined;
    case 'retrying':
      return `↻${n.attempt}`;
    case 'succeeded':
      return '✓';
    case 'failed':
      return '✗';
    case 'waiting_for_human':
      return '⏸';
    case 'skipped':
      return '–';
    case 'queued':
      return '…';
  }
}

/** The node's outline box in its own coordinates (before any badge was added). */
function boxOf(g: SVGGElement): { x: number; y: number; width: number; height: number } | undefined {
  const shape = g.querySelector<SVGGraphicsElement>(':scope > rect, :scope > polygon, :scope > path, :scope > circle, :scope > ellipse, :scope > g.label-container, :scope > .label-container');
  try {
    const b = (shape ?? g).getBBox();
    return b.width || b.height ? { x: b.x, y: b.y, width: b.width, height: b.height } : undefined;
  } catch {
    // getBBox fails on elements that are not rendered: the class alone still marks the node.
    return undefined;
  }
}

function decorateNode(g: SVGGElement, n: RunNodeState): void {
  for (const c of STATUS_CLASSES) if (c !== statusClass(n.status)) g.classList.remove(c);
  g.classList.add('ag-run-node', statusClass(n.status));
  g.dataset.agRunStatus = n.status;
  g.dataset.agRunAttempt = String(n.attempt);

  let badge = g.querySelector<SVGGElement>(':scope > g.ag-run-mark > g.ag-run-badge');
  let caption = g.querySelector<SVGTextElement>(':scope > g.ag-run-mark > text.ag-run-caption');
  const box = badge ? undefined : boxOf(g);
  if (!badge) {
    const b = box ?? { x: -40, y: -20, width: 80, height: 40 };
    // A ring of its own around the shape: Mermaid styles shapes inline (!important), which no
    // stylesheet rule can override, and the drawing itself stays as Mermaid made it.
    const pad = 4;
    const ring = svgEl('rect', { class: 'ag-run-ring', x: String(b.x - pad), y: String(b.y - pad), width: String(b.width + 2 * pad), height: String(b.height + 2 * pad), rx: '7', 'aria-hidden': 'true' });
    badge = svgEl('g', { class: 'ag-run-badge', transform: `translate(${b.x + b.width},${b.y})`, 'aria-hidden': 'true' });
    // The caption sits on the ring's lower edge, on a backdrop, so edges and their labels below
    // the node do not run through it.
    caption = svgEl('text', { class: 'ag-run-caption', x: String(b.x + b.width / 2), y: String(b.y + b.height + pad), 'text-anchor': 'middle', 'dominant-baseline': 'central' });
    // Mermaid's per-diagram rules (`#id .node text`, class colours) outrank any selector the
    // overlay could write; inline declarations do not.
    caption.style.setProperty('fill', 'var(--ag-fg)', 'important');
    caption.style.setProperty('font-size', '11px', 'important');
    // One wrapper: Mermaid's class styles reach the node's direct children (`.agent > *`, with
    // !important), so the marks sit one level down where the overlay's own styles apply.
    const mark = svgEl('g', { class: 'ag-run-mark' });
    mark.append(ring, svgEl('rect', { class: 'ag-run-caption-bg', rx: '3', height: '15', y: String(b.y + b.height + pad - 7.5) }), caption, badge);
    g.append(mark);
  }
  // Rebuilt only when the status changes, so a running spinner is not restarted by every snapshot.
  const symbol = badgeText(n);
  const key = `${n.status}|${symbol ?? ''}`;
  if (badge.dataset.key !== key) {
    badge.dataset.key = key;
    badge.replaceChildren(svgEl('circle', { class: 'ag-run-badge-bg', r: '10' }));
    if (symbol === undefined) badge.append(svgEl('path', { class: 'ag-run-spinner', d: 'M 0 -6 A 6 6 0 1 1 -6 0' }));
    else badge.append(svgEl('text', { class: 'ag-run-badge-text', 'text-anchor': 'middle', 'dominant-baseline': 'central', y: '0.5' }, symbol));
  }
  const text = nodeCaption(n);
  if (caption && caption.textContent !== text) {
    caption.textContent = text;
    sizeBackdrop(caption);
  }
}

/** Fits the caption's backdrop to its text (hidden while there is no text). */
function sizeBackdrop(caption: SVGTextElement): void {
  const bg = caption.previousElementSibling;
  if (!(bg instanceof SVGRectElement) || !bg.classList.contains('ag-run-caption-bg')) return;
  let width: number;
  try {
    width = caption.textContent ? caption.getComputedTextLength() : 0;
  } catch {
    // Not rendered (a hidden view): no backdrop until the next snapshot.
    width = 0;
  }
  bg.setAttribute('width', String(width ? width + 8 : 0));
  bg.setAttribute('x', String(Number(caption.getAttribute('x')) - (width + 8) / 2));
}

function undecorate(root: Element): void {
  for (const e of root.querySelectorAll('.ag-run-mark')) e.remove();
  for (const e of root.querySelectorAll('.ag-run-node, .ag-run-fired, .ag-run-fired-label, .ag-run-tool, .ag-run-reached')) {
    e.classList.remove('ag-run-node', 'ag-run-fired', 'ag-run-fired-label', 'ag-run-tool', 'ag-run-reached', ...STATUS_CLASSES);
    const d = (e as SVGElement).dataset;
    delete d.agRunStatus;
    delete d.agRunAttempt;
    delete d.agFired;
  }
  root.closest('.ag-canvas')?.classList.remove('ag-run-active');
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** A fired edge is drawn by the lines of its IR edge that lead to one of the targets it activated. */
function firedLine(f: RunFiredEdge, e: DiagramEdgeInfo): boolean {
  return f.edge === e.edgeId && sameSet(f.from, e.sources) && e.targets.some((t) => f.to.includes(t));
}

/** Elements Mermaid drew for one line: the path and its label, found by Mermaid's `data-id`. */
function lineElements(svg: SVGSVGElement, linkId: string): Element[] {
  const sel = `[data-id="${CSS.escape(linkId)}"]`;
  return [...svg.querySelectorAll(`path${sel}, .edgeLabel ${sel}`)];
}

/**
 * Shows `run` on the diagram (or removes the overlay when it is undefined). Nodes the run has not
 * reached are left as drawn; while a run is shown, they are dimmed by the canvas class.
 */
export function applyRunOverlay(t: OverlayTarget, run: RunSnapshot | undefined): void {
  if (!run) {
    undecorate(t.svg);
    return;
  }
  t.svg.closest('.ag-canvas')?.classList.add('ag-run-active');
  const byName = new Map(run.nodes.map((n) => [n.name, n]));
  const tools = new Map(run.tools.map((x) => [x.name, x]));
  const seen = new Set<Element>();
  for (const [id, g] of t.groups) {
    const info = t.infos.get(id);
    if (!info) continue;
    // A tool can be a graph node of its own: then it has a node status like an agent.
    if (info.kind === 'agent' || info.kind === 'human' || info.kind === 'graph' || (info.kind === 'tool' && byName.has(info.name))) {
      const n = byName.get(info.name);
      if (!n) continue;
      decorateNode(g, n);
      seen.add(g);
    } else if (info.kind === 'tool') {
      const tool = tools.get(info.name);
      if (!tool) continue;
      g.classList.add('ag-run-tool');
      g.dataset.agRunStatus = tool.running > 0 ? 'running' : tool.failed > 0 ? 'failed' : 'succeeded';
      seen.add(g);
    } else if ((info.kind === 'start' && run.edges.length > 0) || (info.kind === 'end' && run.status === 'succeeded')) {
      g.classList.add('ag-run-reached');
      seen.add(g);
    }
  }
  // Nodes decorated by an earlier snapshot of another run lose their marks.
  for (const g of t.svg.querySelectorAll('.ag-run-node, .ag-run-tool, .ag-run-reached')) {
    if (seen.has(g)) continue;
    for (const b of g.querySelectorAll(':scope > .ag-run-mark')) b.remove();
    g.classList.remove('ag-run-node', 'ag-run-tool', 'ag-run-reached', ...STATUS_CLASSES);
    delete (g as SVGElement).dataset.agRunStatus;
  }

  const fired = new Map<string, number>();
  for (const e of t.edges) {
    let count = 0;
    for (const f of run.edges) if (firedLine(f, e)) count += f.count;
    if (count > 0) fired.set(e.linkId, (fired.get(e.linkId) ?? 0) + count);
  }
  for (const el of t.svg.querySelectorAll('.ag-run-fired, .ag-run-fired-label')) {
    const id = el.getAttribute('data-id') ?? '';
    if (!fired.has(id)) {
      el.classList.remove('ag-run-fired', 'ag-run-fired-label');
      delete (el as SVGElement).dataset.agFired;
    }
  }
  for (const [linkId, count] of fired) {
    for (const el of lineElements(t.svg, linkId)) {
      el.classList.add(el.tagName.toLowerCase() === 'path' ? 'ag-run-fired' : 'ag-run-fired-label');
      (el as SVGElement).dataset.agFired = String(count);
    }
  }
}

/** One line about a node's run, for its tooltip. */
export function runTooltipLine(run: RunSnapshot | undefined, info: DiagramNodeInfo): string | undefined {
  if (!run) return undefined;
  const n = run.nodes.find((x) => x.name === info.name);
  if (!n || info.kind === 'supervisor' || info.kind === 'start' || info.kind === 'end' || info.kind === 'join') return undefined;
  const caption = nodeCaption(n);
  const head = `Run: ${NODE_STATUS_LABEL[n.status]}${n.status === 'retrying' ? ` (attempt ${n.attempt})` : ''}${caption ? ` · ${caption}` : ''}`;
  return n.error && (n.status === 'failed' || n.status === 'retrying') ? `${head}\n${n.error}` : head;
}
