/// <reference lib="dom" />
// The diagram webview in Chromium (playwright-core and the system Chromium), on the harness page
// webview/index.html under the same kind of nonce-based CSP the extension uses: every example
// renders with all its nodes, clicks reveal declarations, hovers show summaries, highlights
// outline and scroll, the stale banner, themes, errors, XSS attempts, the graph picker, collapsed
// supervisors, pan/zoom persistence and SVG export. Screenshots of the examples go to
// test-output/diagrams/ (UPDATE_SCREENSHOTS=1 also refreshes docs/images/diagram-support.png).
// Skipped when no Chromium is installed.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FromWebview } from '../../webview/src/protocol.ts';
import { generateDiagram, nodeId } from '../../server/src/diagram/mermaid.ts';
import { diagramMessage, EXAMPLES, exampleIR, exampleMessage, irOfText, ROOT, type DiagramMessage } from '../diagram/examples.ts';
import { largeSpec } from '../diagram/large-spec.ts';
import { findChromium, startHarness, type Harness, type HarnessPage } from './harness.ts';

const chromium = findChromium();
const SHOTS = path.join(ROOT, 'test-output/diagrams');

let h: Harness;

const rawDiagram = (mermaid: string, nodes: DiagramMessage['nodes'] = [], extra: Partial<DiagramMessage> = {}): DiagramMessage => ({
  type: 'diagram',
  uri: 'file:///x/raw.agentgraph',
  graph: 'Raw',
  graphs: ['Raw'],
  mermaid,
  nodes,
  stale: false,
  errors: 0,
  nodeCount: nodes.length,
  ...extra,
});

async function lastPosted<T extends FromWebview['type']>(p: HarnessPage, type: T): Promise<Extract<FromWebview, { type: T }> | undefined> {
  const all = (await p.posted()).filter((m) => m.type === type);
  return all[all.length - 1] as Extract<FromWebview, { type: T }> | undefined;
}

const countPosted = async (p: HarnessPage, type: FromWebview['type']) => (await p.posted()).filter((m) => m.type === type).length;

/** Rendered node ids (nodes and supervisor boxes that have spec information). */
const renderedIds = (p: HarnessPage) => p.page.evaluate(() => [...document.querySelectorAll('.ag-canvas [data-ag-id]')].map((e) => (e as HTMLElement).dataset.agId!));

describe('diagram webview', { skip: chromium ? false : 'no Chromium installed', timeout: 600_000 }, () => {
  before(async () => {
    h = await startHarness();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await h?.close();
  });

  test('posts ready, then renders every example with all its nodes, under the CSP, without errors', async () => {
    for (const name of EXAMPLES) {
      const p = await h.open();
      try {
        assert.ok((await p.posted()).some((m) => m.type === 'ready'), 'ready posted');
        const msg = exampleMessage(name);
        await p.render(msg);
        const ids = new Set(await renderedIds(p));
        for (const n of exampleIR(name).graphs[0]!.nodes) assert.ok(ids.has(nodeId(n.name)), `${name}: ${n.name} rendered`);
        for (const n of msg.nodes) assert.ok(ids.has(n.id), `${name}: ${n.id} (${n.kind}) rendered and interactive`);
        assert.equal(await p.page.locator('.ag-error').isVisible(), false, `${name}: no error`);
        const rendered = await lastPosted(p, 'rendered');
        assert.equal(rendered?.graph, msg.graph);
        assert.equal(rendered?.nodeCount, msg.nodeCount);
        assert.ok((rendered?.ms ?? 0) > 0);
        assert.deepEqual(await p.violations(), [], `${name}: no CSP violation (no eval, no inline script)`);
        assert.deepEqual(p.errors, [], `${name}: no page errors`);
        assert.equal(await p.page.locator('.ag-summary').textContent(), `${msg.nodeCount} nodes`);
        await p.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
      } finally {
        await p.close();
      }
    }
  });

  test('clicking a node posts reveal with its range; dragging does not', async () => {
    const p = await h.open();
    try {
      const msg = exampleMessage('support');
      await p.render(msg);
      await p.page.locator('[data-ag-id="n_review"]').click();
      const reveal = await p.waitForPosted('reveal');
      assert.equal(reveal.nodeId, 'n_review');
      assert.deepEqual(reveal.range, msg.nodes.find((n) => n.id === 'n_review')!.range);
      // The supervisor box's title reveals the supervise clause.
      await p.page.locator('[data-ag-id="s_specialists"]').click();
      const sup = await p.waitForPosted('reveal', 1);
      assert.equal(sup.nodeId, 's_specialists');
      // Keyboard: Enter on a focused node.
      await p.page.locator('[data-ag-id="n_triage"]').focus();
      await p.page.keyboard.press('Enter');
      assert.equal((await p.waitForPosted('reveal', 2)).nodeId, 'n_triage');
      // A drag that starts on a node pans instead.
      const before = await p.page.locator('.ag-canvas').getAttribute('style');
      const box = (await p.page.locator('[data-ag-id="n_billing"]').boundingBox())!;
      await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.page.mouse.down();
      await p.page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40, { steps: 5 });
      await p.page.mouse.up();
      assert.notEqual(await p.page.locator('.ag-canvas').getAttribute('style'), before, 'panned');
      assert.equal(await countPosted(p, 'reveal'), 3, 'no reveal after a drag');
    } finally {
      await p.close();
    }
  });

  test('hovering a node shows its hover text in a tooltip', async () => {
    const p = await h.open();
    try {
      const msg = exampleMessage('support');
      await p.render(msg);
      await p.page.locator('[data-ag-id="n_triage"]').hover();
      const tip = p.page.locator('.ag-tooltip');
      await tip.waitFor({ state: 'visible' });
      assert.equal(await tip.textContent(), msg.nodes.find((n) => n.id === 'n_triage')!.hover);
      await p.page.mouse.move(2, 200);
      await tip.waitFor({ state: 'hidden' });
    } finally {
      await p.close();
    }
  });

  test('highlight outlines the node and scrolls it into view; undefined clears it', async () => {
    const p = await h.open({ width: 700, height: 500 });
    try {
      await p.render(exampleMessage('supervisor-tree'));
      // Zoom in far and pan away so that the node is off screen.
      for (let i = 0; i < 4; i++) await p.page.locator('.ag-zoom-in').click();
      await p.page.keyboard.press('ArrowLeft');
      await p.post({ type: 'highlight', nodeId: 'n_summarize' });
      const node = p.page.locator('[data-ag-id="n_summarize"]');
      await p.page.waitForFunction(() => document.querySelector('.ag-highlight .ag-highlight-ring') !== null);
      assert.equal(await node.evaluate((e) => e.classList.contains('ag-highlight')), true);
      const inView = await node.evaluate((e) => {
        const r = e.getBoundingClientRect();
        const v = document.querySelector('.ag-viewport')!.getBoundingClientRect();
        return r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom;
      });
      assert.ok(inView, 'scrolled into view');
      await p.post({ type: 'highlight', nodeId: undefined });
      await p.page.waitForFunction(() => document.querySelector('.ag-highlight') === null);
      // A highlight that arrives before the diagram is applied once it is drawn.
      await p.post({ type: 'highlight', nodeId: 'n_pay' });
      await p.render(exampleMessage('supervisor-tree', { legend: false }));
      assert.equal(await p.page.locator('[data-ag-id="n_pay"]').evaluate((e) => e.classList.contains('ag-highlight')), true);
    } finally {
      await p.close();
    }
  });

  test('stale diagrams get a banner', async () => {
    const p = await h.open();
    try {
      await p.render(exampleMessage('rag', {}, { stale: true, errors: 3 }));
      const banner = p.page.locator('.ag-banner');
      assert.equal(await banner.isVisible(), true);
      assert.equal(await banner.textContent(), 'Showing the last good diagram: the spec has 3 errors.');
      await p.render(exampleMessage('rag', {}, { stale: true, errors: 1 }));
      assert.equal(await banner.textContent(), 'Showing the last good diagram: the spec has 1 error.');
      await p.render(exampleMessage('rag'));
      assert.equal(await banner.isVisible(), false);
    } finally {
      await p.close();
    }
  });

  test('theme: follows the body class and theme messages, re-rendering with readable colours', async () => {
    const p = await h.open();
    try {
      await p.render(exampleMessage('support'));
      const fill = () => p.page.locator('[data-ag-id="n_triage"] > :first-child').getAttribute('style');
      assert.match((await fill()) ?? '', /#e8f0fe/i, 'light palette');
      const n = await countPosted(p, 'rendered');
      await p.page.evaluate(() => (window as unknown as { __agSetTheme(k: string): void }).__agSetTheme('dark'));
      await p.waitForPosted('rendered', n);
      assert.equal(await p.page.locator('.ag-root').getAttribute('data-theme'), 'dark');
      assert.match((await fill()) ?? '', /#1c3150/i, 'dark palette');
      await p.page.screenshot({ path: path.join(SHOTS, 'support-dark.png') });
      await p.post({ type: 'theme', kind: 'high-contrast' });
      await p.waitForPosted('rendered', n + 1);
      assert.match((await fill()) ?? '', /fill:#000000/i, 'high-contrast palette');
      await p.page.screenshot({ path: path.join(SHOTS, 'support-high-contrast.png') });
      await p.post({ type: 'theme', kind: 'high-contrast-light' });
      await p.waitForPosted('rendered', n + 2);
      assert.match((await fill()) ?? '', /fill:#ffffff/i);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('a Mermaid parse failure shows the error as text, not a blank page; the previous diagram stays', async () => {
    const p = await h.open();
    try {
      await p.render(rawDiagram('flowchart TD\n  a[[[ unclosed <b>bold</b>'));
      const err = p.page.locator('.ag-error');
      assert.equal(await err.isVisible(), true);
      assert.match((await err.textContent()) ?? '', /could not be drawn/);
      assert.match((await err.locator('pre').textContent()) ?? '', /Parse error|Expecting|Lexical error/i);
      assert.equal(await p.page.locator('.ag-error b').count(), 0, 'error text is text');
      assert.ok((await lastPosted(p, 'log'))?.message.includes('failed'));
      // A good diagram, then a broken one: the good one stays on screen, with the error above it.
      await p.render(exampleMessage('writer-critic'));
      assert.equal(await err.isVisible(), false);
      await p.render({ ...exampleMessage('writer-critic'), mermaid: 'flowchart TD\n  x --> ' });
      assert.equal(await err.isVisible(), true);
      assert.match((await err.textContent()) ?? '', /showing the previous one/);
      assert.ok((await renderedIds(p)).includes('n_critique'));
      assert.equal(await p.page.locator('body > [id^="dag-svg"], body > [id^="ag-svg"]').count(), 0, 'no stray Mermaid elements');
    } finally {
      await p.close();
    }
  });

  test('extension messages and errors are shown as text', async () => {
    const p = await h.open();
    try {
      await p.render(exampleMessage('rag'));
      await p.post({ type: 'error', message: '<b>Fix</b> the 2 errors <img src=x onerror="window.__xss=4">' });
      const empty = p.page.locator('.ag-empty');
      await empty.waitFor({ state: 'visible' });
      assert.equal(await empty.textContent(), '<b>Fix</b> the 2 errors <img src=x onerror="window.__xss=4">');
      assert.equal(await p.page.locator('.ag-canvas svg').count(), 0);
      assert.equal(await p.page.locator('.ag-empty img, .ag-empty b').count(), 0);
      await p.render(exampleMessage('rag'));
      assert.equal(await empty.isVisible(), false);
    } finally {
      await p.close();
    }
  });

  test('XSS attempts in labels and hovers never run', async () => {
    const p = await h.open();
    try {
      // Raw Mermaid (as if the generator had not escaped it).
      const raw = [
        'flowchart TD',
        '  a["<img src=x onerror=window.__xss=1>"]',
        '  b["<script>window.__xss=2</script>"]',
        '  c["<a href=javascript:window.__xss=5>link</a>"]',
        '  a --> b --> c',
        '  click a call window.alert()',
      ].join('\n');
      await p.render(rawDiagram(raw, [{ id: 'a', name: 'a', kind: 'agent', hover: '<img src=x onerror=window.__xss=3>' }]));
      await p.page.locator('[data-ag-id="a"]').hover();
      await p.page.locator('.ag-tooltip').waitFor({ state: 'visible' });
      assert.equal(await p.page.locator('.ag-tooltip').textContent(), '<img src=x onerror=window.__xss=3>');
      await p.page.locator('[data-ag-id="a"]').click();
      await p.page.waitForTimeout(300);
      assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined, 'nothing ran');
      assert.equal(await p.page.locator('.ag-canvas script, .ag-tooltip img, img[onerror], [onerror], [onclick]').count(), 0);
      assert.equal(await p.page.locator('.ag-canvas a[href^="javascript"]').count(), 0);

      // Through the generator: the hostile text is shown literally.
      const spec = `type Note { note: string }
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
agent classify(text: string) -> Note { model: fast, prompt: "Classify {{text}}" }
agent answer(text: string) -> Note { model: fast, prompt: "Answer {{text}}" }
human lead(text: string) -> Note { timeout: 1h }
graph Hostile(text: string) -> Note {
  start -> classify(text)
  classify -> answer(text) when classify.note == "<img src=x onerror=window.__xss=6> \\"q\\" | [x] {y} $$m$$"
  classify -> lead(text) otherwise
  answer -> end(answer)
  lead -> end(lead)
}
`;
      const ir = irOfText(spec);
      await p.render(diagramMessage(ir, 'file:///x/hostile.agentgraph'));
      assert.equal(await p.page.locator('.ag-error').isVisible(), false);
      const text = (await p.page.locator('.ag-canvas svg').textContent()) ?? '';
      assert.ok(text.includes('<img') && text.includes('onerror=window.__xss=6>'), `hostile text shown as text: ${text}`);
      assert.ok(text.includes('$$m$$'), '$$ shown as text, not math');
      assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
      assert.equal(await p.page.locator('img').count(), 0);
      assert.deepEqual(p.errors, []);
      assert.ok(generateDiagram(ir));
    } finally {
      await p.close();
    }
  });

  test('graph picker posts selectGraph', async () => {
    const p = await h.open();
    try {
      await p.render(exampleMessage('support', {}, { graphs: ['Support', 'Escalations'] }));
      const picker = p.page.locator('vscode-single-select.ag-picker');
      assert.equal(await picker.evaluate((e) => (e as HTMLElement & { value: string }).value), 'Support');
      assert.equal(await picker.evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled), false);
      await picker.click();
      await picker.getByRole('option', { name: 'Escalations' }).click();
      const sel = await p.waitForPosted('selectGraph');
      assert.equal(sel.graph, 'Escalations');
      // Only one graph: the picker is disabled.
      await p.render(exampleMessage('support'));
      assert.equal(await picker.evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled), true);
    } finally {
      await p.close();
    }
  });

  test('a collapsed supervisor expands on click', async () => {
    const p = await h.open();
    try {
      await p.render(exampleMessage('supervisor-tree', { collapseSupervisors: true }));
      assert.match((await p.page.locator('.ag-summary').textContent()) ?? '', /click a ⊞ box to expand/);
      await p.page.locator('[data-ag-id="s_root"]').click();
      const ex = await p.waitForPosted('expandSupervisor');
      assert.equal(ex.name, 'root');
      assert.equal(await countPosted(p, 'reveal'), 0);
      await p.render(exampleMessage('supervisor-tree', { collapseSupervisors: true, expanded: ['root'] }));
      assert.ok((await renderedIds(p)).includes('n_pay'));
      await p.page.screenshot({ path: path.join(SHOTS, 'supervisor-tree-collapsed.png') });
    } finally {
      await p.close();
    }
  });

  test('zoom, fit and pan persist through setState and are restored after a reload', async () => {
    const p = await h.open();
    try {
      const msg = exampleMessage('research');
      await p.render(msg);
      const label = p.page.locator('.ag-zoom-label');
      const fitted = Number((await label.textContent())!.replace('%', ''));
      await p.page.locator('.ag-zoom-in').click();
      const zoomed = Number((await label.textContent())!.replace('%', ''));
      assert.ok(Math.abs(zoomed - fitted * 1.25) <= 1, `${fitted}% → ${zoomed}%`);
      const box = (await p.page.locator('.ag-viewport').boundingBox())!;
      await p.page.mouse.move(box.x + 100, box.y + 100);
      await p.page.mouse.wheel(0, -300);
      const wheeled = Number((await label.textContent())!.replace('%', ''));
      assert.ok(wheeled > zoomed, 'wheel up zooms in');
      await p.page.waitForTimeout(300);
      const state = await p.page.evaluate(() => JSON.parse(sessionStorage.getItem('agentgraph-harness-state') ?? 'null') as { uri: string; graph: string; zoom: number; pan: { x: number; y: number } });
      assert.equal(state.uri, msg.uri);
      assert.equal(state.graph, 'Research');
      assert.ok(Math.abs(state.zoom * 100 - wheeled) <= 1);
      // Reload (VS Code reloads hidden webviews): the same view comes back.
      await p.page.reload();
      await p.page.waitForFunction(() => document.querySelector('.ag-toolbar') !== null);
      await p.render(msg);
      assert.equal(Number((await label.textContent())!.replace('%', '')), wheeled);
      const style = (await p.page.locator('.ag-canvas').getAttribute('style')) ?? '';
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(style);
      assert.ok(m && Math.abs(Number(m[1]) - state.pan.x) < 0.01 && Math.abs(Number(m[2]) - state.pan.y) < 0.01, `${style} restores ${JSON.stringify(state.pan)}`);
      // 0 (or the Fit button) fits again.
      await p.page.keyboard.press('0');
      assert.equal(Number((await label.textContent())!.replace('%', '')), fitted);
      await p.page.locator('.ag-zoom-out').click();
      assert.ok(Number((await label.textContent())!.replace('%', '')) < fitted);
      await p.page.locator('.ag-fit').click();
      assert.equal(Number((await label.textContent())!.replace('%', '')), fitted);
    } finally {
      await p.close();
    }
  });

  test('an unchanged diagram is not re-rendered; ranges are refreshed', async () => {
    const p = await h.open();
    try {
      const msg = exampleMessage('writer-critic');
      await p.render(msg);
      const svgBefore = await p.page.evaluate(() => document.querySelector('.ag-canvas svg')!.id);
      const moved = { ...msg, nodes: msg.nodes.map((n) => (n.range ? { ...n, range: { ...n.range, start: { line: n.range.start.line + 5, character: 0 } } } : n)) };
      await p.render(moved);
      assert.equal(await p.page.evaluate(() => document.querySelector('.ag-canvas svg')!.id), svgBefore, 'same SVG kept');
      await p.page.locator('[data-ag-id="n_draft"]').click();
      const reveal = await p.waitForPosted('reveal');
      assert.equal(reveal.range.start.line, msg.nodes.find((n) => n.id === 'n_draft')!.range!.start.line + 5);
    } finally {
      await p.close();
    }
  });

  test('the legend is an overlay in the theme colours, toggled by its button and L', async () => {
    const p = await h.open();
    try {
      await p.render(exampleMessage('support'));
      const legend = p.page.locator('.ag-legend');
      assert.equal(await legend.isVisible(), true);
      const items = await legend.locator('li').allTextContents();
      for (const want of ['human', 'tool', 'loop (max N)', 'for each: fan-out (≤ N)', 'join: waits for all']) assert.ok(items.some((t) => t.includes(want)), want);
      assert.match((await legend.locator('p').textContent()) ?? '', /↻ retries · ⤵ fallback models · ⏱ cache/);
      assert.equal(await p.page.locator('.ag-canvas g.cluster[id$="-legend"]').count(), 0, 'the Mermaid legend is not drawn in the view');
      await p.page.locator('.ag-legend-toggle').click();
      assert.equal(await legend.isVisible(), false);
      await p.page.keyboard.press('l');
      assert.equal(await legend.isVisible(), true);
    } finally {
      await p.close();
    }
  });

  test('requestSvg answers with a standalone SVG in the light palette', async () => {
    const p = await h.open({ theme: 'dark' });
    try {
      await p.render(exampleMessage('support'));
      await p.post({ type: 'requestSvg' });
      const { svg } = await p.waitForPosted('exportSvg');
      assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
      const ok = await p.page.evaluate((s) => {
        const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
        return doc.querySelector('parsererror') === null && doc.documentElement.localName === 'svg';
      }, svg);
      assert.ok(ok, 'well-formed XML');
      assert.match(svg, /^<svg[^>]*width="\d+"[^>]*height="\d+"|^<svg[^>]*height="\d+"[^>]*width="\d+"/);
      assert.ok(svg.includes('background-color: rgb(255, 255, 255)') || svg.includes('background-color: #ffffff'), 'white background');
      assert.ok(svg.includes('#e8f0fe'), 'light palette even in a dark editor');
      for (const n of ['triage', 'billing', 'review']) assert.ok(svg.includes(`>${n}<`));
      assert.ok(svg.includes('>legend<'), 'exports keep the legend');
    } finally {
      await p.close();
    }
  });

  test('large graphs: ELK layout, interactive, edge labels decoded', async () => {
    const p = await h.open();
    try {
      const ir = irOfText(largeSpec(120));
      const msg = diagramMessage(ir, 'file:///x/large.agentgraph');
      assert.ok(msg.nodes.length > 120, `${msg.nodes.length} drawn nodes use ELK`);
      await p.render(msg, 300_000);
      assert.equal(await p.page.locator('.ag-error').isVisible(), false, (await p.page.locator('.ag-error').textContent()) ?? '');
      const ids = new Set(await renderedIds(p));
      for (const n of ir.graphs[0]!.nodes) assert.ok(ids.has(nodeId(n.name)), n.name);
      const text = (await p.page.locator('.ag-canvas svg').textContent()) ?? '';
      assert.ok(!text.includes('¶ß'), 'no Mermaid entity placeholders');
      assert.ok(text.includes('s0_route.category == "a"'), 'quoted condition decoded');
      assert.equal(await p.page.locator('.ag-progress').isVisible(), false, 'progress note gone');
      await p.page.locator('[data-ag-id="n_s1_check"]').click();
      assert.equal((await p.waitForPosted('reveal')).nodeId, 'n_s1_check');
      assert.deepEqual(await p.violations(), []);
    } finally {
      await p.close();
    }
  });

  test('docs screenshot of the support example', { skip: process.env.UPDATE_SCREENSHOTS === '1' ? false : 'set UPDATE_SCREENSHOTS=1 to refresh docs/images/diagram-support.png' }, async () => {
    const p = await h.open({ width: 1200, height: 1240 });
    try {
      await p.render(exampleMessage('support'));
      mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
      await p.page.locator('[data-ag-id="n_review"]').hover();
      await p.page.locator('.ag-tooltip').waitFor({ state: 'visible' });
      await p.page.screenshot({ path: path.join(ROOT, 'docs/images/diagram-support.png') });
    } finally {
      await p.close();
    }
  });
});
