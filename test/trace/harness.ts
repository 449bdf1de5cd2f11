/// <reference lib="dom" />
// Drives the trace webview in Chromium: bundles webview/src/trace (esbuild, production settings)
// into a temporary folder and serves it through Playwright's request routing, on the same page the
// extension builds (client/src/webview-html.ts: nonce-based CSP, no inline script but the nonced
// one) plus a nonced fake acquireVsCodeApi that records what the view posts and a recorder of CSP
// violations.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { webviewHtml } from '../../client/src/webview-html.ts';
import type { FromTraceView, ToTraceView } from '../../webview/src/trace/protocol.ts';
import { CHROMIUM_FLAGS, findChromium } from '../../server/src/diagram/svg-render.ts';

const ROOT = path.join(__dirname, '../..');

export { findChromium };

const ORIGIN = 'http://trace.test';
const NONCE = 'trace-harness-nonce';

export interface TracePage {
  page: Page;
  context: BrowserContext;
  post(message: ToTraceView): Promise<void>;
  posted(): Promise<FromTraceView[]>;
  /** Waits for the n-th (0-based) posted message of a type. */
  waitForPosted<T extends FromTraceView['type']>(type: T, n?: number): Promise<Extract<FromTraceView, { type: T }>>;
  count(type: FromTraceView['type']): Promise<number>;
  violations(): Promise<string[]>;
  errors: string[];
  close(): Promise<void>;
}

export interface TraceHarness {
  open(): Promise<TracePage>;
  close(): Promise<void>;
}

const FAKE_API = `
window.__agPosted = [];
window.__agViolations = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__agViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '')); });
window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.__agPosted.push(JSON.parse(JSON.stringify(m))); }, getState: function () { return undefined; }, setState: function () {} }; };
`;

export async function startTraceHarness(): Promise<TraceHarness> {
  const chromium = findChromium();
  if (!chromium) throw new Error('Chromium not found');
  const out = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-trace-'));
  await build({ entryPoints: [path.join(ROOT, 'webview/src/trace/main.ts')], outfile: path.join(out, 'trace.js'), bundle: true, platform: 'browser', format: 'iife', target: ['chrome120'], minify: process.env.AGENTGRAPH_TRACE_DEBUG !== '1', logLevel: 'warning' });
  await build({ entryPoints: [path.join(ROOT, 'webview/src/trace/styles.css')], outfile: path.join(out, 'trace.css'), bundle: true, minify: true, logLevel: 'warning' });
  const page = webviewHtml({ cspSource: ORIGIN, nonce: NONCE, scriptUri: `${ORIGIN}/trace.js`, styleUri: `${ORIGIN}/trace.css`, title: 'Trace', loadingText: 'Loading the trace…' }).replace(
    '<head>',
    `<head>\n  <script nonce="${NONCE}">${FAKE_API}</script>`,
  );
  const { chromium: pw } = await import('playwright-core');
  const browser: Browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_FLAGS, headless: true });
  return {
    async open() {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
      await context.route(`${ORIGIN}/**`, (route) => {
        const name = new URL(route.request().url()).pathname.slice(1);
        if (name === 'index.html') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page });
        if (name === 'trace.js' || name === 'trace.css') return route.fulfill({ status: 200, contentType: name.endsWith('.js') ? 'text/javascript' : 'text/css', body: readFileSync(path.join(out, name)) });
        return route.fulfill({ status: 404, body: 'not found' });
      });
      const p = await context.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await p.goto(`${ORIGIN}/index.html`);
      const posted = () => p.evaluate(() => (window as unknown as { __agPosted: FromTraceView[] }).__agPosted.slice());
      const tp: TracePage = {
        page: p,
        context,
        errors,
        post: (m) => p.evaluate((msg) => window.postMessage(msg, '*'), m),
        posted,
        async waitForPosted(type, n = 0) {
          const h = await p.waitForFunction(([t, i]) => (window as unknown as { __agPosted: { type: string }[] }).__agPosted.filter((m) => m.type === t)[i as number], [type, n] as const, { timeout: 20_000, polling: 20 });
          return (await h.jsonValue()) as never;
        },
        count: async (type) => (await posted()).filter((m) => m.type === type).length,
        violations: () => p.evaluate(() => (window as unknown as { __agViolations: string[] }).__agViolations.slice()),
        close: () => context.close(),
      };
      await tp.waitForPosted('ready');
      return tp;
    },
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(out, { recursive: true, force: true });
    },
  };
}
