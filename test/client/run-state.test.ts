// The run-state reducer (client/src/run/run-state.ts) on real event streams of the examples
// (test/client/run-events.ts): node statuses through a run, attempts, per-node cost, fired edges,
// budget, fan-out branches, a person being asked, failure, cancellation and a session cut short;
// the snapshot throttle; and the last-run lens lines (client/src/run/last-run-lines.ts).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, mock, test } from 'node:test';
import { generateDiagram } from '../../server/src/diagram/mermaid.ts';
import { DiagramService } from '../../server/src/lsp/custom/diagram.ts';
import { Workspace } from '../../server/src/lsp/workspace.ts';
import type { RunEvent } from '../../server/src/runtime/trace.ts';
import { linesFromDiagram, linesFromText, mergeLines } from '../../client/src/run/last-run-lines.ts';
import { endRunState, initialRunState, reduceRunEvent, runSnapshot, SnapshotThrottle, type RunState } from '../../client/src/run/run-state.ts';
import type { RunNodeState, RunSnapshot } from '../../webview/src/protocol.ts';
import { formatDuration, formatUsd, lastRunText, nodeCaption } from '../../webview/src/run-format.ts';
import { irOfText } from '../diagram/examples.ts';
import { researchFanOut, supportCancelled, supportFails, supportHuman, supportLoop, XSS, type RecordedRun } from './run-events.ts';

function replay(run: RecordedRun, until?: (e: RunEvent) => boolean): RunState {
  let s = initialRunState(run.session);
  for (const e of run.events) {
    s = reduceRunEvent(s, e);
    if (until?.(e)) break;
  }
  return s;
}

const node = (s: RunState | RunSnapshot, name: string): RunNodeState => {
  const snap = 'order' in s ? runSnapshot(s, 0) : s;
  const n = snap.nodes.find((x) => x.name === name);
  assert.ok(n, `node ${name} in the run`);
  return n;
};

const at = (name: string, status: string) => (e: RunEvent) => e.type === 'node_status' && e.node === name && e.status === status;

describe('run state', () => {
  let loop: RecordedRun, human: RecordedRun, fails: RecordedRun, cancelled: RecordedRun, fanOut: RecordedRun;
  before(async () => {
    [loop, human, fails, cancelled, fanOut] = await Promise.all([supportLoop(), supportHuman(), supportFails(), supportCancelled(), researchFanOut()]);
  });

  test('follows nodes from queued to running to retrying to succeeded, with attempts and their own cost', () => {
    assert.equal(node(replay(loop, at('triage', 'queued')), 'triage').status, 'queued');
    assert.deepEqual(pick(node(replay(loop, at('triage', 'running')), 'triage')), { status: 'running', attempt: 1 });
    const retrying = node(replay(loop, at('triage', 'retrying')), 'triage');
    assert.deepEqual(pick(retrying), { status: 'retrying', attempt: 2 });
    assert.match(retrying.error!, /429/);

    const s = replay(loop);
    assert.equal(s.status, 'succeeded');
    assert.equal(s.runId, loop.result.runId);
    const snap = runSnapshot(s, 0);
    assert.deepEqual(snap.nodes.map((n) => n.name), ['triage', 'billing', 'review']);
    // The runtime's own per-node summary is the reference for attempts, executions, cost and time.
    for (const n of snap.nodes) {
      const ref = loop.result.nodes.find((x) => x.node === n.name)!;
      assert.equal(n.status, 'succeeded', n.name);
      assert.equal(n.attempts, ref.attempts, `${n.name} attempts`);
      assert.equal(n.executions, ref.executions, `${n.name} executions`);
      assert.ok(Math.abs(n.costUsd - ref.costUsd) < 1e-12, `${n.name} cost ${n.costUsd} vs ${ref.costUsd}`);
      assert.equal(n.latencyMs, ref.latencyMs, `${n.name} latency`);
    }
    assert.equal(node(snap, 'billing').executions, 2, 'the review loop ran billing twice');
  });

  test('counts fired edges and keeps the run-level budget', () => {
    const s = replay(loop);
    assert.deepEqual(
      s.edges.map((e) => `${e.edge}:${e.from.join('+')}>${e.to.join('+')}×${e.count}`),
      ['0:start>triage×1', '1:triage>billing×1', '4:billing>review×2', '7:review>billing×1', '6:review>end×1'],
    );
    const t = loop.result.totals;
    assert.deepEqual(s.budget, { costUsd: t.costUsd, tokens: t.tokens, steps: t.steps, latencyMs: t.latencyMs, limits: { costUsd: 1.5, latencyMs: 1_200_000, steps: 30 } });
    // Mid-run, the budget grows with every step (review's own step is counted just after it starts).
    const mid = replay(loop, at('review', 'running'));
    assert.ok(mid.budget && mid.budget.steps === 2 && mid.budget.costUsd > 0 && mid.budget.costUsd < t.costUsd);
  });

  test('a budget event of a smaller scope (a sub-graph) does not replace the run’s figures', () => {
    const s = replay(loop);
    const sub: RunEvent = { type: 'budget', totals: { costUsd: 0.0001, tokens: 10, inputTokens: 5, outputTokens: 5, steps: 1, modelCalls: 1, toolCalls: 0, latencyMs: 10, humanWaitMs: 0 }, limits: { costUsd: 0.01 }, seq: 10_000, runId: s.runId!, time: 0 };
    const live = replay(loop, at('review', 'running'));
    assert.deepEqual(reduceRunEvent(live, sub).budget, live.budget);
  });

  test('shows a person being asked, then answered', () => {
    assert.equal(node(replay(human, at('support_lead', 'waiting_for_human')), 'support_lead').status, 'waiting_for_human');
    const s = replay(human);
    assert.equal(node(s, 'support_lead').status, 'succeeded');
    assert.deepEqual(s.edges.map((e) => e.edge), [0, 3, 10]);
  });

  test('a failed run: the failing node, its attempts and the error, kept as the runtime wrote it', () => {
    const s = endRunState(replay(fails), { at: 5_000, tracePath: '/r/trace.jsonl' });
    assert.equal(s.status, 'failed');
    const review = node(s, 'review');
    assert.deepEqual(pick(review), { status: 'failed', attempt: 2 });
    assert.equal(review.attempts, 2);
    assert.equal(review.error, XSS);
    const snap = runSnapshot(s, 99_999);
    assert.equal(snap.error, `node 'review' failed: ${XSS}`);
    assert.equal(snap.errorNode, 'review');
    assert.equal(snap.tracePath, '/r/trace.jsonl');
    assert.equal(snap.ended, true);
    assert.equal(snap.wallMs, 4_000, 'elapsed stops at the end of the session');
  });

  test('cancellation: the run is cancelled and what was running is skipped', () => {
    const s = endRunState(replay(cancelled), { at: 2_000 });
    assert.equal(s.status, 'cancelled');
    assert.equal(node(s, 'triage').status, 'skipped');
    // A session that ends without the runtime's run_end (the process was killed) is cancelled too, and nothing stays running.
    const cut = endRunState(replay(loop, at('billing', 'running')), { at: 2_000 });
    assert.equal(cut.status, 'cancelled');
    assert.equal(node(cut, 'billing').status, 'skipped');
    assert.equal(node(cut, 'triage').status, 'succeeded');
    const crashed = endRunState(replay(loop, at('billing', 'running')), { at: 2_000, error: 'the run process exited with code 1' });
    assert.deepEqual([crashed.status, crashed.error], ['failed', 'the run process exited with code 1']);
    // Events after the end change nothing.
    assert.equal(reduceRunEvent(cut, loop.events.at(-1)!), cut);
  });

  test('a fan-out aggregates its branches: 1/3 done while running, 3/3 once the node succeeds', () => {
    let done = 0;
    const mid = node(replay(fanOut, (e) => e.type === 'node_status' && e.node === 'researcher' && e.instance !== undefined && e.status === 'succeeded' && ++done === 1), 'researcher');
    assert.equal(mid.status, 'running');
    assert.deepEqual(mid.fanOut, { total: 3, done: 1, failed: 0, running: 2 });
    assert.equal(nodeCaption(mid).split(' · ')[0], '1/3 done');
    const queued = node(replay(fanOut, (e) => e.type === 'node_status' && e.node === 'researcher' && e.instance === 2 && e.status === 'queued'), 'researcher');
    assert.deepEqual([queued.status, queued.fanOut?.total, queued.fanOut?.done], ['queued', 3, 0]);
    const end = replay(fanOut);
    const r = node(end, 'researcher');
    assert.deepEqual([r.status, r.fanOut], ['succeeded', { total: 3, done: 3, failed: 0, running: 0 }]);
    assert.equal(r.executions, 3);
    assert.ok(end.tools.web_search && end.tools.web_search.calls > 0 && end.tools.web_search.running === 0, 'tool calls counted');
    const join = end.edges.find((e) => e.from.length === 2);
    assert.deepEqual(join && [join.from, join.to], [['fact_check', 'coverage'], ['merge_evidence']]);
  });

  test('events delivered twice are applied once', () => {
    let s = initialRunState(loop.session);
    for (const e of loop.events) s = reduceRunEvent(reduceRunEvent(s, e), e);
    assert.deepEqual(runSnapshot(s, 0), runSnapshot(replay(loop), 0));
  });
});

function pick(n: RunNodeState): { status: string; attempt: number } {
  return { status: n.status, attempt: n.attempt };
}

describe('snapshot throttle', () => {
  test('sends the first change at once, then at most once per interval, and everything at the end', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let sent = 0;
      const t = new SnapshotThrottle(() => sent++, 100);
      t.changed();
      assert.equal(sent, 1);
      for (let i = 0; i < 50; i++) t.changed();
      assert.equal(sent, 1, 'changes within the interval wait');
      mock.timers.tick(100);
      assert.equal(sent, 2, 'the waiting changes go in one snapshot');
      mock.timers.tick(100);
      assert.equal(sent, 2, 'nothing new, nothing sent');
      mock.timers.tick(100);
      t.changed();
      assert.equal(sent, 3, 'idle again: the next change goes at once');
      t.changed();
      t.flushNow();
      assert.equal(sent, 4, 'the end is sent immediately');
      mock.timers.tick(500);
      assert.equal(sent, 4, 'and not again afterwards');
    } finally {
      mock.timers.reset();
    }
  });
});

describe('last-run lens lines', () => {
  test('text of a finished node', () => {
    assert.equal(lastRunText({ name: 'x', status: 'succeeded', attempt: 2, attempts: 2, executions: 1, costUsd: 0.0031, latencyMs: 1_234 }), '⏱ 1.2 s · $0.0031 · 2 attempts');
    assert.equal(lastRunText({ name: 'x', status: 'failed', attempt: 1, attempts: 1, executions: 2, costUsd: 0, latencyMs: 80 }), '⏱ 80 ms · 1 attempt · ran 2× · failed');
    assert.deepEqual([formatUsd(1.5), formatUsd(0.00002), formatDuration(125_000), formatDuration(7_800_000)], ['$1.50', '<$0.0001', '2 min 05 s', '2 h 10 min']);
  });

  test('placed on the declarations, through the diagram extents or the spec text', async () => {
    const run = await supportLoop();
    const snap = runSnapshot(endRunState(replay(run), { at: 9_000 }), 9_000);
    const text = readFileSync(new URL(snap.specUri), 'utf8');
    const fromText = linesFromText(snap, text);
    const lines = text.split('\n');
    assert.deepEqual(fromText.map((l) => l.node), ['triage', 'billing', 'review']);
    for (const l of fromText) assert.match(lines[l.line]!, new RegExp(`^agent ${l.node}\\(`));

    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': MINI });
    const u = uri('main.agentgraph');
    ws.open(u, 1, MINI);
    const diagram = new DiagramService(ws).diagram({ uri: u, graph: 'One' });
    const miniRun: RunSnapshot = { ...snap, specUri: u, graph: 'One', nodes: [{ name: 'second', status: 'succeeded', attempt: 1, attempts: 1, executions: 1, costUsd: 0.001, latencyMs: 1_000 }] };
    const fromDiagram = linesFromDiagram(miniRun, diagram, u);
    assert.deepEqual(fromDiagram.map((l) => [l.line, l.node, l.text]), [[MINI.split('\n').findIndex((l) => l.startsWith('agent second')), 'second', '⏱ 1.0 s · $0.0010 · 1 attempt']]);
    assert.deepEqual(linesFromDiagram(miniRun, diagram, 'file:///elsewhere.agentgraph'), [], 'only in the file that declares the node');
    // The newest run wins on a line two runs reached.
    const older = { ...fromDiagram[0]!, text: 'old' };
    assert.deepEqual(mergeLines([[older], fromDiagram]).map((l) => l.text), [fromDiagram[0]!.text]);
  });
});

const MINI = `model fast = openai("gpt-4o-mini") { max_tokens: 100 }
type T { x: string }
agent first(t: T) -> T { model: fast, prompt: "Do {{t.x}}" }
agent second(t: T) -> T { model: fast, prompt: "Then {{t.x}}" }
graph One(t: T) -> T {
  start -> first(t)
  first -> second(first)
  second -> end(second)
}
`;

/** A language workspace over one in-memory spec. */
function memoryWorkspace(files: Record<string, string>): { ws: Workspace; uri: (rel: string) => string } {
  const root = path.resolve('/virtual/ws');
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.join(root, k), v]));
  const ws = new Workspace({ folders: [root], fs: { readFile: (p) => abs.get(p), findSpecFiles: () => [...abs.keys()] }, log: () => undefined });
  return { ws, uri: (rel) => pathToFileURL(path.join(root, rel)).href };
}

describe('diagram edges for the run overlay', () => {
  test("name each drawn line as Mermaid does (L_from_to_0, then _2, _3 for more lines between the same nodes)", () => {
    const ir = irOfText(`${MINI.split('graph One')[0]}graph Two(t: T) -> T {
  start -> first(t)
  first -> second(first) when first.x == "a"
  first -> second(first) otherwise
  second -> first(second) when second.x == "b" max 2
  second -> end(second) otherwise
}
`);
    const d = generateDiagram(ir, { graph: 'Two' })!;
    const lines = d.edges.map((e) => `${e.edgeId}:${e.linkId}:${e.sources.join(',')}>${e.targets.join(',')}`);
    assert.deepEqual(lines, [
      '0:L_start_n_first_0:start>first',
      '1:L_n_first_n_second_0:first>second',
      '2:L_n_first_n_second_2:first>second',
      '3:L_n_second_n_first_0:second>first',
      '4:L_n_second_stop_0:second>end',
    ]);
  });

  test('the agentgraph/diagram result carries them', () => {
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': MINI });
    const u = uri('main.agentgraph');
    ws.open(u, 1, MINI);
    const r = new DiagramService(ws).diagram({ uri: u });
    assert.deepEqual(r.edges?.map((e) => e.linkId), ['L_start_n_first_0', 'L_n_first_n_second_0', 'L_n_second_stop_0']);
    assert.deepEqual(r.edges?.[1], { edgeId: 1, linkId: 'L_n_first_n_second_0', sources: ['first'], targets: ['second'] });
  });
});
