// Renders Mermaid text to a standalone SVG file without a display, for `agentgraph diagram
// --format svg`: a headless Chromium (the system one, driven by playwright-core) loads Mermaid from
// node_modules through an in-memory origin (nothing is fetched from the network) and draws the
// diagram with the light palette. Both playwright-core and Chromium are looked up only when an SVG
// is asked for, so the rest of the CLI never needs them; when either is missing the error says
// what to install.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export interface SvgRenderOptions {
  /** 'elk' suits large graphs; default dagre. */
  layout?: 'dagre' | 'elk';
  /** Path of the Chromium executable; default $AGENTGRAPH_CHROMIUM, $CHROME_PATH, then the usual system paths. */
  chromium?: string;
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

/** Chromium or playwright-core is not available: a setup problem, not a bug. */
export class SvgRenderUnavailableError extends Error {}

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env, explicit?: string): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const candidates = [env.AGENTGRAPH_CHROMIUM, env.CHROME_PATH, ...CHROMIUM_PATHS];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Resolves packages next to this module (the CLI bundle or the sources), not from the user's folder. */
function localRequire(): NodeJS.Require {
  const here = typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'agentgraph.js');
  return createRequire(here);
}

const ORIGIN = 'http://agentgraph.invalid';
/** The page: Mermaid, and for the ELK layout its module, which leaves its layouts in a global. */
const page = (elk: boolean) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script src="${ORIGIN}/mermaid.min.js"></script>` +
  (elk ? `<script type="module">import layouts from '${ORIGIN}/elk/mermaid-layout-elk.esm.min.mjs'; window.agentgraphElk = layouts;</script>` : '') +
  '</body></html>';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' };

/**
 * Runs in the page (plain JavaScript, so it needs no DOM types here): renders with the light theme
 * and returns a standalone file: explicit size, white background, and no Mermaid entity
 * placeholders left (the ELK layout leaves them in edge labels). Text is only ever set as text.
 */
const IN_PAGE = `async ({ text, layout }) => {
  const mermaid = window.mermaid;
  if (layout === 'elk') mermaid.registerLayoutLoaders(window.agentgraphElk);
  const font = 'Helvetica, Arial, sans-serif';
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'default',
    themeVariables: { fontFamily: font, fontSize: '14px', lineColor: '#5f6b7a', edgeLabelBackground: '#ffffff' },
    fontFamily: font,
    htmlLabels: true,
    maxTextSize: 2000000,
    maxEdges: 20000,
    layout,
    flowchart: { curve: 'basis', padding: 10, nodeSpacing: 42, rankSpacing: 52, useMaxWidth: false, diagramPadding: 16, wrappingWidth: 320 },
    elk: { mergeEdges: false, nodePlacementStrategy: 'BRANDES_KOEPF', considerModelOrder: 'NODES_AND_EDGES', cycleBreakingStrategy: 'GREEDY_MODEL_ORDER' },
  });
  const { svg } = await mermaid.render('agentgraph-diagram', text);
  const doc = new DOMParser().parseFromString(svg, 'text/html');
  const s = doc.querySelector('svg');
  if (!s) return svg;
  const named = { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'", nbsp: '\\u00a0' };
  const walker = doc.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue;
    if (t && t.includes('\\u00b6\\u00df')) {
      n.nodeValue = t
        .replace(/\\ufb02\\u00b0\\u00b0(\\d+)\\u00b6\\u00df/g, (m, c) => String.fromCodePoint(Number(c)))
        .replace(/\\ufb02\\u00b0(\\w+)\\u00b6\\u00df/g, (m, k) => named[k] ?? m);
    }
  }
  const vb = (s.getAttribute('viewBox') || '').split(/[\\s,]+/).map(Number);
  if (vb.length === 4 && vb.every(Number.isFinite)) {
    s.setAttribute('width', String(Math.ceil(vb[2])));
    s.setAttribute('height', String(Math.ceil(vb[3])));
  }
  s.style.removeProperty('max-width');
  s.style.setProperty('background-color', '#ffffff');
  return new XMLSerializer().serializeToString(s);
}`;

export async function renderMermaidSvg(mermaidText: string, options: SvgRenderOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const pinned = options.chromium ?? env.AGENTGRAPH_CHROMIUM;
  if (pinned && !existsSync(pinned)) {
    throw new SvgRenderUnavailableError(
      options.chromium ? `Chromium not found at ${pinned}.` : `AGENTGRAPH_CHROMIUM is set to ${pinned}, which does not exist; point it at a Chromium or Chrome executable, or unset it.`,
    );
  }
  const executablePath = findChromium(env, options.chromium);
  if (!executablePath) {
    throw new SvgRenderUnavailableError(
      options.chromium
        ? `Chromium not found at ${options.chromium}.`
        : 'SVG output needs Chromium, which was not found. Install it (Debian/Ubuntu: apt-get install chromium) or set AGENTGRAPH_CHROMIUM to its path. --format mermaid and --format md need no browser.',
    );
  }
  const req = localRequire();
  let pw: typeof import('playwright-core');
  let mermaidJs: string;
  let elkDir: string;
  try {
    pw = req('playwright-core') as typeof import('playwright-core');
  } catch {
    throw new SvgRenderUnavailableError('SVG output needs the playwright-core package: npm install playwright-core.');
  }
  try {
    mermaidJs = readFileSync(req.resolve('mermaid/dist/mermaid.min.js'), 'utf8');
    elkDir = path.dirname(req.resolve('@mermaid-js/layout-elk/dist/mermaid-layout-elk.esm.min.mjs'));
  } catch {
    throw new SvgRenderUnavailableError('SVG output needs the mermaid and @mermaid-js/layout-elk packages (npm install).');
  }

  const layout = options.layout ?? 'dagre';
  const browser = await pw.chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true, timeout: options.timeoutMs ?? 60_000 });
  try {
    const tab = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    tab.setDefaultTimeout(options.timeoutMs ?? 60_000);
    // Everything the page loads comes from memory; any other request is refused.
    await tab.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort();
      if (url.pathname === '/' || url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: page(layout === 'elk') });
      if (url.pathname === '/mermaid.min.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: mermaidJs });
      if (url.pathname.startsWith('/elk/')) {
        const file = path.join(elkDir, path.normalize(url.pathname.slice('/elk/'.length)));
        if (file.startsWith(elkDir + path.sep) && existsSync(file)) {
          return route.fulfill({ status: 200, contentType: TYPES[path.extname(file)] ?? 'text/plain', body: readFileSync(file, 'utf8') });
        }
      }
      return route.fulfill({ status: 404, body: '' });
    });
    await tab.goto(`${ORIGIN}/index.html`);
    if (layout === 'elk') await tab.waitForFunction(() => (globalThis as { agentgraphElk?: unknown }).agentgraphElk !== undefined);
    // As in the webview: no markup but the generator's own <b> and <br/> reaches Mermaid.
    const text = mermaidText.replace(/<(?!\/?b>|br\/?>)/g, '#lt;');
    return (await tab.evaluate(`(${IN_PAGE})(${JSON.stringify({ text, layout })})`)) as string;
  } finally {
    await browser.close().catch(() => undefined);
  }
}
