// End-to-end steps for running and debugging graphs in the editor (issue 6) and for evals in the
// Test Explorer (issue 7), called from run.ts after the language and diagram steps. Each step
// drives the real workbench the way a person would (command palette, F9/F5/F10, the Testing view)
// and checks what the person would see: node states on the diagram, the human's form, the
// debugger stopped at a breakpoint with the node's prompt in the Variables view, the trace viewer's
// rows and details, and a model output carrying HTML shown as text. With E2E_SCREENSHOT_DOC=1 the
// pictures of the docs (docs/images/*.png) are refreshed from these steps.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { Blocked, retry, ROOT, sleep, type CodeServer, type Workbench } from './harness.ts';
import {
  answerHumanForm,
  bareStage,
  frameWith,
  hideLegend,
  requireCommand,
  requireDebugger,
  requireFile,
  runIds,
  shot,
  stopDebugging,
  tracePath,
  waitForNewRun,
  waitForNotification,
  type StepFn,
} from './run-helpers.ts';
import { startRun } from './run-start.ts';

const SUPPORT = 'support.agentgraph';
const SUPPORT_INPUT = 'inputs/support.json';
const XSS_DIR = 'e2e-xss';
const XSS_PAYLOAD = `<img src=x onerror="document.title='pwned'">`;
const HUMAN_REPLY = 'A person answered this ticket in the end-to-end test.';

export interface RunStepsDeps {
  wb: Workbench;
  cs: CodeServer;
  step: StepFn;
  log: (m: string) => void;
}

/** 1-based line of the first line of examples/<rel> that contains `needle`. */
function lineOf(rel: string, needle: string): number {
  const lines = readFileSync(path.join(ROOT, 'examples', rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found in examples/${rel}`);
  return i + 1;
}

/** The diagram webview's frame once it shows a run overlay (webview/src/run-overlay.ts). */
async function diagramWithRun(wb: Workbench, timeout = 90_000): Promise<Frame> {
  return frameWith(wb.page, 'svg g.ag-run-node', { timeout, what: 'the diagram with a run overlay (g.ag-run-node)' });
}

/** Node name → run status (data-ag-run-status) as the diagram overlay marks them. */
async function nodeStates(frame: Frame): Promise<Record<string, string>> {
  return frame.locator('svg g.ag-run-node').evaluateAll((els) => {
    const out: Record<string, string> = {};
    for (const g of els) {
      // The label's first text is the node's name (the model, cost and badges follow it).
      const root = g.querySelector('.nodeLabel, .label, text') ?? g;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let name = '';
      for (let t = walker.nextNode(); t && !name; t = walker.nextNode()) name = (t.textContent ?? '').trim().split(/\s+/)[0] ?? '';
      out[name] = (g as SVGElement).dataset.agRunStatus ?? '';
    }
    return out;
  });
}

async function waitForStates(frame: Frame, want: Record<string, string>, timeout: number): Promise<Record<string, string>> {
  const t0 = Date.now();
  for (;;) {
    const states = await nodeStates(frame).catch(() => ({}) as Record<string, string>);
    if (Object.entries(want).every(([n, s]) => states[n] === s)) return states;
    if (Date.now() - t0 > timeout) throw new Error(`expected ${JSON.stringify(want)} on the diagram, it shows ${JSON.stringify(states)}`);
    await sleep(500);
  }
}

/** Opens a trace in the viewer with AgentGraph: Open Run Trace… (its quick pick filtered to the run id). */
async function openTrace(d: RunStepsDeps, runId: string): Promise<Frame> {
  const { wb } = d;
  const title = requireCommand(d.cs, 'agentgraph.openTrace', 'the trace viewer');
  await retry('open trace', 3, async () => {
    await wb.command(title);
    await wb.quickInput.waitFor({ timeout: 15_000 });
    await wb.quickInput.fill(runId);
    await wb.pick(runId);
    await frameWith(wb.page, '.tv-summary .tv-run-id', { text: runId, timeout: 45_000, what: `the trace viewer of ${runId}` });
  }, () => wb.escape());
  // The viewer of this run (a live run's panel is a trace viewer too): its summary names the run.
  const frame = await frameWith(wb.page, '.tv-summary .tv-run-id', { text: runId, timeout: 10_000 });
  await frame.locator('.tv-row').first().waitFor({ timeout: 30_000 });
  return frame;
}

export async function runSteps(d: RunStepsDeps): Promise<void> {
  const { wb, cs, step, log } = d;
  const page = wb.page;
  let supportRun: string | undefined;
  let debugRun: string | undefined;
  let runsBefore: string[] = [];
  let runStarted = false;

  await step('run-support', async () => {
    const title = requireCommand(cs, 'agentgraph.runGraph', 'Run Graph');
    requireFile(cs, 'dist/run-host.js', 'Run Graph');
    await wb.openFile(SUPPORT);
    await wb.clearNotifications();
    runsBefore = runIds(cs);
    await startRun(wb, title, { graph: 'Support', inputFile: SUPPORT_INPUT });
    runStarted = true;
    // The simulated provider (seed 1) triages this ticket as unsure, so the run goes on to the
    // support lead, a person: triage turns green and support_lead waits for the answer. The
    // question's form opens in front of the diagram; the diagram's tab brings the diagram back.
    await frameWith(page, '.ag-human .ag-prompt', { timeout: 90_000, what: "the support lead's question form" });
    await wb.command('View: Close Primary Side Bar').catch(() => undefined);
    await wb.command('View: Hide Panel').catch(() => undefined);
    await wb.clearNotifications();
    await page.locator('.tabs-container .tab', { hasText: 'Diagram: Support' }).first().click({ timeout: 30_000 });
    const frame = await diagramWithRun(wb);
    const states = await waitForStates(frame, { triage: 'succeeded', support_lead: 'waiting_for_human' }, 60_000);
    const badge = await frame.locator('svg g.ag-run-node.ag-run-succeeded .ag-run-badge-text').first().textContent();
    if (badge !== '✓') throw new Error(`a succeeded node's badge shows ${JSON.stringify(badge)}, expected ✓`);
    // The picture: the graph's code on the left, the diagram without its legend on the right.
    await hideLegend(frame);
    await page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: SUPPORT }) }).first().click({ position: { x: 200, y: 200 } }).catch(() => undefined);
    await wb.goTo(lineOf(SUPPORT, 'graph Support(') + 20, 1).catch(() => undefined);
    await wb.goTo(lineOf(SUPPORT, 'graph Support('), 1).catch(() => undefined);
    await wb.clearNotifications(); // "support_lead is waiting for an answer" came when the form went behind.
    await shot(wb, 'run-live-diagram', 'run-live-diagram.png', log);
    return `diagram: ${Object.entries(states).map(([n, s]) => `${n} ${s}`).join(', ')}`;
  });

  await step('human-answer', async () => {
    if (!runStarted) throw new Error('no run is waiting for the support lead (see run-support)');
    const formTab = page.locator('.tabs-container .tab', { hasText: /support_lead/ }).first();
    await formTab.click({ timeout: 30_000 });
    const form = await frameWith(page, '.ag-human .ag-prompt', { timeout: 60_000, what: "the support lead's question form" });
    const prompt = await form.locator('.ag-human .ag-prompt').first().innerText();
    if (!prompt.includes('T-10231')) throw new Error(`the form's prompt does not name the ticket: ${JSON.stringify(prompt)}`);
    await shot(wb, 'human-form', 'human-form.png', log);
    await answerHumanForm(page, HUMAN_REPLY);
    const run = await waitForNewRun(cs, runsBefore, 'the support run after the answer', 120_000);
    if (run.outcome !== 'succeeded') throw new Error(`run ${run.id} ended ${run.outcome ?? 'without an outcome'}`);
    supportRun = run.id;
    const trace = readFileSync(tracePath(cs, run.id), 'utf8');
    if (!trace.includes(HUMAN_REPLY)) throw new Error(`the trace of ${run.id} does not carry the answer`);
    // client/src/run/run-format.ts: "AgentGraph: Support succeeded · $0.0001 · 0.9 s simulated · 1 model call".
    const note = await waitForNotification(wb, /Support succeeded ·/, 60_000);
    await page.locator('.tabs-container .tab', { hasText: 'Diagram: Support' }).first().click({ timeout: 30_000 });
    const frame = await diagramWithRun(wb, 30_000);
    await waitForStates(frame, { triage: 'succeeded', support_lead: 'succeeded' }, 60_000);
    await wb.command('View: Toggle Primary Side Bar Visibility').catch(() => undefined);
    return `answered; run ${run.id} succeeded; notification: ${JSON.stringify(note.split('\n').find((l) => l.includes('Support succeeded')) ?? note)}`;
  });

  await step('debug-breakpoint', async () => {
    requireDebugger(cs, 'agentgraph');
    requireFile(cs, 'dist/debug-adapter.js', 'the debugger');
    await stopDebugging(wb);
    await bareStage(wb);
    await wb.openFile(SUPPORT);
    const line = lineOf(SUPPORT, 'agent triage(');
    await wb.goTo(line, 1);
    await page.keyboard.press('F9');
    await wb.activeEditor().locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor({ timeout: 15_000 });
    const before = runIds(cs);
    await page.keyboard.press('F5');
    // F5 without a launch.json: maybe a debugger pick, then the graph's input as JSON.
    const input = readFileSync(path.join(ROOT, 'examples', SUPPORT_INPUT), 'utf8').trim();
    const t0 = Date.now();
    for (;;) {
      if (await page.locator('.debug-toolbar').isVisible().catch(() => false)) break;
      if (await wb.quickInput.isVisible().catch(() => false)) {
        const rows = page.locator('.quick-input-list .monaco-list-row');
        const title = await page.locator('.quick-input-widget .quick-input-title, .quick-input-widget .quick-input-message').allInnerTexts().catch(() => []);
        if ((await rows.count()) > 0 && (await rows.filter({ hasText: 'AgentGraph' }).count()) > 0) await rows.filter({ hasText: 'AgentGraph' }).first().click();
        else if (title.join(' ').includes('Input') || (await wb.quickInput.inputValue()) === '{}') {
          await wb.quickInput.fill(input);
          await page.keyboard.press('Enter');
        }
      }
      if (Date.now() - t0 > 60_000) throw new Error('the debug session did not start within 60 s of F5 (no debug toolbar)');
      await sleep(500);
    }
    const stoppedAt = wb.activeEditor().locator('.debug-top-stack-frame-line').first();
    await stoppedAt.waitFor({ timeout: 90_000 });
    await wb.waitForCursor(line, undefined, 15_000).catch(() => undefined);
    const cursor = await wb.cursor();
    if (cursor?.line !== line) throw new Error(`the debugger stopped at line ${cursor?.line}, expected the breakpoint at line ${line} (agent triage)`);
    const vars = page.locator('.debug-variables .monaco-list-row');
    await vars.filter({ hasText: 'prompt' }).first().waitFor({ timeout: 30_000 });
    const names = (await vars.allInnerTexts()).map((t) => t.split(/[=:\n]/)[0]!.trim()).filter(Boolean);
    for (const want of ['args', 'prompt']) if (!names.includes(want)) throw new Error(`the Variables view lists ${names.join(', ')}; expected ${want}`);
    // The debugged run is in the live trace and on the diagram too (both open beside the spec when
    // the session starts, as tabs of one group: each is looked at in front).
    const liveTab = page.locator('.tabs-container .tab', { hasText: '(debug, live)' }).first();
    const live = await liveTab.click({ timeout: 15_000 }).then(
      // Paused before triage: the run's own span is there, triage's starts when it runs.
      () =>
        frameWith(page, '.tv-trace .tv-row', { text: 'run Support', timeout: 30_000 }).then(
          async (f) => `${await f.locator('.tv-row').count()} span row(s)`,
          async () => `no span row within 30 s (${JSON.stringify(((await frameWith(page, '.tv-loading', { timeout: 1_000 }).then((f) => f.locator('.tv-loading').first().innerText(), () => '')) || '').trim())})`,
        ),
      () => 'no live trace tab',
    );
    await page.locator('.tabs-container .tab', { hasText: 'Diagram: Support' }).first().click({ timeout: 15_000 }).catch(() => undefined);
    const diagram = await diagramWithRun(wb, 60_000).then(
      async (f) => {
        await hideLegend(f);
        return nodeStates(f);
      },
      () => undefined,
    );
    await wb.command('View: Hide Panel').catch(() => undefined);
    await shot(wb, 'debugger-breakpoint', 'debugger-breakpoint.png', log);
    // Step over: the node runs and the debugger stops after it, still on triage with its output.
    await page.keyboard.press('F10');
    await vars.filter({ hasText: 'output' }).first().waitFor({ timeout: 60_000 });
    // Continue: the run goes on to the support lead (a person), then to the end.
    await page.keyboard.press('F5');
    await answerHumanForm(page, HUMAN_REPLY, 90_000);
    const run = await waitForNewRun(cs, before, 'the debugged run', 120_000);
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 60_000 });
    debugRun = run.id;
    const onDiagram = diagram ? Object.entries(diagram).map(([n, st]) => `${n} ${st}`).join(', ') : 'no run overlay within 60 s';
    return `stopped at line ${line} with ${names.join(', ')} (diagram: ${onDiagram}; live trace: ${live}); stepped over; run ${run.id} ${run.outcome}`;
  });

  await step('open-trace', async () => {
    const runId = supportRun ?? debugRun ?? runIds(cs).find((id) => id.startsWith('Support'));
    if (!runId) throw new Error('no run of Support to open (see run-support and debug-breakpoint)');
    await bareStage(wb);
    const frame = await openTrace(d, runId);
    const rows = frame.locator('.tv-row');
    for (const n of ['triage', 'support_lead']) await rows.filter({ hasText: n }).first().waitFor({ timeout: 30_000 });
    const count = await rows.count();
    await rows.filter({ hasText: 'triage' }).first().click();
    const details = frame.locator('.tv-details-body');
    await details.waitFor({ timeout: 15_000 });
    const head = (await details.locator('h2').first().innerText()).trim();
    if (!head.includes('triage')) throw new Error(`the details show ${JSON.stringify(head)} after clicking the triage row`);
    await shot(wb, 'trace-viewer', 'trace-viewer.png', log);
    return `${count} span rows; details of ${head}`;
  });

  await step('compare-runs', async () => {
    const title = requireCommand(cs, 'agentgraph.compareRuns', 'Compare Runs');
    const support = runIds(cs).filter((id) => id.startsWith('Support-'));
    if (support.length < 2) throw new Error(`two runs of Support are needed, found ${support.join(', ') || 'none'} (see run-support and debug-breakpoint)`);
    const [a, b] = support.slice(-2) as [string, string];
    await bareStage(wb);
    await wb.command(title);
    for (const id of [a, b]) {
      await wb.quickInput.waitFor({ timeout: 15_000 });
      await wb.quickInput.fill(id);
      await wb.pick(id);
    }
    await page.locator('.tabs-container .tab', { hasText: '↔' }).first().waitFor({ timeout: 30_000 });
    const frame = await frameWith(page, '.tv-compare .tv-cmp-table', { timeout: 45_000, what: 'the Compare Runs table' });
    const text = (await frame.locator('.tv-compare').first().innerText()).trim();
    for (const n of ['triage', 'support_lead']) if (!text.includes(n)) throw new Error(`the comparison does not list ${n}: ${JSON.stringify(text.slice(0, 300))}`);
    await shot(wb, 'compare-runs', 'compare-runs.png', log);
    return `${a} ↔ ${b}`;
  });

  await step('xss-output', async () => {
    requireCommand(cs, 'agentgraph.openTrace', 'the trace viewer');
    requireDebugger(cs, 'agentgraph');
    // A spec whose one agent answers, through the simulated provider's fixtures, with HTML.
    const dir = path.join(cs.workspace, XSS_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'xss.agentgraph'),
      [
        '// The end-to-end test: the model output carries an HTML payload every view must show as text.',
        'import "../models.agentgraph"',
        '',
        'type Answer {',
        '  text: string',
        '}',
        '',
        'agent echo(question: string) -> Answer {',
        '  model: fast',
        '  prompt: "Answer: {{question}}"',
        '}',
        '',
        'graph Xss(question: string) -> Answer {',
        '  start -> echo(question)',
        '  echo -> end(echo)',
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'fixtures.json'), JSON.stringify({ agents: { echo: [{ content: { text: XSS_PAYLOAD } }] } }, null, 2));
    // A launch configuration is the editor's way to pass a fixtures file to a run.
    mkdirSync(path.join(cs.workspace, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(cs.workspace, '.vscode/launch.json'),
      JSON.stringify({ version: '0.2.0', configurations: [{ type: 'agentgraph', request: 'launch', name: 'XSS fixture run', spec: `\${workspaceFolder}/${XSS_DIR}/xss.agentgraph`, root: '${workspaceFolder}', graph: 'Xss', input: { question: 'hi' }, fixtures: `${XSS_DIR}/fixtures.json`, noCache: true }] }, null, 2),
    );
    await stopDebugging(wb);
    await wb.openFile(`${XSS_DIR}/xss.agentgraph`);
    const before = runIds(cs);
    await retry('start the XSS run', 2, async () => {
      await wb.command('Debug: Select and Start Debugging');
      await wb.pick('XSS fixture run');
      await waitForNewRun(cs, before, 'the XSS run', 90_000);
    }, () => wb.escape());
    const run = await waitForNewRun(cs, before, 'the XSS run', 10_000);
    if (!readFileSync(tracePath(cs, run.id), 'utf8').includes('onerror')) throw new Error(`the trace of ${run.id} does not hold the payload (were the fixtures used?)`);
    const titleBefore = await page.title();
    await wb.command('View: Close All Editors').catch(() => undefined);
    const frame = await openTrace(d, run.id);
    await frame.locator('.tv-row', { hasText: 'echo' }).first().click();
    const body = frame.locator('.tv-details-body');
    await body.waitFor({ timeout: 15_000 });
    // The output may sit in a collapsed block: open every <details> of the span's panel.
    await frame.locator('.tv-details-body details:not([open]) > summary').evaluateAll((els) => els.forEach((e) => (e as HTMLElement).click()));
    await frame.getByText('onerror', { exact: false }).first().waitFor({ timeout: 15_000 });
    const checks = await frame.evaluate(() => ({ imgs: document.querySelectorAll('img').length, title: document.title, text: document.body.innerText }));
    if (checks.imgs > 0) throw new Error(`${checks.imgs} <img> element(s) in the trace viewer: the payload was rendered as HTML`);
    if (!checks.text.includes(`<img src=x onerror=`)) throw new Error('the payload is not shown as text in the trace viewer');
    if (checks.title.includes('pwned') || (await page.title()).includes('pwned')) throw new Error('the payload ran: the title changed to pwned');
    await sleep(1_000);
    if ((await page.title()) !== titleBefore && (await page.title()).includes('pwned')) throw new Error('the payload ran');
    return `payload shown as text in ${run.id}'s trace; no <img>; title unchanged`;
  });

  await step('test-explorer', async () => {
    requireFile(cs, 'dist/cli.js', 'the Test Explorer');
    await stopDebugging(wb);
    await wb.command('View: Close All Editors').catch(() => undefined);
    await wb.command('Testing: Focus on Test Explorer View');
    const tree = page.locator('.test-explorer .monaco-list-row');
    const row = (text: string | RegExp) => tree.filter({ hasText: text }).first();
    await row(SUPPORT).waitFor({ timeout: 90_000 }).catch(() => {
      throw new Blocked('the Test Explorer shows no AgentGraph evals (no support.agentgraph row)');
    });
    const expand = async (text: string) => {
      const r = row(text);
      if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
    };
    await expand(SUPPORT);
    await row('routing').waitFor({ timeout: 60_000 });
    await expand('routing');
    const caseRow = row(/T-10231|#1/);
    await caseRow.waitFor({ timeout: 30_000 });
    // Every example that declares an eval has its row.
    const withEvals = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.agentgraph') && /^eval /m.test(readFileSync(path.join(ROOT, 'examples', f), 'utf8')));
    // Discovery runs in the background (the Testing icon shows a clock meanwhile): poll.
    const t1 = Date.now();
    for (;;) {
      const rows = await tree.allInnerTexts();
      const missing = withEvals.filter((f) => !rows.some((r) => r.includes(f)));
      if (!missing.length) break;
      if (Date.now() - t1 > 90_000) throw new Error(`the Test Explorer does not list ${missing.join(', ')}; it shows ${JSON.stringify(rows.map((r) => r.slice(0, 40)))}`);
      await sleep(1_000);
    }
    const files = withEvals.length;
    // The row's context menu (its inline run button only shows while hovered, which is flaky).
    await retry('run the case', 3, async () => {
      await caseRow.click({ button: 'right' });
      // Monaco menus act on the focused item's keyboard Enter more reliably than on synthetic clicks.
      const item = page.locator('.monaco-menu .action-menu-item', { hasText: /^Run Test$/ }).first();
      await item.waitFor({ timeout: 10_000 });
      await item.hover();
      await page.keyboard.press('Enter');
      await item.waitFor({ state: 'detached', timeout: 5_000 });
    }, () => wb.escape(1));
    const verdict = caseRow.locator('.codicon-testing-passed-icon, .codicon-testing-failed-icon, .codicon-testing-error-icon');
    await verdict.first().waitFor({ timeout: 180_000 });
    const state = (await verdict.first().getAttribute('class')) ?? '';
    const outcome = /passed/.test(state) ? 'passed' : /failed/.test(state) ? 'failed' : 'errored';
    // The Test Results panel opens with the run: the case in its tree, the eval's output beside it.
    const results = page.locator('.test-output-peek-tree .monaco-list-row', { hasText: 'T-10231' }).first();
    await results.waitFor({ timeout: 30_000 });
    // The output is a terminal; run.ts turns its GPU renderer off so that the text is in the DOM.
    const output = page.locator('.xterm-rows', { hasText: 'T-10231' }).first();
    const t0 = Date.now();
    let message = '';
    while (!new RegExp(`T-10231.*: ${outcome}`).test(message.replace(/\s+/g, ' '))) {
      if (Date.now() - t0 > 30_000) throw new Error(`the Test Results output does not say the case ${outcome}: ${JSON.stringify(message.slice(0, 400))}`);
      await sleep(500);
      message = (await output.innerText().catch(() => '')).trim();
    }
    // The picture: the Testing view, the eval in its spec, the results below.
    await wb.command('View: Close All Editors').catch(() => undefined);
    await wb.openFile(SUPPORT);
    await wb.goTo(lineOf(SUPPORT, 'eval routing for Support') + 12, 1);
    await wb.goTo(lineOf(SUPPORT, 'eval routing for Support') - 3, 1);
    await wb.command('Testing: Focus on Test Explorer View');
    await shot(wb, 'test-explorer', 'test-explorer.png', log);
    const line = /#1 T-10231[^\n]*/.exec(message)?.[0] ?? '';
    return `${files} spec file(s) with evals; case #1 T-10231 ${outcome}: ${JSON.stringify(line)}`;
  });
}
