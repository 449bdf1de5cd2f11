// Helpers for the run, debug, trace and Test Explorer steps (steps-run.ts): finding a webview's
// document among the workbench's frames, reading what the installed extension contributes (so a
// step is BLOCKED only when the feature really is not in the .vsix), waiting for run folders,
// answering a human's form, clearing the stage for a picture, ending left-over debug sessions and
// saving the pictures for the docs.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { Blocked, copyScreenshot, ROOT, sleep, type CodeServer, type Workbench } from './harness.ts';

export type StepFn = (name: string, fn: () => Promise<string | void>) => Promise<void>;

/**
 * The frame of a webview whose document has `selector` (optionally with `text` in it). Webviews
 * are nested iframes (outer iframe.webview, inner #active-frame); several can be alive at once
 * (the diagram, a form, the trace viewer), so the frame is found by what it shows, not by order.
 */
export async function frameWith(page: Page, selector: string, o: { text?: string | RegExp; timeout?: number; what?: string } = {}): Promise<Frame> {
  const timeout = o.timeout ?? 60_000;
  const t0 = Date.now();
  for (;;) {
    const frames = page.frames();
    for (let i = frames.length - 1; i >= 0; i--) {
      const f = frames[i]!;
      if (f === page.mainFrame() || f.isDetached()) continue;
      try {
        const el = o.text === undefined ? f.locator(selector).first() : f.locator(selector, { hasText: o.text }).first();
        if ((await el.count()) > 0) return f;
      } catch {
        // The frame navigated or went away while we looked: try the others, then again.
      }
    }
    if (Date.now() - t0 >= timeout) throw new Error(`no webview shows ${o.what ?? selector}${o.text ? ` with ${String(o.text)}` : ''} after ${Math.round(timeout / 1000)} s`);
    await sleep(500);
  }
}

/** The installed extension's package.json (what the .vsix under test really contributes). */
export function installedManifest(cs: CodeServer): Record<string, unknown> {
  for (const e of readdirSync(cs.extensions)) {
    const p = path.join(cs.extensions, e, 'package.json');
    if (e.includes('agentgraph') && existsSync(p)) return JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  }
  throw new Error(`the AgentGraph extension is not installed in ${cs.extensions}`);
}

interface Contributes {
  commands?: { command: string; title: string; category?: string }[];
  debuggers?: { type: string }[];
  customEditors?: { viewType: string }[];
}

const contributes = (cs: CodeServer) => (installedManifest(cs).contributes ?? {}) as Contributes;

/** The palette title of a contributed command; BLOCKED when the .vsix does not contribute it. */
export function requireCommand(cs: CodeServer, id: string, feature: string): string {
  const c = contributes(cs).commands?.find((x) => x.command === id);
  if (!c) throw new Blocked(`${feature}: the .vsix does not contribute the command ${id} yet`);
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

export function requireDebugger(cs: CodeServer, type: string): void {
  if (!contributes(cs).debuggers?.some((d) => d.type === type)) throw new Blocked(`the .vsix does not contribute the ${type} debugger yet`);
}

export function requireFile(cs: CodeServer, rel: string, feature: string): void {
  const dir = readdirSync(cs.extensions).find((e) => e.includes('agentgraph'));
  if (!dir || !existsSync(path.join(cs.extensions, dir, rel))) throw new Blocked(`${feature}: ${rel} is not in the .vsix yet`);
}

/** Run folders (`.agentgraph/runs/<id>`) of the workspace that hold a trace. */
export function runIds(cs: CodeServer): string[] {
  const dir = path.join(cs.workspace, '.agentgraph/runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => existsSync(path.join(dir, id, 'trace.jsonl')));
}

export function tracePath(cs: CodeServer, runId: string): string {
  return path.join(cs.workspace, '.agentgraph/runs', runId, 'trace.jsonl');
}

/** The trace's last event type, e.g. run_end, once the file has one. */
function traceEnded(file: string): { outcome?: string } | undefined {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 5; i--) {
    try {
      const e = JSON.parse(lines[i]!) as { type?: string; outcome?: string; status?: string };
      if (e.type === 'run_end') return { outcome: e.outcome ?? e.status };
    } catch {
      // A line still being written.
    }
  }
  return undefined;
}

/** Waits for a run folder not in `before` whose trace has ended; returns its id and outcome. */
export async function waitForNewRun(cs: CodeServer, before: readonly string[], what: string, timeout = 120_000): Promise<{ id: string; outcome?: string }> {
  const t0 = Date.now();
  for (;;) {
    const fresh = runIds(cs).filter((id) => !before.includes(id));
    for (const id of fresh) {
      const end = traceEnded(tracePath(cs, id));
      if (end) return { id, outcome: end.outcome };
    }
    if (Date.now() - t0 > timeout) {
      throw new Error(`${what}: ${fresh.length ? `run ${fresh.join(', ')} has no run_end event` : 'no new run folder under .agentgraph/runs'} after ${Math.round(timeout / 1000)} s`);
    }
    await sleep(500);
  }
}

/** A visible toast or a row of the notification center with `text`. */
export async function waitForNotification(wb: Workbench, text: string | RegExp, timeout = 60_000): Promise<string> {
  const t0 = Date.now();
  const toast = wb.page.locator('.notification-toast', { hasText: text }).first();
  for (;;) {
    if ((await toast.count()) > 0) return (await toast.innerText().catch(() => '')).trim();
    if (Date.now() - t0 > timeout) break;
    await sleep(400);
  }
  // Toasts hide after a while (or behind another one): the notification center keeps them.
  await wb.command('Notifications: Show Notifications');
  const row = wb.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await row.waitFor({ timeout: 5_000 }).catch(() => undefined);
  const found = (await row.count()) > 0 ? (await row.innerText()).trim() : undefined;
  await wb.escape();
  if (!found) throw new Error(`no notification ${String(text)} within ${Math.round(timeout / 1000)} s`);
  return found;
}

/**
 * Answers a waiting human in the form webview (client/src/forms): fills the Reply's body field
 * and sends it. Returns the question's prompt as the form shows it.
 */
export async function answerHumanForm(page: Page, body: string, timeout = 90_000): Promise<string> {
  const form = await frameWith(page, '.ag-human .ag-prompt', { timeout, what: "a human's question form" });
  const prompt = (await form.locator('.ag-human .ag-prompt').first().innerText()).trim();
  // vscode-textfield / vscode-textarea keep their <input>/<textarea> in a shadow root; Playwright's
  // CSS engine pierces it.
  const field = form.locator('.ag-field[data-path="/body"] input, .ag-field[data-path="/body"] textarea').first();
  await field.waitFor({ timeout: 15_000 });
  await field.click();
  await field.fill(body);
  await form.locator('vscode-button.ag-submit').first().click();
  // Sent: the form says so, or the panel closes at once (its frame goes away) once the host has the answer.
  const t0 = Date.now();
  for (;;) {
    if (form.isDetached()) return prompt;
    const status = await form.locator('.ag-status').first().innerText({ timeout: 2_000 }).catch(() => undefined);
    if (status === undefined || status.includes('Sent')) return prompt;
    if (/fix|not accepted/i.test(status) || Date.now() - t0 > 15_000) {
      const errors = await form.locator('.ag-field-error').allInnerTexts().catch(() => []);
      throw new Error(`the form did not send the answer: status ${JSON.stringify(status)}; field errors ${JSON.stringify(errors.filter(Boolean))}`);
    }
    await sleep(300);
  }
}

/** Saves a screenshot; with E2E_SCREENSHOT_DOC=1 also copies it to docs/images/<doc>. */
export async function shot(wb: Workbench, name: string, doc: string | undefined, log: (m: string) => void): Promise<string> {
  await wb.page.mouse.move(220, 14); // The empty title bar: no hover tooltips in the picture.
  await sleep(800);
  const file = await wb.screenshot(name);
  if (doc && process.env.E2E_SCREENSHOT_DOC === '1') {
    const to = path.join(ROOT, 'docs/images', doc);
    copyScreenshot(file, to);
    const kb = statSync(to).size / 1024;
    log(`  wrote ${path.relative(ROOT, to)} (${kb.toFixed(0)} KB)`);
    if (kb > 400) throw new Error(`${path.relative(ROOT, to)} is over 400 KB`);
  }
  return path.relative(ROOT, file);
}

/** Hides the diagram's legend overlay (it covers the lower part of the graph in a picture). */
export async function hideLegend(frame: Frame): Promise<void> {
  if (await frame.locator('aside.ag-legend:not([hidden])').count()) await frame.locator('vscode-button.ag-legend-toggle').click().catch(() => undefined);
}

/** A clean stage for a picture: one editor group, no side bar, no panel. */
export async function bareStage(wb: Workbench): Promise<void> {
  await wb.command('View: Close All Editor Groups').catch(() => undefined);
  await wb.command('View: Close Primary Side Bar').catch(() => undefined);
  await wb.command('View: Hide Panel').catch(() => undefined);
  await wb.clearNotifications();
}

/** Ends every debug session a failed step may have left behind (the toolbar goes away). */
export async function stopDebugging(wb: Workbench): Promise<void> {
  for (let i = 0; i < 4 && (await wb.page.locator('.debug-toolbar').isVisible().catch(() => false)); i++) {
    await wb.command('Debug: Stop').catch(() => undefined);
    await wb.page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  }
  await wb.command('Debug: Remove All Breakpoints').catch(() => undefined);
  await wb.escape();
}
