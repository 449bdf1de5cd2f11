/// <reference lib="dom" />
// The run overlay of the diagram webview in Chromium: real event streams (test/client/run-events.ts:
// the examples run by the runtime on the simulated provider) reduced by the host's reducer into
// snapshots, posted as the extension posts them. Checks node classes and badges through a run
// (queued, running, retrying with its attempt, waiting for a person, succeeded, failed, skipped),
// fan-out progress, fired edges (found by Mermaid's own edge ids, checked for every example), the
// budget bars and their warning and error colours, the buttons' messages, that the overlay
// survives a re-render and Clear, and that a failure message made of markup stays text.
// Skipped when no Chromium is installed.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateDiagram } from '../../server/src/diagram/mermaid.ts';
import type { RunEvent } from '../../server/src/runtime/trace.ts';
import { endRunState, initialRunState, reduceRunEvent, runSnapshot, type RunState } from '../../client/src/run/run-state.ts';
import type { DiagramEdgeInfo, RunSnapshot } from '../../webview/src/protocol.ts';
import { EXAMPLES, exampleIR, exampleMessage, ROOT, type DiagramMessage } from '../diagram/examples.ts';
import { researchFanOut, supportCancelled, supportFails, supportHuman, supportLoop, XSS, type RecordedRun } from '../client/run-events.ts';
import { findChromium, startHarness, type Harness, type HarnessPage } from './harness.ts';

const chromium = findChromium();
const SHOTS = path.join(ROOT, 'test-output/diagrams');
let h: Harness;

function edgesOf(name: string): DiagramEdgeInfo[] {
  return generateDiagram(exampleIR(name))!.edges.map((e) => ({ edgeId: e.edgeId, linkId: e.linkId, sources: e.sources, targets: e.targets }));
}

/** The diagram message with the edge lines, as the extension posts it. */
function diagramOf(name: string, extra: Partial<DiagramMessage> = {}): DiagramMessage {
  return { ...exampleMessage(name, {}, extra), edges: edgesOf(name) };
}

/** The snapshot after the events up to and including the first that `until` accepts (all events when absent). */
function snapshotAt(run: RecordedRun, until?: (e: RunEvent) => boolean, end = false): RunSnapshot {
  let s: RunState = initialRunState(run.session);
  for (const e of run.events) {
    s = reduceRunEvent(s, e);
    if (until?.(e)) break;
  }
  if (end) s = endRunState(s, { at: run.session.startedAt + 2_500, tracePath: '/runs/x/trace.jsonl' });
  return runSnapshot(s, run.session.startedAt + 2_500);
}

const status = (node: string, st: string, attempt?: number) => (e: RunEvent) => e.type === 'node_status' && e.node === node && e.status === st && (attempt === undefined || e.attempt === attempt);

async function postRun(p: HarnessPage, run: RunSnapshot | undefined): Promise<void> {
  await p.post({ type: 'run', run });
  await p.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
}

interface NodeView {
  classes: string[];
  badge: string | null;
  spinner: boolean;
  caption: string | null;
  status?: string;
  attempt?: string;
}

const nodeView = (p: HarnessPage, id: string) =>
  p.page.evaluate((nodeId): NodeView | undefined => {
    const g = document.querySelector<SVGGElement>(`g.node[data-ag-id="${nodeId}"]`);
    if (!g) return undefined;
    return {
      classes: [...g.classList].filter((c) => c.startsWith('ag-run')),
      badge: g.querySelector('.ag-run-badge-text')?.textContent ?? null,
      spinner: g.querySelector('.ag-run-spinner') !== null,
      caption: g.querySelector('.ag-run-caption')?.textContent ?? null,
      status: g.dataset.agRunStatus,
      attempt: g.dataset.agRunAttempt,
    };
  }, id);

const firedLinks = (p: HarnessPage) => p.page.evaluate(() => [...document.querySelectorAll('path.ag-run-fired')].map((e) => `${e.getAttribute('data-id')}×${(e as SVGElement).dataset.agFired}`).sort());

const meter = (p: HarnessPage, key: string) =>
  p.page.evaluate((k) => {
    const box = document.querySelector<HTMLElement>(`.ag-meter[data-key="${k}"]`);
    const bar = box?.querySelector('.ag-meter-bar');
    if (!box || !bar) return undefined;
    return { now: bar.getAttribute('aria-valuenow'), max: bar.getAttribute('aria-valuemax'), text: box.querySelector('.ag-meter-text')?.textContent, warn: box.classList.contains('ag-meter-warn'), over: box.classList.contains('ag-meter-over'), width: (box.querySelector('.ag-meter-fill') as HTMLElement).style.width };
  }, key);

const header = (p: HarnessPage) =>
  p.page.evaluate(() => {
    const r = document.querySelector<HTMLElement>('.ag-run')!;
    // No named helper here: the test transpiler would wrap it in a function the page lacks.
    const [cancel] = ['.ag-run-cancel'].map((sel) => {
      const e = r.querySelector<HTMLElement>(sel);
      return !!e && !e.hidden && getComputedStyle(e).display !== 'none';
    });
    return {
      shown: !r.hidden,
      status: r.querySelector('.ag-run-status')?.textContent,
      title: r.querySelector('.ag-run-title')?.textContent,
      elapsed: r.querySelector('.ag-run-elapsed')?.textContent,
      error: r.querySelector<HTMLElement>('.ag-run-error')!.hidden ? null : r.querySelector('.ag-run-error')?.textContent,
      cancel,
    };
  });

describe('diagram webview: run overlay', { skip: chromium ? false : 'no Chromium installed', timeout: 600_000 }, () => {
  let loop: RecordedRun;
  let human: RecordedRun;
  let fails: RecordedRun;
  let cancelled: RecordedRun;
  let fanOut: RecordedRun;

  before(async () => {
    h = await startHarness();
    mkdirSync(SHOTS, { recursive: true });
    [loop, human, fails, cancelled, fanOut] = await Promise.all([supportLoop(), supportHuman(), supportFails(), supportCancelled(), researchFanOut()]);
  });
  after(async () => {
    await h?.close();
  });

  test("every drawn edge line is found in Mermaid's SVG by its link id", async () => {
    const p = await h.open();
    try {
      for (const name of EXAMPLES) {
        await p.render(diagramOf(name));
        const ids = await p.page.evaluate(() => [...document.querySelectorAll('.ag-canvas path[data-id]')].map((e) => e.getAttribute('data-id')!));
        for (const e of edgesOf(name)) assert.ok(ids.includes(e.linkId), `${name}: ${e.linkId} (edge ${e.edgeId}) drawn`);
      }
    } finally {
      await p.close();
    }
  });

  test('nodes go from queued to running to retrying (with the attempt) to succeeded; fired edges light up; budget bars fill', async () => {
    const p = await h.open();
    try {
      await p.render(diagramOf('support'));
      await postRun(p, snapshotAt(loop, status('triage', 'queued')));
      assert.deepEqual((await nodeView(p, 'n_triage'))?.classes.sort(), ['ag-run-node', 'ag-run-queued']);
      assert.equal((await nodeView(p, 'n_billing'))?.classes.length, 0, 'billing not reached yet');
      assert.deepEqual(await firedLinks(p), ['L_start_n_triage_0×1']);

      await postRun(p, snapshotAt(loop, status('triage', 'running')));
      const running = await nodeView(p, 'n_triage');
      assert.equal(running?.status, 'running');
      assert.ok(running?.spinner, 'spinner while running');
      const h1 = await header(p);
      assert.equal(h1.status, '● Running');
      assert.equal(h1.title, 'Support · simulated');
      assert.ok(h1.cancel, 'Cancel offered while the run goes');

      await postRun(p, snapshotAt(loop, status('triage', 'retrying')));
      const retrying = await nodeView(p, 'n_triage');
      assert.ok(retrying?.classes.includes('ag-run-retrying'));
      assert.equal(retrying?.badge, '↻2');
      assert.equal(retrying?.attempt, '2');

      await postRun(p, snapshotAt(loop, undefined, true));
      for (const id of ['n_triage', 'n_billing', 'n_review']) {
        const v = await nodeView(p, id);
        assert.ok(v?.classes.includes('ag-run-succeeded'), `${id} succeeded`);
        assert.equal(v?.badge, '✓');
      }
      assert.match((await nodeView(p, 'n_billing'))!.caption!, /^\$0\.00\d\d · ran 2×$/);
      assert.match((await nodeView(p, 'n_triage'))!.caption!, /2 attempts/);
      assert.equal((await nodeView(p, 'n_technical'))?.classes.length, 0, 'technical never ran');
      assert.deepEqual(await firedLinks(p), ['L_n_billing_n_review_0×2', 'L_n_review_n_billing_0×1', 'L_n_review_stop_0×1', 'L_n_triage_n_billing_0×1', 'L_start_n_triage_0×1']);
      const h2 = await header(p);
      assert.equal(h2.status, '✓ Succeeded');
      assert.equal(h2.cancel, false, 'no Cancel once the run ended');
      assert.equal(h2.elapsed, '2.5 s', 'the wall time of the session, frozen at its end');
      const final = loop.result.totals;
      const cost = await meter(p, 'cost');
      assert.equal(Number(cost?.now), final.costUsd);
      assert.equal(cost?.max, '1.5');
      assert.equal(cost?.warn || cost?.over, false);
      const steps = await meter(p, 'steps');
      assert.deepEqual([steps?.now, steps?.max, steps?.text], [String(final.steps), '30', `${final.steps} / 30`]);
      const latency = await meter(p, 'latency');
      assert.equal(latency?.max, '1200000');
      assert.equal(await meter(p, 'tokens'), undefined, 'no token limit, no token bar');
      assert.deepEqual(p.errors, []);
      await p.page.screenshot({ path: path.join(SHOTS, 'support-run.png') });
    } finally {
      await p.close();
    }
  });

  test('a person being asked shows ⏸; a failed node shows ✗ and the error, as text; a cancelled run skips what was running', async () => {
    const p = await h.open();
    try {
      await p.render(diagramOf('support'));
      await postRun(p, snapshotAt(human, status('support_lead', 'waiting_for_human')));
      const waiting = await nodeView(p, 'n_support_lead');
      assert.ok(waiting?.classes.includes('ag-run-waiting-for-human'));
      assert.equal(waiting?.badge, '⏸');

      await postRun(p, snapshotAt(fails, status('review', 'retrying')));
      assert.equal((await nodeView(p, 'n_review'))?.badge, '↻2');
      await postRun(p, snapshotAt(fails, undefined, true));
      await p.page.screenshot({ path: path.join(SHOTS, 'support-run-failed.png') });
      const failed = await nodeView(p, 'n_review');
      assert.ok(failed?.classes.includes('ag-run-failed'));
      assert.equal(failed?.badge, '✗');
      const hd = await header(p);
      assert.equal(hd.status, '✗ Failed');
      assert.equal(hd.error, `node 'review' failed: ${XSS}`, 'the message is shown as it is, as text');
      const injected = await p.page.evaluate(() => ({ imgs: document.querySelectorAll('.ag-run img, .ag-tooltip img, .ag-canvas img').length, pwned: document.body.dataset.pwned }));
      assert.deepEqual(injected, { imgs: 0, pwned: undefined });
      // The node's tooltip tells the failure too, as text.
      const box = await p.page.locator('g.node[data-ag-id="n_review"]').boundingBox();
      await p.page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
      await p.page.waitForFunction(() => !document.querySelector<HTMLElement>('.ag-tooltip')!.hidden);
      const tip = await p.page.locator('.ag-tooltip').textContent();
      assert.ok(tip?.includes(`Run: failed`) && tip.includes(XSS), tip ?? '');
      assert.equal(await p.page.evaluate(() => document.querySelectorAll('.ag-tooltip *').length), 0);

      await postRun(p, snapshotAt(cancelled, undefined, true));
      assert.ok((await nodeView(p, 'n_triage'))?.classes.includes('ag-run-skipped'));
      assert.equal((await header(p)).status, '⏹ Cancelled');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('a fan-out shows how many branches are done', async () => {
    const p = await h.open();
    try {
      await p.render(diagramOf('research'));
      let seen = 0;
      await postRun(
        p,
        snapshotAt(fanOut, (e) => e.type === 'node_status' && e.node === 'researcher' && e.instance !== undefined && e.status === 'succeeded' && ++seen === 1),
      );
      const mid = await nodeView(p, 'n_researcher');
      assert.equal(mid?.status, 'running');
      assert.match(mid!.caption!, /^1\/3 done/);
      await postRun(p, snapshotAt(fanOut, undefined, true));
      const done = await nodeView(p, 'n_researcher');
      assert.equal(done?.status, 'succeeded');
      assert.match(done!.caption!, /^3\/3 done/);
      assert.ok((await firedLinks(p)).length >= 6, 'the fan-out, the parallel checks, the join and the end fired');
    } finally {
      await p.close();
    }
  });

  test('the overlay survives re-renders; another graph gets none; the budget bars warn near and over the limit', async () => {
    const p = await h.open();
    try {
      await p.render(diagramOf('support'));
      const final = snapshotAt(loop, undefined, true);
      await postRun(p, final);
      // An edit that changes the picture: Mermaid draws a new SVG, the marks come back on it.
      await p.render(diagramOf('support', { mermaid: exampleMessage('support', { direction: 'LR' }).mermaid }));
      assert.ok((await nodeView(p, 'n_billing'))?.classes.includes('ag-run-succeeded'));
      assert.equal((await firedLinks(p)).length, 5);
      // An edit that does not: the same SVG stays, and so do the marks.
      await p.render(diagramOf('support', { mermaid: exampleMessage('support', { direction: 'LR' }).mermaid, stale: true, errors: 1 }));
      assert.ok((await nodeView(p, 'n_billing'))?.classes.includes('ag-run-succeeded'));

      const b = final.budget!;
      await postRun(p, { ...final, budget: { ...b, costUsd: 1.3, steps: 31, tokens: 10, limits: { ...b.limits, tokens: 1000 } } });
      assert.deepEqual(await meter(p, 'cost'), { now: '1.3', max: '1.5', text: '$1.30 / $1.50', warn: true, over: false, width: '86.7%' });
      const steps = await meter(p, 'steps');
      assert.deepEqual([steps?.warn, steps?.over, steps?.width], [false, true, '100%']);
      assert.deepEqual([(await meter(p, 'tokens'))?.warn, (await meter(p, 'tokens'))?.over], [false, false]);

      await p.render(diagramOf('rag'));
      assert.equal(await p.page.evaluate(() => document.querySelectorAll('.ag-run-node, .ag-run-fired').length), 0, 'a run of Support is not drawn on RAG');
      assert.equal((await header(p)).shown, true, 'the header still tells about the run');
    } finally {
      await p.close();
    }
  });

  test('Cancel, Open Trace and Clear post their messages; Clear returns to the plain diagram', async () => {
    const p = await h.open();
    try {
      await p.render(diagramOf('support'));
      await postRun(p, snapshotAt(loop, status('billing', 'running')));
      await p.page.locator('.ag-run-cancel').click();
      assert.deepEqual(await p.waitForPosted('runAction'), { type: 'runAction', action: 'cancel', session: 'run-1' });
      await p.page.locator('.ag-run-open-trace').click();
      assert.deepEqual(await p.waitForPosted('runAction', 1), { type: 'runAction', action: 'openTrace', session: 'run-1' });
      await p.page.locator('.ag-run-clear').click();
      assert.deepEqual(await p.waitForPosted('runAction', 2), { type: 'runAction', action: 'clear', session: 'run-1' });
      assert.equal(await p.page.evaluate(() => document.querySelectorAll('.ag-run-node, .ag-run-fired, .ag-run-badge, .ag-run-caption, .ag-run-active').length), 0);
      assert.equal((await header(p)).shown, false);
      // A new run after a clear is drawn again.
      await postRun(p, snapshotAt(loop, undefined, true));
      assert.ok((await nodeView(p, 'n_review'))?.classes.includes('ag-run-succeeded'));
      await postRun(p, undefined);
      assert.equal(await p.page.evaluate(() => document.querySelectorAll('.ag-run-node').length), 0);
    } finally {
      await p.close();
    }
  });
});
