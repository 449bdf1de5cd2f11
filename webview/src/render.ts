/// <reference lib="dom" />
// Mermaid, bundled (never loaded from a CDN) and configured for the webview: strict security (labels
// are sanitized and never run script), the theme of the editor, no eval (the page's CSP only allows
// the nonce'd bundle), and the ELK layout registered for large graphs. Renders run one at a time,
// in order; a failed render leaves no stray elements behind.

import mermaid from 'mermaid';
import elkLayouts from '@mermaid-js/layout-elk';
import { applyPalette } from '../../server/src/diagram/palette.ts';
import { mermaidTheme, type ThemeKind } from './theme.ts';

export type LayoutName = 'dagre' | 'elk';

export interface RenderRequest {
  source: string;
  theme: ThemeKind;
  layout: LayoutName;
  /** Draw the generator's legend subgraph (exports); the view shows its own legend instead. */
  keepLegend?: boolean;
}

let registered = false;
let counter = 0;
let queue: Promise<unknown> = Promise.resolve();

function configure(theme: ThemeKind, layout: LayoutName): void {
  if (!registered) {
    mermaid.registerLayoutLoaders(elkLayouts);
    registered = true;
  }
  const t = mermaidTheme(theme);
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: t.theme,
    themeVariables: t.themeVariables,
    fontFamily: String(t.themeVariables.fontFamily),
    htmlLabels: true,
    // Generated diagrams of large specs are long: raise the limits that protect pages from huge input.
    maxTextSize: 2_000_000,
    maxEdges: 20_000,
    layout,
    flowchart: { curve: 'basis', padding: 10, nodeSpacing: 42, rankSpacing: 52, useMaxWidth: false, diagramPadding: 16, wrappingWidth: 320 },
    elk: { mergeEdges: false, nodePlacementStrategy: 'BRANDES_KOEPF', considerModelOrder: 'NODES_AND_EDGES', cycleBreakingStrategy: 'GREEDY_MODEL_ORDER' },
  });
}

/**
 * Defence in depth: the generator escapes every label, so the only markup in its output is the
 * <b> and <br/> it adds itself. Any other `<` is turned into an entity before Mermaid sees the text,
 * because Mermaid puts label HTML into the live page to measure it before sanitizing it.
 */
export function neutralizeMarkup(text: string): string {
  return text.replace(/<(?!\/?b>|br\/?>)/g, '#lt;');
}

/**
 * Takes the generator's legend subgraph out of the Mermaid text: the view shows the legend as an
 * overlay instead (it stays readable at any zoom, and Mermaid lays out a subgraph at a noticeable
 * cost on every render). Exports keep it.
 */
export function stripLegend(text: string): { text: string; legend: boolean } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*subgraph legend\[/.test(l));
  if (start < 0) return { text, legend: false };
  let end = start + 1;
  while (end < lines.length && lines[end]!.trim() !== 'end') end++;
  const kept = [...lines.slice(0, start), ...lines.slice(end + 1)].filter((l) => !/^\s*(\w+ ~~~ legend|class legend \w+)\s*$/.test(l));
  return { text: kept.join('\n'), legend: true };
}

/** Mermaid leaves its scratch elements in the body when a render fails. */
function cleanUp(id: string): void {
  for (const stray of [id, `d${id}`, `i${id}`]) document.getElementById(stray)?.remove();
}

/** Renders Mermaid text to SVG markup, after any render already under way. */
export function renderSvg(req: RenderRequest): Promise<{ svg: string; id: string }> {
  const job = queue.then(async () => {
    configure(req.theme, req.layout);
    const id = `ag-svg-${++counter}`;
    try {
      const source = req.keepLegend ? req.source : stripLegend(req.source).text;
      const { svg } = await mermaid.render(id, applyPalette(neutralizeMarkup(source), req.theme));
      return { svg, id };
    } finally {
      cleanUp(id);
    }
  });
  queue = job.catch(() => undefined);
  return job;
}

const NAMED: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

/**
 * Mermaid protects `#quot;`-style entities with placeholders while parsing and decodes them when it
 * draws a label, but the ELK layout draws edge labels without decoding (they would read
 * `ﬂ°quot¶ß`). This decodes what is left, in text nodes only, so nothing is ever parsed as markup.
 */
export function decodeEntityPlaceholders(root: Element): void {
  if (!root.textContent?.includes('¶ß')) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue;
    if (!t || !t.includes('¶ß')) continue;
    n.nodeValue = t
      .replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code)))
      .replace(/ﬂ°(\w+)¶ß/g, (m, name: string) => NAMED[name] ?? m);
  }
}

/** A readable one-paragraph version of a Mermaid error. */
export function errorText(err: unknown): string {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  return raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
}
