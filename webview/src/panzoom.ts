/// <reference lib="dom" />
// Pan (drag) and zoom (wheel, buttons, keys) of the diagram: the SVG sits in a canvas element that
// is moved with one CSS transform, translate(x, y) scale(zoom), inside a clipping viewport. A drag
// that moves more than a few pixels is a pan and swallows the click that ends it, so dragging
// across a node never jumps to its declaration.

export interface View {
  zoom: number;
  pan: { x: number; y: number };
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 8;
const DRAG_THRESHOLD = 4;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export class PanZoom {
  private zoom = 1;
  private x = 0;
  private y = 0;
  private drag: { id: number; startX: number; startY: number; x: number; y: number; moved: boolean } | undefined;
  private suppressClick = false;
  /** True until the user pans or zooms by hand: the diagram then refits when the view is resized. */
  autoFit = true;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly canvas: HTMLElement,
    private readonly onChange: (v: View) => void,
    /** Space at the bottom of the viewport covered by an overlay (the legend), kept free when fitting. */
    private readonly bottomInset: () => number = () => 0,
  ) {
    viewport.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    viewport.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    viewport.addEventListener('pointermove', (e) => this.onPointerMove(e));
    viewport.addEventListener('pointerup', (e) => this.onPointerUp(e));
    viewport.addEventListener('pointercancel', (e) => this.onPointerUp(e));
    // Capture phase: a click that ends a drag never reaches the node under the pointer.
    viewport.addEventListener(
      'click',
      (e) => {
        if (this.suppressClick) {
          e.stopPropagation();
          e.preventDefault();
          this.suppressClick = false;
        }
      },
      true,
    );
    new ResizeObserver(() => {
      if (this.autoFit) this.fit();
    }).observe(viewport);
  }

  get view(): View {
    return { zoom: this.zoom, pan: { x: this.x, y: this.y } };
  }

  set(view: View, notify = true): void {
    this.zoom = clamp(Number.isFinite(view.zoom) ? view.zoom : 1, MIN_ZOOM, MAX_ZOOM);
    this.x = Number.isFinite(view.pan.x) ? view.pan.x : 0;
    this.y = Number.isFinite(view.pan.y) ? view.pan.y : 0;
    this.apply(notify);
  }

  /** Zooms by `factor` keeping the point (cx, cy) of the viewport (default its centre) in place. */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const r = this.viewport.getBoundingClientRect();
    const px = cx ?? r.width / 2;
    const py = cy ?? r.height / 2;
    const z = clamp(this.zoom * factor, MIN_ZOOM, MAX_ZOOM);
    const k = z / this.zoom;
    this.x = px - (px - this.x) * k;
    this.y = py - (py - this.y) * k;
    this.zoom = z;
    this.autoFit = false;
    this.apply(true);
  }

  panBy(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.autoFit = false;
    this.apply(true);
  }

  /** Size of the content at zoom 1. */
  private contentSize(): { w: number; h: number } {
    const svg = this.canvas.querySelector('svg');
    if (!svg) return { w: 0, h: 0 };
    const w = parseFloat(svg.getAttribute('width') ?? '') || svg.viewBox.baseVal?.width || 0;
    const h = parseFloat(svg.getAttribute('height') ?? '') || svg.viewBox.baseVal?.height || 0;
    return { w, h };
  }

  /** Scales the whole diagram into the viewport (never above 100 %) and centres it. */
  fit(notify = true): void {
    const { w, h } = this.contentSize();
    const r = this.viewport.getBoundingClientRect();
    if (!w || !h || !r.width || !r.height) return;
    const pad = 16;
    // Keep the overlay's strip free unless that would leave too little room for the diagram.
    const inset = this.bottomInset();
    const height = inset > 0 && r.height - inset > r.height * 0.6 ? r.height - inset : r.height;
    this.zoom = clamp(Math.min((r.width - 2 * pad) / w, (height - 2 * pad) / h, 1), MIN_ZOOM, MAX_ZOOM);
    this.x = (r.width - w * this.zoom) / 2;
    this.y = Math.max(pad, (height - h * this.zoom) / 2);
    this.autoFit = true;
    this.apply(notify);
  }

  /** Pans so that `el` is in view (centred when it was outside), keeping the zoom. */
  reveal(el: Element): void {
    const v = this.viewport.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const margin = 24;
    if (b.left >= v.left + margin && b.right <= v.right - margin && b.top >= v.top + margin && b.bottom <= v.bottom - margin) return;
    this.x += v.left + v.width / 2 - (b.left + b.width / 2);
    this.y += v.top + v.height / 2 - (b.top + b.height / 2);
    this.autoFit = false;
    this.apply(true);
  }

  private apply(notify: boolean): void {
    this.canvas.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.zoom})`;
    if (notify) this.onChange(this.view);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.viewport.getBoundingClientRect();
    // Lines (mouse wheels on some systems) are about 16 px; pages a viewport.
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? r.height : 1;
    const dy = e.deltaY * unit;
    // Pinch gestures arrive as ctrl+wheel with small deltas: zoom faster for them.
    const speed = e.ctrlKey ? 0.01 : 0.0015;
    this.zoomBy(Math.exp(-dy * speed), e.clientX - r.left, e.clientY - r.top);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const target = e.target as Element | null;
    if (target?.closest('.ag-overlay')) return;
    this.drag = { id: e.pointerId, startX: e.clientX, startY: e.clientY, x: this.x, y: this.y, moved: false };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.startX;
    const dy = e.clientY - d.startY;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!d.moved) {
      d.moved = true;
      this.viewport.setPointerCapture(e.pointerId);
      this.viewport.classList.add('ag-dragging');
    }
    this.x = d.x + dx;
    this.y = d.y + dy;
    this.autoFit = false;
    this.apply(false);
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = undefined;
    if (d.moved) {
      this.suppressClick = true;
      // A click may not follow (pointer released outside the viewport): forget it soon.
      setTimeout(() => (this.suppressClick = false), 0);
      this.viewport.classList.remove('ag-dragging');
      if (this.viewport.hasPointerCapture(e.pointerId)) this.viewport.releasePointerCapture(e.pointerId);
      this.onChange(this.view);
    }
  }
}
