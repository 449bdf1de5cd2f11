/// <reference lib="dom" />
// Drives the form webview in Chromium: bundles webview/src/forms (production settings, like
// scripts/build.mjs) into a temporary folder, serves the real page of client/src/forms/form-html.ts
// (same nonce-based CSP as in VS Code) from a tiny server on 127.0.0.1, and replaces VS Code's
// acquireVsCodeApi with a recorder, so tests can send the form and read what the view posts.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'esbuild';
import { formPageHtml } from '../../client/src/forms/form-html.ts';
import type { FormSpec, FromForm, ToForm } from '../../webview/src/forms/protocol.ts';
import { ROOT } from '../diagram/examples.ts';
import { CHROMIUM_FLAGS, findChromium } from '../webview/harness.ts';

/** Stands in for VS Code's webview API: records what the view posts, and CSP violations. */
const RECORDER = `
  window.__agPosted = [];
  window.__agViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__agViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__agPosted.push(JSON.parse(JSON.stringify(m))),
    getState: () => undefined,
    setState: () => undefined,
  });
`;

export interface FormPage {
  page: Page;
  errors: string[];
  post(message: ToForm): Promise<void>;
  posted(): Promise<FromForm[]>;
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface FormHarness {
  /** A fresh page showing `form` (waits until its buttons are drawn). */
  open(form: FormSpec): Promise<FormPage>;
  close(): Promise<void>;
}

async function bundle(): Promise<string> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-forms-'));
  const common = { bundle: true, minify: true, logLevel: 'warning' as const, absWorkingDir: ROOT };
  await build({ ...common, entryPoints: ['webview/src/forms/main.ts'], outfile: path.join(out, 'forms.js'), platform: 'browser', format: 'iife', target: ['chrome120'], legalComments: 'none' });
  await build({ ...common, entryPoints: ['webview/src/forms/styles.css'], outfile: path.join(out, 'forms.css') });
  return out;
}

export async function startFormHarness(): Promise<FormHarness> {
  const chromium = findChromium();
  if (!chromium) throw new Error('Chromium not found');
  const dir = await bundle();
  const nonce = 'test-nonce-1234567890';
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      const html = formPageHtml({ cspSource: origin, nonce, scriptUri: `${origin}/forms.js`, styleUri: `${origin}/forms.css`, title: 'Form test' });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (url.pathname === '/forms.js' || url.pathname === '/forms.css') {
      const type = url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css';
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(readFileSync(path.join(dir, url.pathname.slice(1))));
    } else if (url.pathname === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium: pw } = await import('playwright-core');
  const browser: Browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_FLAGS, headless: true });
  return {
    async open(form) {
      const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      // A string, not a function: the test runner's transpiler would add helpers the page lacks.
      await page.addInitScript(RECORDER);
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => (window as unknown as { __agPosted: { type: string }[] }).__agPosted.some((m) => m.type === 'ready'), undefined, { timeout: 20_000 });
      const fp: FormPage = {
        page,
        errors,
        post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
        posted: () => page.evaluate(() => (window as unknown as { __agPosted: FromForm[] }).__agPosted.slice()),
        violations: () => page.evaluate(() => (window as unknown as { __agViolations: string[] }).__agViolations.slice()),
        close: () => context.close(),
      };
      await fp.post({ type: 'init', form });
      await page.waitForSelector('.ag-actions vscode-button');
      return fp;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
