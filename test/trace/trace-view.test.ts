/// <reference lib="dom" />
// The trace webview in Chromium on recorded traces (test/trace/fixtures): the timeline shows every
// span with its nesting; selecting a span shows its prompt, output, tokens and cost; a click posts
// `reveal` with the span's declaration; long payloads expand; model output containing HTML stays
// text; keyboard navigation, the filter, malformed lines, live batches, and the Compare Runs table
// with a different route. Screenshots go to test-output/trace/. Skipped without Chromium.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseTrace, type RunEvent } from '../../webview/src/trace/model.ts';
import { findChromium, startTraceHarness, type TraceHarness, type TracePage } from './harness.ts';

const FIXTURES = path.join(__dirname, 'fixtures');
const SHOTS = path.join(__dirname, '../../test-output/trace');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, `${name}.jsonl`), 'utf8');

/** Trace text with one span changed (in its span_start and span_end alike). */
function patchSpan(text: string, spanId: string, change: (span: Extract<RunEvent, { type: 'span_start' }>['span']) => void): string {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const e = JSON.parse(line) as RunEvent;
      if ((e.type === 'span_start' || e.type === 'span_end') && e.span.id === spanId) change(e.span);
      return JSON.stringify(e);
    })
    .join('\n');
}

const rowIds = (p: TracePage) => p.page.evaluate(() => [...document.querySelectorAll('.tv-row')].map((r) => (r as HTMLElement).dataset.spanId!));

async function showTrace(p: TracePage, text: string, title = 'trace'): Promise<void> {
  const n = await p.count('rendered');
  await p.post({ type: 'trace', title, text });
  await p.waitForPosted('rendered', n);
}

let h: TraceHarness;

describe('trace webview', { skip: findChromium() ? false : 'no Chromium installed', timeout: 300_000 }, () => {
  before(async () => {
    h = await startTraceHarness();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await h?.close();
  });

  test('the timeline shows every span with its nesting, the summary header and no CSP violation', async () => {
    const p = await h.open();
    try {
      const text = fixture('support-technical');
      const model = parseTrace(text);
      await showTrace(p, text, 'Support-technical');
      const ids = await rowIds(p);
      assert.equal(ids.length, model.spans.size);
      for (const [id, span] of model.spans) {
        const level = await p.page.getAttribute(`.tv-row[data-span-id="${id}"]`, 'aria-level');
        assert.equal(Number(level), span.depth + 1, `${span.record.kind} ${span.record.name} nested at depth ${span.depth}`);
      }
      const kinds = await p.page.evaluate(() => [...new Set([...document.querySelectorAll('.tv-row')].map((r) => (r as HTMLElement).dataset.kind))]);
      assert.deepEqual(kinds.sort(), ['attempt', 'model_call', 'node', 'run', 'tool_call']);
      // Bars of later nodes start further right on the shared axis.
      const left = (id: string) => p.page.$eval(`.tv-row[data-span-id="${id}"] .tv-bar`, (b) => b.getBoundingClientRect().left);
      const nodes = model.roots[0]!.children.map((c) => c.record.id);
      assert.ok((await left(nodes[0]!)) < (await left(nodes[1]!)) && (await left(nodes[1]!)) < (await left(nodes[2]!)));
      const header = await p.page.textContent('.tv-summary');
      for (const s of ['succeeded', 'Support', 'simulated', model.runId!, String(model.totals!.tokens), 'Steps3']) assert.ok(header!.replace(/\s+/g, '').includes(s.replace(/\s+/g, '')), `header shows ${s}: ${header}`);
      assert.ok((await p.page.locator('.tv-tick').count()) >= 3, 'time axis ticks');
      // Collapsing the technical node hides its four descendants.
      await p.page.click(`.tv-row[data-span-id="${nodes[1]}"] .tv-toggle`);
      assert.equal((await rowIds(p)).length, model.spans.size - 4);
      assert.deepEqual(await p.violations(), []);
      assert.deepEqual(p.errors, []);
      await p.page.screenshot({ path: path.join(SHOTS, 'support-technical.png') });
    } finally {
      await p.close();
    }
  });

  test('time axis labels never overlap, in a narrow column and after a resize', async () => {
    const p = await h.open();
    try {
      const text = fixture('support-technical');
      // The layout splits the width between the timeline and the details pane, so a narrow
      // window is the narrow editor column that once crowded six labels into 60 px.
      await p.page.setViewportSize({ width: 700, height: 600 });
      await showTrace(p, text, 'Support-technical');
      const overlaps = () =>
        p.page.evaluate(() => {
          const boxes = [...document.querySelectorAll('.tv-tick')].map((t) => t.getBoundingClientRect());
          let n = 0;
          for (let i = 1; i < boxes.length; i++) if (boxes[i]!.left < boxes[i - 1]!.right) n++;
          return { n, ticks: boxes.length };
        });
      const narrow = await overlaps();
      assert.equal(narrow.n, 0, `overlapping tick labels in a narrow column (${narrow.ticks} ticks)`);
      assert.ok(narrow.ticks >= 1);
      await p.page.setViewportSize({ width: 1600, height: 800 });
      await p.page.waitForFunction((before) => document.querySelectorAll('.tv-tick').length > before, narrow.ticks);
      const wide = await overlaps();
      assert.equal(wide.n, 0, 'overlapping tick labels after widening');
    } finally {
      await p.close();
    }
  });

  test('selecting a span shows its prompt, output, tokens and cost; a click posts reveal with its range', async () => {
    const p = await h.open();
    try {
      const text = fixture('support-technical');
      const model = parseTrace(text);
      await showTrace(p, text);
      const technical = model.roots[0]!.children[1]!;
      const attempt = technical.children[0]!;
      const call = attempt.children[2]!;
      const reveals = await p.count('reveal');
      await p.page.click(`.tv-row[data-span-id="${technical.record.id}"]`);
      const reveal = await p.waitForPosted('reveal', reveals);
      const a = technical.record.attributes;
      assert.deepEqual(reveal.range, {
        file: 'examples/support.agentgraph',
        start: { line: a['agentgraph.source.start_line'], character: a['agentgraph.source.start_character'] },
        end: { line: a['agentgraph.source.end_line'], character: a['agentgraph.source.end_character'] },
      });
      assert.equal(reveal.spanId, technical.record.id);
      // The attempt: its rendered prompt and structured output.
      await p.page.click(`.tv-row[data-span-id="${attempt.record.id}"]`);
      const prompt = await p.page.textContent('.tv-block[data-label="Prompt"] pre');
      assert.ok(prompt && prompt.length > 20 && String(attempt.record.attributes['agentgraph.prompt']).startsWith(prompt.slice(0, 20)));
      const output = await p.page.textContent('.tv-block[data-label="Output"] pre');
      assert.deepEqual(JSON.parse(output!), JSON.parse(String(attempt.record.attributes['agentgraph.output'])), 'output pretty-printed JSON of the same value');
      assert.ok(output!.includes('\n  '), 'pretty-printed');
      // The model call: tokens, cost, cache hit, and its messages.
      await p.page.click(`.tv-row[data-span-id="${call.record.id}"]`);
      const facts = (await p.page.textContent('.tv-facts'))!;
      assert.ok(facts.includes(`Input tokens${call.record.attributes['gen_ai.usage.input_tokens']}`), facts);
      assert.ok(facts.includes(`Output tokens${call.record.attributes['gen_ai.usage.output_tokens']}`), facts);
      assert.match(facts, /Cost\$0\.\d+/);
      assert.match(facts, /Cache hitno/);
      assert.ok((await p.page.locator('.tv-block[data-label^="Input message"]').count()) >= 2, 'input messages, one block each');
      assert.equal(await p.page.locator('.tv-block[data-label^="Output message"]').count(), 1);
      // The tool call: arguments and result.
      await p.page.click(`.tv-row[data-span-id="${attempt.children[1]!.record.id}"]`);
      assert.ok(await p.page.isVisible('.tv-block[data-label="Tool arguments"]'));
      assert.ok(await p.page.isVisible('.tv-block[data-label="Tool result"]'));
      // Copy sends the full text to the host.
      const copies = await p.count('copy');
      await p.page.click('.tv-block[data-label="Tool result"] .tv-copy');
      const copy = await p.waitForPosted('copy', copies);
      assert.deepEqual(JSON.parse(copy.text), JSON.parse(String(attempt.children[1]!.record.attributes['gen_ai.tool.call.result'])));
      await p.page.screenshot({ path: path.join(SHOTS, 'selected-tool-call.png') });
    } finally {
      await p.close();
    }
  });

  test('errors and retry reasons of failed attempts are shown', async () => {
    const p = await h.open();
    try {
      const model = parseTrace(fixture('support-retries'));
      await showTrace(p, fixture('support-retries'));
      const second = model.roots[0]!.children[0]!.children[1]!;
      await p.page.click(`.tv-row[data-span-id="${second.record.id}"]`);
      const text = (await p.page.textContent('.tv-problems-list'))!;
      assert.ok(text.includes(second.record.error!), text);
      assert.ok(text.includes(`Retry reason${second.record.attributes['agentgraph.retry_reason']}`), text);
      assert.equal(await p.page.locator('.tv-row.tv-status-error').count(), 8, '4 failed attempts and their 4 model calls');
      // Filtering by status: the failed spans and their ancestors (the run and triage).
      await p.page.fill('.tv-filter', 'failed');
      await p.page.waitForFunction(() => document.querySelectorAll('.tv-row').length === 10);
      assert.equal(await p.page.locator('.tv-row.tv-status-error').count(), 8);
    } finally {
      await p.close();
    }
  });

  test('a long payload is cut with "Show all (size)" and expands', async () => {
    const p = await h.open();
    try {
      const long = `${'The quick brown fox jumps over the lazy dog. '.repeat(280)}END`;
      await showTrace(p, patchSpan(fixture('support-human'), '1.3', (span) => (span.attributes['agentgraph.prompt'] = long)));
      await p.page.click('.tv-row[data-span-id="1.3"]');
      const pre = p.page.locator('.tv-block[data-label="Prompt"] pre');
      const before = (await pre.textContent())!;
      assert.ok(before.length < 2100 && !before.includes('END'));
      const button = p.page.locator('.tv-block[data-label="Prompt"] .tv-expand');
      assert.equal(await button.textContent(), 'Show all (12.6 kB)');
      await button.click();
      assert.equal(await pre.textContent(), long);
      assert.equal(await button.count(), 0);
    } finally {
      await p.close();
    }
  });

  test('HTML in model output, prompts and tool results is shown as text and never runs', async () => {
    const p = await h.open();
    try {
      const xss = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';
      const out = JSON.stringify([{ role: 'assistant', content: xss }]);
      const text = patchSpan(fixture('support-human'), '1.4', (span) => Object.assign(span.attributes, { 'gen_ai.output.messages': out, 'agentgraph.prompt': xss }));
      await showTrace(p, patchSpan(text, '1.2', (span) => (span.name = `triage ${xss}`)));
      await p.page.click('.tv-row[data-span-id="1.4"]');
      const shown = await p.page.textContent('.tv-block[data-label="Output message 1: assistant"] pre');
      assert.equal(shown, xss);
      assert.ok((await p.page.textContent('.tv-rows'))!.includes(`triage ${xss}`), 'a span name with HTML is text too');
      assert.equal(await p.page.locator('.tv-details img, .tv-details b, .tv-rows img, .tv-details script').count(), 0);
      assert.equal(await p.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('keyboard navigation, the filter box and malformed lines', async () => {
    const p = await h.open();
    try {
      const lines = fixture('support-technical').trim().split('\n');
      lines.splice(5, 0, '{"type": broken');
      await showTrace(p, lines.join('\n'));
      assert.match((await p.page.textContent('.tv-problems'))!, /1 malformed line skipped:\s*line 6: not JSON/);
      const ids = await rowIds(p);
      await p.page.focus('.tv-gantt');
      await p.page.keyboard.press('ArrowDown');
      await p.page.keyboard.press('ArrowDown');
      assert.equal(await p.page.getAttribute('.tv-row.tv-selected', 'data-span-id'), ids[2]);
      assert.equal(await p.page.getAttribute('.tv-details-body', 'data-span-id'), ids[2]);
      await p.page.keyboard.press('ArrowUp');
      assert.equal(await p.page.getAttribute('.tv-row.tv-selected', 'data-span-id'), ids[1]);
      const reveals = await p.count('reveal');
      await p.page.keyboard.press('Enter');
      assert.equal((await p.waitForPosted('reveal', reveals)).spanId, ids[1]);
      await p.page.keyboard.press('End');
      assert.equal(await p.page.getAttribute('.tv-row.tv-selected', 'data-span-id'), ids[ids.length - 1]);
      // The filter keeps matching spans and their ancestors.
      await p.page.fill('.tv-filter', 'search_kb');
      await p.page.waitForFunction(() => document.querySelectorAll('.tv-row').length === 4);
      assert.deepEqual(
        await p.page.evaluate(() => [...document.querySelectorAll('.tv-row')].map((r) => (r as HTMLElement).dataset.kind)),
        ['run', 'node', 'attempt', 'tool_call'],
      );
      await p.page.fill('.tv-filter', 'error');
      await p.page.waitForFunction(() => document.querySelectorAll('.tv-row').length === 0);
      await p.page.fill('.tv-filter', '');
      await p.page.waitForFunction((n) => document.querySelectorAll('.tv-row').length === n, ids.length);
    } finally {
      await p.close();
    }
  });

  test('live: thousands of events in batches are drawn, the header follows the run', async () => {
    const p = await h.open();
    try {
      const base = fixture('support-technical')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as RunEvent);
      // Many node spans under one run: the same trace's events, with span ids made unique per copy.
      const events: RunEvent[] = [];
      const copies = 60;
      for (let c = 0; c < copies; c++) {
        for (const e of base) {
          if (e.type === 'run_start' || e.type === 'run_end') continue;
          if (e.type !== 'span_start' && e.type !== 'span_end') {
            events.push(e);
            continue;
          }
          if (e.span.kind === 'run') continue;
          const span = { ...e.span, id: `${c}.${e.span.id}`, parentId: e.span.parentId === '1.1' ? '1.1' : `${c}.${e.span.parentId}` };
          events.push({ ...e, span });
        }
      }
      const runStart = base.filter((e) => e.type === 'run_start' || (e.type === 'span_start' && e.span.kind === 'run'));
      const end = base.filter((e) => e.type === 'run_end' || (e.type === 'span_end' && e.span.kind === 'run'));
      await p.post({ type: 'live', title: 'Support (run, live)' });
      await p.post({ type: 'events', events: runStart });
      for (let i = 0; i < events.length; i += 500) await p.post({ type: 'events', events: events.slice(i, i + 500) });
      const spanCount = 1 + copies * (parseTrace(fixture('support-technical')).spans.size - 1);
      // The list is virtual: all rows are counted, the ones in view exist.
      await p.page.waitForFunction((n) => document.querySelector('.tv-rows')?.getAttribute('data-rows') === String(n), spanCount, { timeout: 20_000 });
      const drawn = await p.page.locator('.tv-row').count();
      assert.ok(drawn > 20 && drawn < 120, `${drawn} rows drawn of ${spanCount}`);
      assert.match((await p.page.textContent('.tv-summary'))!, /running/);
      assert.ok(events.length > 5000, `${events.length} events`);
      await p.post({ type: 'events', events: end });
      await p.post({ type: 'ended' });
      await p.page.waitForFunction(() => /succeeded/.test(document.querySelector('.tv-summary')?.textContent ?? ''));
      // Keyboard navigation scrolls the virtual list: End draws and selects the last span.
      await p.page.focus('.tv-gantt');
      await p.page.keyboard.press('End');
      const last = events.filter((e) => e.type === 'span_start').pop() as Extract<RunEvent, { type: 'span_start' }>;
      assert.equal(await p.page.getAttribute('.tv-row.tv-selected', 'data-span-id'), last.span.id);
      assert.ok(await p.page.isVisible('.tv-row.tv-selected'));
      assert.ok((await p.page.$eval('.tv-gantt', (g) => g.scrollTop)) > 1000);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('live: a running model call shows its streamed text, then its output once it ends', async () => {
    const p = await h.open();
    try {
      const all = fixture('support-technical')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as RunEvent);
      const callEnd = all.findIndex((e) => e.type === 'span_end' && e.span.id === '1.4');
      // Cut the stream after the call's third delta: the text so far is not JSON yet.
      const tokenAt = all.map((e, i) => (e.type === 'token' && e.spanId === '1.4' ? i : -1)).filter((i) => i >= 0);
      assert.ok(tokenAt.length > 3 && tokenAt[3]! < callEnd);
      const cut = tokenAt[2]! + 1;
      const tokens = tokenAt.slice(0, 3).map((i) => all[i] as Extract<RunEvent, { type: 'token' }>);
      await p.post({ type: 'live', title: 'Support (run, live)', provider: 'simulated' });
      await p.post({ type: 'events', events: all.slice(0, cut) });
      await p.page.waitForSelector('.tv-row[data-span-id="1.4"]');
      await p.page.click('.tv-row[data-span-id="1.4"]');
      const streamed = await p.page.textContent('.tv-block[data-label="Streaming output"] pre');
      assert.equal(streamed, tokens.map((t) => t.delta).join(''));
      assert.match((await p.page.textContent('.tv-summary'))!, /running/);
      await p.post({ type: 'events', events: all.slice(cut) });
      await p.post({ type: 'ended' });
      await p.page.waitForSelector('.tv-block[data-label="Output message 1: assistant"]');
      assert.equal(await p.page.locator('.tv-block[data-label="Streaming output"]').count(), 0);
    } finally {
      await p.close();
    }
  });

  test('Compare Runs highlights the different route, outputs and deltas', async () => {
    const p = await h.open();
    try {
      const n = await p.count('rendered');
      await p.post({ type: 'compare', left: { title: 'human route', text: fixture('support-human') }, right: { title: 'technical route', text: fixture('support-technical') } });
      await p.waitForPosted('rendered', n);
      const rows = await p.page.evaluate(() => [...document.querySelectorAll('.tv-cmp-row')].map((r) => [(r as HTMLElement).dataset.key, (r as HTMLElement).dataset.presence, r.className]));
      assert.deepEqual(
        rows.map((r) => [r[0], r[1]]),
        [
          ['triage#1', 'both'],
          ['support_lead#1', 'left'],
          ['technical#1', 'right'],
          ['review#1', 'right'],
        ],
      );
      assert.match(rows[1]![2]!, /tv-only-left/);
      assert.match(rows[2]![2]!, /tv-only-right/);
      assert.match(rows[0]![2]!, /tv-output-differs/);
      assert.equal(await p.page.locator('.tv-cmp-row[data-key="triage#1"] .tv-output.tv-differs').count(), 2);
      assert.match((await p.page.textContent('.tv-cmp-summary'))!, /Different route/);
      assert.match((await p.page.textContent('.tv-cmp-row[data-key="technical#1"]'))!, /only in B/);
      const totals = (await p.page.textContent('.tv-totals'))!;
      assert.match(totals, /\+\$0\.\d+ \(\+\d+\.\d%\)/, totals);
      assert.deepEqual(await p.violations(), []);
      await p.page.screenshot({ path: path.join(SHOTS, 'compare.png') });
    } finally {
      await p.close();
    }
  });
});
