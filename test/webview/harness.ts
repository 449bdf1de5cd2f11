/// <reference lib="dom" />
// Drives the diagram webview in Chromium for the browser tests and the benchmark: bundles it with
// scripts/build.mjs (production settings) into a temporary folder, serves webview/index.html from
// a tiny static server on 127.0.0.1 (which closes by itself when idle), launches the system
// Chromium through playwright-core, and offers helpers to post ToWebview messages and read what
// the view posted back (the harness page's fake acquireVsCodeApi records it).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FromWebview, ToWebview } from '../../webview/src/protocol.ts';
import { ROOT } from '../diagram/examples.ts';

// Chromium is found and started the way `agentgraph diagram --format svg` does it.
import { CHROMIUM_FLAGS, findChromium } from '../../server/src/diagram/svg-render.ts';
export { CHROMIUM_FLAGS, findChromium };

/** Bundles the webview (production settings) into a fresh temporary folder; returns the folder. */
export function buildWebview(): string {
  const out = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-webview-'));
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--webview-only', '--production', `--webview-out=${out}`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`webview build failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the repository root read-only on 127.0.0.1, with /dist/webview.{js,css} taken from
 * `bundleDir`. It does not keep the process alive and shuts down after `idleMs` without requests.
 */
export async function serve(bundleDir: string, idleMs = 120_000): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    idle.refresh();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
    let file: string;
    if (rel === '/dist/webview.js' || rel === '/dist/webview.css') file = path.join(bundleDir, path.basename(rel));
    else {
      rel = path.normalize(rel).replace(/^([/\\])+/, '');
      file = path.join(ROOT, rel);
      if (!file.startsWith(ROOT + path.sep)) {
        res.writeHead(403).end();
        return;
      }
    }
    let body: Buffer;
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(idle);
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  const idle = setTimeout(() => void close(), idleMs);
  idle.unref();
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close };
}

export interface Harness {
  browser: Browser;
  server: StaticServer;
  bundleDir: string;
  /** A new page on webview/index.html (no demo diagram unless asked), sized like an editor column. */
  open(options?: { theme?: string; demo?: boolean; width?: number; height?: number }): Promise<HarnessPage>;
  close(): Promise<void>;
}

export interface HarnessPage {
  page: Page;
  context: BrowserContext;
  /** Posts a ToWebview message, as the extension would. */
  post(message: ToWebview): Promise<void>;
  /** Posts a diagram and waits until the view has rendered it (or failed to). */
  render(message: Extract<ToWebview, { type: 'diagram' }>, timeoutMs?: number): Promise<void>;
  /** Everything the view posted so far. */
  posted(): Promise<FromWebview[]>;
  /** Waits for a posted message of a type, after `skip` earlier ones of that type. */
  waitForPosted<T extends FromWebview['type']>(type: T, skip?: number, timeoutMs?: number): Promise<Extract<FromWebview, { type: T }>>;
  /** CSP violations the page reported. */
  violations(): Promise<string[]>;
  errors: string[];
  close(): Promise<void>;
}

export async function startHarness(options: { idleMs?: number } = {}): Promise<Harness> {
  const chromium = findChromium();
  if (!chromium) throw new Error('Chromium not found: install it (apt-get install chromium) or set AGENTGRAPH_CHROMIUM');
  const { chromium: pw } = await import('playwright-core');
  const bundleDir = buildWebview();
  const server = await serve(bundleDir, options.idleMs);
  const browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_FLAGS, headless: true });
  return {
    browser,
    server,
    bundleDir,
    async open(options = {}) {
      const context = await browser.newContext({ viewport: { width: options.width ?? 1100, height: options.height ?? 800 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const q = new URLSearchParams({ theme: options.theme ?? 'light', demo: options.demo ? '1' : '0' });
      await page.goto(`${server.url}/webview/index.html?${q}`);
      await page.waitForFunction(() => document.querySelector('.ag-toolbar') !== null);
      const hp: HarnessPage = {
        page,
        context,
        errors,
        post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
        async render(message, timeoutMs = 60_000) {
          const before = (await hp.posted()).filter((m) => m.type === 'rendered').length;
          await hp.post(message);
          await hp.waitForPosted('rendered', before, timeoutMs);
        },
        posted: () => page.evaluate(() => (window as unknown as { __agPosted: FromWebview[] }).__agPosted.slice()),
        async waitForPosted(type, skip = 0, timeoutMs = 30_000) {
          const handle = await page.waitForFunction(
            ([t, n]) => (window as unknown as { __agPosted: { type: string }[] }).__agPosted.filter((m) => m.type === t)[n as number],
            [type, skip] as const,
            { timeout: timeoutMs, polling: 20 },
          );
          return (await handle.jsonValue()) as never;
        },
        violations: () => page.evaluate(() => (window as unknown as { __agViolations: string[] }).__agViolations.slice()),
        close: () => context.close(),
      };
      return hp;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(bundleDir, { recursive: true, force: true });
    },
  };
}
