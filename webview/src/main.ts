/// <reference lib="dom" />
// The live architecture diagram webview. It receives ToWebview messages (protocol.ts) from the
// extension, renders the Mermaid text with the bundled Mermaid (strict security, theme of the
// editor, ELK layout for large graphs), and lets people pan, zoom, hover nodes for a summary,
// click a node to reveal its declaration, pick another graph and expand collapsed supervisors.
// Everything put on screen from a message is set as text (textContent), never parsed as HTML,
// except the SVG that Mermaid produced and sanitized.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { DiagramNodeInfo, RunSnapshot, ToWebview, WebviewState } from './protocol.ts';
import { buildLegend } from './legend.ts';
import { PanZoom, type View } from './panzoom.ts';
import { decodeEntityPlaceholders, errorText, renderSvg, type LayoutName } from './render.ts';
import { RunHeader } from './run-header.ts';
import { applyRunOverlay, runTooltipLine } from './run-overlay.ts';
import { themeFromBody, type ThemeKind } from './theme.ts';
import { hostApi, type HostApi } from './vscode.ts';

type DiagramMessage = Extract<ToWebview, { type: 'diagram' }>;

/** Drawn nodes above which the ELK layout is used (dagre is quicker on small graphs, ELK on large ones). */
export const ELK_THRESHOLD = 120;
/** Drawn nodes above which a progress note is shown while the layout runs. */
export const PROGRESS_THRESHOLD = 60;

const ZOOM_STEP = 1.25;

type Attrs = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Attrs, text?: string): HTMLElement;
function el(tag: string, attrs: Attrs = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Performance entries for profiling and the benchmark (visible in the webview's developer tools). */
function measure(name: string, start: number): void {
  try {
    performance.measure(name, { start, end: performance.now() });
  } catch {
    // Older engines without measure options: timings are optional.
  }
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

interface SelectElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

interface Pending {
  msg: DiagramMessage;
  received: number;
}

class DiagramView {
  private readonly host: HostApi;
  private readonly root: HTMLElement;
  private readonly picker: SelectElement;
  private readonly zoomLabel: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly legendButton: HTMLElement;
  private readonly panzoom: PanZoom;
  private readonly runHeader: RunHeader;
  /** The run shown over the diagram (live, or the last one until cleared). */
  private run: RunSnapshot | undefined;

  private theme: ThemeKind;
  private current: DiagramMessage | undefined;
  private pending: Pending | undefined;
  private rendering = false;
  private rerender = false;
  private restore: Partial<WebviewState> | undefined;
  private highlighted: string | undefined;
  private infos = new Map<string, DiagramNodeInfo>();
  /** Node id → the SVG group to outline for it (the node, or the box of an expanded supervisor). */
  private groups = new Map<string, SVGGElement>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private tooltipFor: Element | undefined;
  /** What the SVG on screen was rendered from, to skip re-rendering an unchanged diagram. */
  private renderedKey = '';
  /** Bumped when the extension replaces the diagram with a message: renders under way are dropped. */
  private epoch = 0;

  constructor(root: HTMLElement) {
    this.root = root;
    this.host = hostApi();
    this.restore = this.host.getState();
    this.theme = themeFromBody(document.body) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

    root.replaceChildren();
    root.classList.add('ag-root');
    root.dataset.theme = this.theme;
    const toolbar = el('div', { class: 'ag-toolbar', role: 'toolbar', 'aria-label': 'Diagram' });
    this.picker = el('vscode-single-select', { class: 'ag-picker', 'aria-label': 'Graph', title: 'Graph to draw' }) as SelectElement;
    this.summary = el('span', { class: 'ag-summary', 'aria-live': 'polite' });
    const zoomOut = el('vscode-button', { secondary: '', title: 'Zoom out (-)', 'aria-label': 'Zoom out', class: 'ag-zoom-out' }, '−');
    this.zoomLabel = el('span', { class: 'ag-zoom-label', title: 'Zoom' }, '100%');
    const zoomIn = el('vscode-button', { secondary: '', title: 'Zoom in (+)', 'aria-label': 'Zoom in', class: 'ag-zoom-in' }, '+');
    const fit = el('vscode-button', { secondary: '', title: 'Fit the diagram to the view (0)', 'aria-label': 'Fit to view', class: 'ag-fit' }, 'Fit');
    this.legendButton = el('vscode-button', { secondary: '', title: 'Show or hide the legend (L)', 'aria-pressed': 'true', class: 'ag-legend-toggle' }, 'Legend');
    toolbar.append(this.picker, this.summary, el('span', { class: 'ag-spacer' }), zoomOut, this.zoomLabel, zoomIn, fit, this.legendButton);

    this.banner = el('div', { class: 'ag-banner', role: 'status', hidden: '' });
    this.errorBox = el('div', { class: 'ag-error', role: 'alert', hidden: '' });
    this.viewport = el('div', { class: 'ag-viewport', tabindex: '-1' });
    this.canvas = el('div', { class: 'ag-canvas' });
    this.empty = el('div', { class: 'ag-empty' }, 'Waiting for the diagram…');
    this.progress = el('div', { class: 'ag-progress ag-overlay', role: 'status', hidden: '' });
    this.legend = el('aside', { class: 'ag-legend ag-overlay', 'aria-label': 'Legend', hidden: '' });
    this.viewport.append(this.canvas, this.empty, this.progress, this.legend);
    this.tooltip = el('div', { class: 'ag-tooltip', role: 'tooltip', hidden: '' });
    this.runHeader = new RunHeader((action, session) => {
      this.host.postMessage({ type: 'runAction', action, session });
      // Clearing needs no round trip: the plain diagram comes back at once.
      if (action === 'clear') this.setRun(undefined);
    });
    root.append(toolbar, this.runHeader.element, this.banner, this.errorBox, this.viewport, this.tooltip);

    this.panzoom = new PanZoom(this.viewport, this.canvas, (v) => this.onViewChange(v), () => (this.legend.hidden ? 0 : this.legend.offsetHeight + 12));
    zoomIn.addEventListener('click', () => this.panzoom.zoomBy(ZOOM_STEP));
    zoomOut.addEventListener('click', () => this.panzoom.zoomBy(1 / ZOOM_STEP));
    fit.addEventListener('click', () => this.panzoom.fit());
    this.legendButton.addEventListener('click', () => this.toggleLegend());
    this.picker.addEventListener('change', () => {
      const graph = this.picker.value;
      if (graph && graph !== this.current?.graph) this.host.postMessage({ type: 'selectGraph', graph });
    });

    this.canvas.addEventListener('click', (e) => this.activate(e.target));
    this.canvas.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        if (this.activate(e.target)) e.preventDefault();
      }
    });
    this.canvas.addEventListener('pointerover', (e) => this.hover(e.target, e.clientX, e.clientY));
    this.canvas.addEventListener('pointermove', (e) => {
      if (this.tooltipFor) this.placeTooltip(e.clientX, e.clientY);
    });
    this.canvas.addEventListener('pointerout', (e) => {
      const to = e.relatedTarget as Element | null;
      if (this.tooltipFor && !(to && this.tooltipFor.contains(to))) this.hideTooltip();
    });
    this.canvas.addEventListener('focusin', (e) => {
      const t = (e.target as Element).closest?.('[data-ag-id]');
      if (t) {
        const r = t.getBoundingClientRect();
        this.hover(t, r.left + r.width / 2, r.bottom);
      }
    });
    this.canvas.addEventListener('focusout', () => this.hideTooltip());
    this.viewport.addEventListener('pointerdown', () => this.hideTooltip());
    document.addEventListener('keydown', (e) => this.onKey(e));

    window.addEventListener('message', (e: MessageEvent<unknown>) => this.onMessage(e.data));
    new MutationObserver(() => {
      const t = themeFromBody(document.body);
      if (t) this.setTheme(t);
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });

    this.host.postMessage({ type: 'ready' });
  }

  // ------------------------------------------------------------------ messages

  private onMessage(data: unknown): void {
    if (!data || typeof data !== 'object' || typeof (data as { type?: unknown }).type !== 'string') return;
    const m = data as ToWebview;
    switch (m.type) {
      case 'diagram':
        if (typeof m.mermaid !== 'string' || !Array.isArray(m.nodes)) return;
        this.pending = { msg: m, received: performance.now() };
        void this.pump();
        return;
      case 'highlight':
        this.highlighted = typeof m.nodeId === 'string' ? m.nodeId : undefined;
        this.applyHighlight(true);
        return;
      case 'theme':
        if (m.kind === 'light' || m.kind === 'dark' || m.kind === 'high-contrast' || m.kind === 'high-contrast-light') this.setTheme(m.kind);
        return;
      case 'error':
        this.showMessage(String(m.message ?? 'Unknown error'));
        return;
      case 'requestSvg':
        void this.exportSvg();
        return;
      case 'run':
        if (m.run === undefined || (typeof m.run === 'object' && m.run !== null && Array.isArray(m.run.nodes) && Array.isArray(m.run.edges))) this.setRun(m.run);
        return;
    }
  }

  private setRun(run: RunSnapshot | undefined): void {
    this.run = run;
    this.runHeader.update(run);
    this.applyRun();
  }

  /** Draws the run over the diagram when it is a run of the graph on screen; else removes it. */
  private applyRun(): void {
    const svg = this.canvas.querySelector('svg');
    const msg = this.current;
    if (!svg || !msg) return;
    const run = this.run && this.run.specUri === msg.uri && this.run.graph === msg.graph ? this.run : undefined;
    applyRunOverlay({ svg, groups: this.groups, infos: this.infos, edges: Array.isArray(msg.edges) ? msg.edges : [] }, run);
  }

  private setTheme(kind: ThemeKind): void {
    if (kind === this.theme) return;
    this.theme = kind;
    this.root.dataset.theme = kind;
    this.refreshLegend();
    if (this.current) {
      this.rerender = true;
      void this.pump();
    }
  }

  // ------------------------------------------------------------------ rendering

  /** Renders the newest diagram received (or re-renders the current one); renders never overlap. */
  private async pump(): Promise<void> {
    if (this.rendering) return;
    this.rendering = true;
    try {
      while (this.pending || this.rerender) {
        const job: Pending | undefined = this.pending ?? (this.current ? { msg: this.current, received: performance.now() } : undefined);
        this.pending = undefined;
        this.rerender = false;
        if (job) await this.render(job);
      }
    } finally {
      this.rendering = false;
    }
  }

  private async render({ msg, received }: Pending): Promise<void> {
    const epoch = this.epoch;
    const drawn = msg.nodes.length;
    const layout: LayoutName = drawn > ELK_THRESHOLD ? 'elk' : 'dagre';
    const key = `${this.theme}\n${layout}\n${msg.mermaid}`;
    if (key === this.renderedKey && this.current && this.canvas.querySelector('svg')) {
      // Same picture (most edits do not change the architecture): refresh ranges, hovers and banner only.
      this.current = msg;
      this.infos = new Map(msg.nodes.map((n) => [n.id, n]));
      this.errorBox.hidden = true;
      this.progress.hidden = true;
      this.updateChrome(msg);
      this.applyHighlight(false);
      this.applyRun();
      this.host.postMessage({ type: 'rendered', graph: msg.graph, ms: performance.now() - received, nodeCount: msg.nodeCount });
      return;
    }
    if (drawn > PROGRESS_THRESHOLD) {
      this.progress.textContent = `Laying out ${drawn} nodes…`;
      this.progress.hidden = false;
    }
    // Let the browser paint (the progress note, the last frame of a drag) before the layout runs.
    await nextFrame();
    let svg: string;
    let svgId: string;
    const layoutStart = performance.now();
    try {
      ({ svg, id: svgId } = await renderSvg({ source: msg.mermaid, theme: this.theme, layout }));
      measure('agentgraph:mermaid', layoutStart);
    } catch (err) {
      this.progress.hidden = true;
      if (this.pending || epoch !== this.epoch) return; // A newer diagram is waiting; it may well render.
      this.showRenderError(msg, err);
      return;
    }
    if (this.pending || epoch !== this.epoch) {
      // Superseded while the layout ran: do not flash an outdated picture.
      this.progress.hidden = true;
      return;
    }
    const sameView = this.current !== undefined && this.current.uri === msg.uri && this.current.graph === msg.graph;
    const insertStart = performance.now();
    const parsed = new DOMParser().parseFromString(svg, 'text/html').querySelector('svg');
    if (!parsed) {
      this.progress.hidden = true;
      this.showRenderError(msg, new Error('Mermaid returned no SVG.'));
      return;
    }
    const svgEl = document.importNode(parsed, true);
    decodeEntityPlaceholders(svgEl);
    this.canvas.replaceChildren(svgEl);
    this.renderedKey = key;
    this.prepare(svgEl, svgId, msg);
    this.current = msg;
    this.empty.hidden = true;
    this.errorBox.hidden = true;
    this.errorBox.replaceChildren();
    this.updateChrome(msg);
    this.refreshLegend();

    if (sameView) {
      if (this.panzoom.autoFit) this.panzoom.fit(false);
    } else if (this.restore && this.restore.uri === msg.uri && this.restore.graph === msg.graph && typeof this.restore.zoom === 'number' && this.restore.pan) {
      this.panzoom.set({ zoom: this.restore.zoom, pan: this.restore.pan }, false);
      this.panzoom.autoFit = false;
    } else {
      this.panzoom.fit(false);
    }
    this.restore = undefined;
    this.updateZoomLabel();
    this.saveState();
    this.applyHighlight(!sameView);
    // Mermaid drew a fresh SVG: the run's marks go on again.
    this.applyRun();
    this.progress.hidden = true;
    this.hideTooltip();
    measure('agentgraph:insert', insertStart);
    await nextFrame();
    measure('agentgraph:render', received);
    const ms = performance.now() - received;
    this.root.dataset.rendered = String((Number(this.root.dataset.rendered) || 0) + 1);
    this.host.postMessage({ type: 'rendered', graph: msg.graph, ms, nodeCount: msg.nodeCount });
  }

  /** Sizes the SVG and marks each node that has spec information as interactive. */
  private prepare(svg: SVGSVGElement, svgId: string, msg: DiagramMessage): void {
    const vb = svg.viewBox.baseVal;
    if (vb && vb.width && vb.height) {
      svg.setAttribute('width', String(Math.ceil(vb.width)));
      svg.setAttribute('height', String(Math.ceil(vb.height)));
    }
    svg.style.removeProperty('max-width');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `Architecture diagram of graph ${msg.graph}`);

    this.infos = new Map(msg.nodes.map((n) => [n.id, n]));
    this.groups = new Map();
    const nodePrefix = `${svgId}-flowchart-`;
    for (const g of svg.querySelectorAll<SVGGElement>('g.node')) {
      const raw = g.id.startsWith(nodePrefix) ? g.id.slice(nodePrefix.length) : g.id;
      const id = raw.replace(/-\d+$/, '');
      const info = this.infos.get(id);
      if (!info) continue;
      this.groups.set(id, g);
      this.markInteractive(g, info, info.kind === 'supervisor');
    }
    for (const g of svg.querySelectorAll<SVGGElement>('g.cluster')) {
      const id = g.id.startsWith(`${svgId}-`) ? g.id.slice(svgId.length + 1) : g.id;
      const info = this.infos.get(id);
      if (!info) continue;
      this.groups.set(id, g);
      // Only the box's title reacts: the box itself is the background of its children.
      const label = g.querySelector<SVGGElement>('.cluster-label');
      if (label) this.markInteractive(label, info, false);
    }
  }

  private markInteractive(g: SVGGElement, info: DiagramNodeInfo, expand: boolean): void {
    g.dataset.agId = info.id;
    if (expand) g.dataset.agExpand = info.name;
    g.classList.add('ag-node');
    if (info.range || expand) g.classList.add('ag-clickable');
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    const what = expand ? `supervisor ${info.name}, collapsed: press Enter to expand` : `${info.kind} ${info.name}`;
    g.setAttribute('aria-label', what);
  }

  private showRenderError(msg: DiagramMessage, err: unknown): void {
    const text = errorText(err);
    this.host.postMessage({ type: 'log', message: `render of ${msg.graph} failed: ${text}` });
    this.errorBox.replaceChildren(
      el('strong', {}, this.current ? 'The diagram could not be updated; showing the previous one.' : 'The diagram could not be drawn.'),
      el('pre', {}, text),
    );
    this.errorBox.hidden = false;
    if (!this.current) {
      this.canvas.replaceChildren();
      this.empty.hidden = true;
      this.updateChrome(msg);
    }
    this.host.postMessage({ type: 'rendered', graph: msg.graph, ms: 0, nodeCount: msg.nodeCount });
  }

  /** A message from the extension instead of a diagram (no graph, server not running, …). */
  private showMessage(message: string): void {
    this.epoch++;
    this.current = undefined;
    this.renderedKey = '';
    this.pending = undefined;
    this.canvas.replaceChildren();
    this.infos = new Map();
    this.groups = new Map();
    this.banner.hidden = true;
    this.errorBox.hidden = true;
    this.progress.hidden = true;
    this.hideTooltip();
    this.empty.textContent = message;
    this.empty.hidden = false;
    this.summary.textContent = '';
    this.legend.hidden = true;
  }

  private updateChrome(msg: DiagramMessage): void {
    // Graph picker: rebuilt only when the list changes (rebuilding closes an open dropdown).
    const graphs = Array.isArray(msg.graphs) && msg.graphs.length ? msg.graphs.map(String) : [msg.graph];
    const have = [...this.picker.querySelectorAll('vscode-option')].map((o) => o.getAttribute('value'));
    if (have.join('\n') !== graphs.join('\n')) {
      this.picker.replaceChildren(...graphs.map((g) => el('vscode-option', { value: g }, g)));
    }
    if (this.picker.value !== msg.graph) this.picker.value = msg.graph;
    this.picker.disabled = graphs.length < 2;
    this.picker.title = graphs.length < 2 ? `Graph ${msg.graph} (the only graph in this spec)` : 'Graph to draw';

    const drawn = msg.nodes.filter((n) => n.kind === 'agent' || n.kind === 'human' || n.kind === 'tool' || n.kind === 'graph').length;
    const collapsed = msg.nodes.some((n) => n.kind === 'supervisor') && this.groups.size > 0 && [...this.canvas.querySelectorAll('[data-ag-expand]')].length > 0;
    this.summary.textContent = `${msg.nodeCount} node${msg.nodeCount === 1 ? '' : 's'}${collapsed ? ` · ${drawn} shown, click a ⊞ box to expand it` : ''}`;

    if (msg.stale) {
      const n = Number(msg.errors) || 0;
      this.banner.textContent = `Showing the last good diagram: the spec has ${n} error${n === 1 ? '' : 's'}.`;
      this.banner.hidden = false;
    } else this.banner.hidden = true;
  }

  // ------------------------------------------------------------------ interaction

  /** Click or Enter on a node: reveal its declaration, or expand a collapsed supervisor. */
  private activate(target: EventTarget | null): boolean {
    const g = (target as Element | null)?.closest?.('[data-ag-id]') as SVGGElement | null;
    if (!g) return false;
    const info = this.infos.get(g.dataset.agId ?? '');
    if (!info) return false;
    if (g.dataset.agExpand) {
      this.progress.textContent = `Expanding ${info.name}…`;
      this.progress.hidden = false;
      this.host.postMessage({ type: 'expandSupervisor', name: g.dataset.agExpand });
      return true;
    }
    if (!info.range) return false;
    this.host.postMessage({ type: 'reveal', nodeId: info.id, range: info.range });
    return true;
  }

  private hover(target: EventTarget | null, x: number, y: number): void {
    const g = (target as Element | null)?.closest?.('[data-ag-id]');
    if (!g) return;
    if (g === this.tooltipFor) return;
    const info = this.infos.get((g as SVGGElement).dataset.agId ?? '');
    if (!info || !info.hover) return;
    this.tooltipFor = g;
    const runLine = runTooltipLine(this.run && this.run.graph === this.current?.graph ? this.run : undefined, info);
    this.tooltip.textContent = runLine ? `${info.hover}\n${runLine}` : info.hover;
    this.tooltip.hidden = false;
    this.placeTooltip(x, y);
  }

  private placeTooltip(x: number, y: number): void {
    const t = this.tooltip;
    const w = t.offsetWidth;
    const h = t.offsetHeight;
    const left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4));
    const top = y + 18 + h > window.innerHeight ? Math.max(4, y - h - 10) : y + 18;
    t.style.left = `${left}px`;
    t.style.top = `${top}px`;
  }

  private hideTooltip(): void {
    this.tooltipFor = undefined;
    this.tooltip.hidden = true;
  }

  private applyHighlight(scroll: boolean): void {
    for (const ring of this.canvas.querySelectorAll('.ag-highlight-ring')) ring.remove();
    for (const g of this.canvas.querySelectorAll('.ag-highlight')) g.classList.remove('ag-highlight');
    const id = this.highlighted;
    if (!id) return;
    const g = this.groups.get(id);
    if (!g) return;
    g.classList.add('ag-highlight');
    try {
      const b = g.getBBox();
      const pad = 6;
      const ring = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      ring.setAttribute('class', 'ag-highlight-ring');
      ring.setAttribute('x', String(b.x - pad));
      ring.setAttribute('y', String(b.y - pad));
      ring.setAttribute('width', String(b.width + 2 * pad));
      ring.setAttribute('height', String(b.height + 2 * pad));
      ring.setAttribute('rx', '8');
      g.append(ring);
    } catch {
      // getBBox fails on elements that are not rendered; the class alone still marks the node.
    }
    if (scroll) this.panzoom.reveal(g);
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as Element | null;
    if (t && t.closest('vscode-single-select, input, textarea')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const step = 60;
    switch (e.key) {
      case '+':
      case '=':
        this.panzoom.zoomBy(ZOOM_STEP);
        break;
      case '-':
      case '_':
        this.panzoom.zoomBy(1 / ZOOM_STEP);
        break;
      case '0':
        this.panzoom.fit();
        break;
      case 'l':
      case 'L':
        this.toggleLegend();
        break;
      case 'ArrowLeft':
        this.panzoom.panBy(step, 0);
        break;
      case 'ArrowRight':
        this.panzoom.panBy(-step, 0);
        break;
      case 'ArrowUp':
        this.panzoom.panBy(0, step);
        break;
      case 'ArrowDown':
        this.panzoom.panBy(0, -step);
        break;
      case 'Escape':
        this.hideTooltip();
        return;
      default:
        return;
    }
    e.preventDefault();
  }

  private legendWanted = true;
  private legendTheme: ThemeKind | undefined;

  private toggleLegend(): void {
    this.legendWanted = !this.legendWanted;
    this.legendButton.setAttribute('aria-pressed', String(this.legendWanted));
    this.refreshLegend();
    if (this.panzoom.autoFit) this.panzoom.fit();
  }

  /** Shows the legend (in the colours of the theme) while a diagram is on screen and it is wanted. */
  private refreshLegend(): void {
    const show = this.legendWanted && this.current !== undefined;
    this.legend.hidden = !show;
    if (show && this.legendTheme !== this.theme) {
      this.legend.replaceChildren(buildLegend(this.theme));
      this.legendTheme = this.theme;
    }
  }

  private onViewChange(_v: View): void {
    this.updateZoomLabel();
    this.hideTooltip();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveState(), 150);
  }

  private updateZoomLabel(): void {
    this.zoomLabel.textContent = `${Math.round(this.panzoom.view.zoom * 100)}%`;
  }

  private saveState(): void {
    if (!this.current) return;
    const v = this.panzoom.view;
    this.host.setState({ uri: this.current.uri, graph: this.current.graph, zoom: v.zoom, pan: { x: v.pan.x, y: v.pan.y } });
  }

  // ------------------------------------------------------------------ export

  /**
   * The diagram as a standalone SVG file: rendered again with the light palette (a file is read
   * outside the editor, mostly on white), with explicit size and a white background.
   */
  private async exportSvg(): Promise<void> {
    const msg = this.current;
    if (!msg) {
      this.host.postMessage({ type: 'log', message: 'export requested before a diagram was drawn' });
      return;
    }
    let markup: string;
    try {
      const { svg } = await renderSvg({ source: msg.mermaid, theme: 'light', layout: msg.nodes.length > ELK_THRESHOLD ? 'elk' : 'dagre', keepLegend: true });
      markup = standaloneSvg(svg);
    } catch (err) {
      this.host.postMessage({ type: 'log', message: `export render failed, exporting the view as shown: ${errorText(err)}` });
      const shown = this.canvas.querySelector('svg');
      markup = shown ? standaloneSvg(new XMLSerializer().serializeToString(shown)) : '';
    }
    this.host.postMessage({ type: 'exportSvg', svg: markup });
  }
}

/** Gives Mermaid's SVG a fixed size (from its viewBox) and a white background, as well-formed XML. */
export function standaloneSvg(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, 'text/html');
  const s = doc.querySelector('svg');
  if (!s) return svg;
  decodeEntityPlaceholders(s);
  const vb = (s.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  if (vb.length === 4 && vb.every(Number.isFinite)) {
    s.setAttribute('width', String(Math.ceil(vb[2]!)));
    s.setAttribute('height', String(Math.ceil(vb[3]!)));
  }
  s.style.removeProperty('max-width');
  s.style.setProperty('background-color', '#ffffff');
  return new XMLSerializer().serializeToString(s);
}

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));
  new DiagramView(root);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
