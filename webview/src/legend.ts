/// <reference lib="dom" />
// The legend of the view: a small overlay in the corner (built with DOM calls, no HTML strings)
// that explains shapes, colours, edge styles and badges, in the colours of the active theme. The
// Mermaid text carries its own legend for exports and Markdown; the view draws this one instead.

import { PALETTES, type DiagramClass } from '../../server/src/diagram/palette.ts';
import type { ThemeKind } from './theme.ts';

const SVG = 'http://www.w3.org/2000/svg';

function style(theme: ThemeKind, cls: DiagramClass): { fill: string; stroke: string; width: string; dash?: string } {
  const parts = Object.fromEntries(
    PALETTES[theme][cls].split(',').map((p) => {
      const i = p.indexOf(':');
      return [p.slice(0, i), p.slice(i + 1)];
    }),
  );
  return { fill: parts.fill ?? 'none', stroke: parts.stroke ?? 'currentColor', width: parts['stroke-width'] ?? '1.5px', dash: parts['stroke-dasharray'] };
}

function svgEl(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

type Swatch = (theme: ThemeKind) => SVGElement[];

const shape =
  (cls: DiagramClass, make: (a: Record<string, string>) => SVGElement): Swatch =>
  (theme) => {
    const s = style(theme, cls);
    const a: Record<string, string> = { fill: s.fill, stroke: s.stroke, 'stroke-width': s.width };
    if (s.dash) a['stroke-dasharray'] = s.dash;
    return [make(a)];
  };

const arrow =
  (dash: string | undefined, width: string, head = true): Swatch =>
  () => {
    const line = svgEl('line', { x1: '2', y1: '9', x2: head ? '30' : '34', y2: '9', stroke: 'currentColor', 'stroke-width': width });
    if (dash) line.setAttribute('stroke-dasharray', dash);
    return head ? [line, svgEl('path', { d: 'M29 5 L35 9 L29 13 Z', fill: 'currentColor' })] : [line];
  };

const ITEMS: [Swatch, string][] = [
  [shape('agent', (a) => svgEl('rect', { x: '1', y: '2', width: '34', height: '14', rx: '4', ...a })), 'agent: model · badges · worst case'],
  [shape('human', (a) => svgEl('path', { d: 'M6 2 H35 L30 16 H1 Z', ...a })), 'human'],
  [shape('tool', (a) => svgEl('path', { d: 'M6 2 H30 L35 9 L30 16 H6 L1 9 Z', ...a })), 'tool'],
  [
    (theme) => {
      const s = style(theme, 'subgraphNode');
      const a = { fill: s.fill, stroke: s.stroke, 'stroke-width': s.width };
      return [svgEl('rect', { x: '1', y: '2', width: '34', height: '14', ...a }), svgEl('line', { x1: '5', y1: '2', x2: '5', y2: '16', ...a }), svgEl('line', { x1: '31', y1: '2', x2: '31', y2: '16', ...a })];
    },
    '▦ graph (nested)',
  ],
  [shape('irreversible', (a) => svgEl('rect', { x: '1', y: '2', width: '34', height: '14', rx: '4', ...a })), '⚠ irreversible tool'],
  [shape('supBox', (a) => svgEl('rect', { x: '1', y: '1', width: '34', height: '16', ...a })), 'supervisor (⊞ collapsed: click)'],
  [shape('terminal', (a) => svgEl('rect', { x: '4', y: '3', width: '28', height: '12', rx: '6', ...a })), 'start / end'],
  [
    (theme) => {
      const s = style(theme, 'join');
      const c = svgEl('circle', { cx: '18', cy: '9', r: '7', fill: s.fill, stroke: s.stroke, 'stroke-width': s.width });
      const t = svgEl('text', { x: '18', y: '12.5', 'text-anchor': 'middle', 'font-size': '10', fill: 'currentColor' });
      t.textContent = '∧';
      return [c, t];
    },
    'join: waits for all',
  ],
  [arrow(undefined, '1.5'), 'edge (condition, otherwise)'],
  [arrow('3 3', '1.5'), 'loop (max N)'],
  [arrow(undefined, '3.5'), 'for each: fan-out (≤ N)'],
  [arrow('2 3', '1.2', false), 'tools the agent may call'],
];

export function buildLegend(theme: ThemeKind): HTMLElement {
  const box = document.createElement('div');
  box.className = 'ag-legend-body';
  const list = document.createElement('ul');
  for (const [swatch, text] of ITEMS) {
    const li = document.createElement('li');
    const svg = svgEl('svg', { width: '36', height: '18', viewBox: '0 0 36 18', 'aria-hidden': 'true' });
    svg.append(...swatch(theme));
    const label = document.createElement('span');
    label.textContent = text;
    li.append(svg, label);
    list.append(li);
  }
  const badges = document.createElement('p');
  badges.textContent = '↻ retries · ⤵ fallback models · ⏱ cache · ≤ worst case of one run (cost · latency)';
  box.append(list, badges);
  return box;
}
