// The trace model and the run diff on traces recorded from real runs of examples/support.agentgraph
// on the simulated provider (test/trace/fixtures/, source paths made relative to the repository):
// nesting of spans, per-node summaries, malformed lines, the headline for the recent-runs picker,
// and a comparison of two runs that took different routes. Also the host helpers that need no VS
// Code (event batching, trace paths).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Batcher, type BatcherTimers } from '../../client/src/trace/batcher.ts';
import { resolveSourceFile, traceRoot } from '../../client/src/trace/paths.ts';
import { compareTraces, delta } from '../../webview/src/trace/diff.ts';
import { flatten, nodeSummaries, parseTrace, sourceOf, traceHeadline, TraceBuilder, usageOf, type RunEvent } from '../../webview/src/trace/model.ts';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, `${name}.jsonl`), 'utf8');
const events = (name: string) =>
  fixture(name)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);

describe('trace model', () => {
  test('builds the span tree run → node → attempt → model call / tool call with depths', () => {
    const m = parseTrace(fixture('support-technical'));
    assert.equal(m.problems.length, 0);
    assert.equal(m.roots.length, 1);
    const run = m.roots[0]!;
    assert.equal(run.record.kind, 'run');
    assert.deepEqual(
      run.children.map((c) => c.record.name),
      ['triage', 'technical', 'review'],
    );
    const technical = run.children[1]!;
    const attempt = technical.children[0]!;
    assert.equal(attempt.record.kind, 'attempt');
    assert.equal(attempt.depth, 2);
    assert.deepEqual(
      attempt.children.map((c) => c.record.kind),
      ['model_call', 'tool_call', 'model_call'],
    );
    assert.ok(attempt.children.every((c) => c.depth === 3));
    // Every span of the file is in the tree exactly once, and flatten walks it depth first.
    const spanIds = new Set(events('support-technical').filter((e) => e.type === 'span_start').map((e) => (e as Extract<RunEvent, { type: 'span_start' }>).span.id));
    const flat = flatten(m);
    assert.equal(flat.length, spanIds.size);
    assert.deepEqual(new Set(flat.map((s) => s.record.id)), spanIds);
    assert.deepEqual(
      flat.slice(0, 5).map((s) => s.record.kind),
      ['run', 'node', 'attempt', 'model_call', 'node'],
    );
    // Ended spans carry their final record (status, end time, output).
    assert.ok(flat.every((s) => s.record.endMs !== undefined && s.record.status === 'ok'));
    // Collapsing a span hides its descendants only.
    const collapsed = flatten(m, new Set([technical.record.id]));
    assert.equal(collapsed.length, flat.length - 4);
  });

  test('header facts: graph, provider, outcome and totals', () => {
    const m = parseTrace(fixture('support-technical'));
    assert.equal(m.graph, 'Support');
    assert.equal(m.provider, 'simulated');
    assert.equal(m.outcome, 'succeeded');
    assert.match(m.runId ?? '', /^Support-/);
    assert.ok(m.totals && m.totals.costUsd > 0 && m.totals.tokens > 0 && m.totals.steps === 3);
  });

  test('per-node summary: attempts, cost and tokens of the model calls, output, in execution order', () => {
    const m = parseTrace(fixture('support-retries'));
    const nodes = nodeSummaries(m);
    assert.deepEqual(
      nodes.map((n) => n.key),
      ['triage#1', 'support_lead#1'],
    );
    const triage = nodes[0]!;
    assert.equal(triage.attempts, 5);
    assert.equal(triage.status, 'ok');
    assert.ok(Math.abs(triage.costUsd - m.totals!.costUsd) < 1e-12, 'all the run cost is triage');
    assert.equal(triage.tokens, m.totals!.tokens);
    assert.match(triage.output ?? '', /"category"/);
    // The failed attempts carry their errors and the retry reasons.
    const attempts = m.spans.get(triage.spanId)!.children;
    assert.equal(attempts.filter((a) => a.record.status === 'error').length, 4);
    assert.ok(attempts.slice(1).every((a) => typeof a.record.attributes['agentgraph.retry_reason'] === 'string'));
    const usage = usageOf(m.roots[0]!);
    assert.ok(Math.abs(usage.costUsd - m.totals!.costUsd) < 1e-12);
  });

  test('a failed run has its error and the failed node', () => {
    const m = parseTrace(fixture('support-failed'));
    assert.equal(m.outcome, 'failed');
    assert.ok(m.error && m.error.length > 0);
    const triage = nodeSummaries(m)[0]!;
    assert.equal(triage.status, 'error');
    assert.equal(triage.attempts, 6);
  });

  test('source ranges come from the span or its nearest ancestor', () => {
    const m = parseTrace(fixture('support-technical'));
    const technical = m.roots[0]!.children[1]!;
    const own = sourceOf(m, technical)!;
    assert.equal(own.file, 'examples/support.agentgraph');
    // The readable form the runtime recorded next to the positions (1-based) agrees with them.
    const a = technical.record.attributes;
    assert.equal(a['agentgraph.source.range'], `${own.file}:${own.start.line + 1}:${own.start.character + 1}-${own.end.line + 1}:${own.end.character + 1}`);
    assert.equal(own.end.character - own.start.character, 'technical'.length);
    const toolCall = technical.children[0]!.children[1]!;
    assert.deepEqual(sourceOf(m, toolCall), own);
  });

  test('malformed lines are reported with their line numbers and skipped; the rest is kept', () => {
    const lines = fixture('support-human').trim().split('\n');
    const broken = [...lines.slice(0, 3), '{"type": "span_start", oops', '[1,2]', ...lines.slice(3, 10), '{"type":"span_end","span":{"id":"x"}}', ...lines.slice(10)];
    const m = parseTrace(broken.join('\n'));
    assert.deepEqual(
      m.problems.map((p) => p.line),
      [4, 5, 13],
    );
    assert.match(m.problems[0]!.message, /not JSON/);
    assert.match(m.problems[2]!.message, /malformed span_end/);
    const whole = parseTrace(lines.join('\n'));
    assert.equal(m.spans.size, whole.spans.size);
    assert.equal(m.outcome, 'succeeded');
  });

  test('live: events applied one by one give the same tree; open spans last until the latest event', () => {
    const all = events('support-technical');
    const b = new TraceBuilder();
    const cut = all.findIndex((e) => e.type === 'span_start' && e.span.kind === 'tool_call');
    for (const e of all.slice(0, cut + 1)) b.add(e);
    const open = [...b.trace.spans.values()].filter((s) => s.record.endMs === undefined);
    assert.ok(open.some((s) => s.record.kind === 'run') && open.some((s) => s.record.name === 'technical'));
    assert.equal(b.trace.outcome, undefined);
    for (const e of all.slice(cut + 1)) b.add(e);
    assert.deepEqual(
      flatten(b.trace).map((s) => s.record.id),
      flatten(parseTrace(fixture('support-technical'))).map((s) => s.record.id),
    );
  });

  test('a child seen before its parent is attached when the parent arrives', () => {
    const b = new TraceBuilder();
    b.add({ type: 'span_start', span: { id: 'c', parentId: 'p', kind: 'attempt', name: 'a', startMs: 5, attributes: {} }, seq: 1, runId: 'r', time: 5 });
    assert.equal(b.trace.roots.length, 1);
    b.add({ type: 'span_start', span: { id: 'p', kind: 'node', name: 'n', startMs: 0, attributes: {} }, seq: 2, runId: 'r', time: 5 });
    assert.deepEqual(
      b.trace.roots.map((s) => s.record.id),
      ['p'],
    );
    assert.equal(b.trace.spans.get('c')!.depth, 1);
  });

  test('headline for the recent-runs picker', () => {
    const h = traceHeadline(fixture('support-failed'));
    assert.equal(h.graph, 'Support');
    assert.equal(h.provider, 'simulated');
    assert.equal(h.outcome, 'failed');
    assert.equal(h.costUsd, 0);
  });
});

describe('compare runs', () => {
  test('two runs with different routes: nodes in execution order, presence, deltas and totals', () => {
    const a = parseTrace(fixture('support-human'));
    const b = parseTrace(fixture('support-technical'));
    const c = compareTraces(a, b);
    assert.deepEqual(
      c.rows.map((r) => [r.key, r.presence]),
      [
        ['triage#1', 'both'],
        ['support_lead#1', 'left'],
        ['technical#1', 'right'],
        ['review#1', 'right'],
      ],
    );
    assert.equal(c.routeDiffers, true);
    const triage = c.rows[0]!;
    // Same cost and latency for triage, but a different confidence in its output sent the runs
    // down different routes.
    assert.equal(triage.outputDiffers, true);
    assert.equal(triage.cost!.abs, 0);
    assert.equal(triage.cost!.pct, 0);
    assert.ok(c.totals.cost.abs > 0 && c.totals.cost.pct! > 100);
    assert.equal(c.totals.steps.left, 2);
    assert.equal(c.totals.steps.right, 3);
  });

  test('same route with a different output, status and attempts', () => {
    const a = parseTrace(fixture('support-human'));
    const b = parseTrace(fixture('support-retries'));
    const c = compareTraces(a, b);
    assert.equal(c.routeDiffers, false);
    const triage = c.rows.find((r) => r.key === 'triage#1')!;
    assert.equal(triage.attemptsDiffer, true);
    assert.equal(triage.outputDiffers, true);
    assert.ok(triage.latency!.abs > 0);
    const lead = c.rows.find((r) => r.key === 'support_lead#1')!;
    assert.equal(lead.outputDiffers, false, 'the same scripted human answer');
    const same = compareTraces(a, a);
    assert.ok(same.rows.every((r) => !r.outputDiffers && !r.statusDiffers && r.cost!.abs === 0));
  });

  test('deltas: percentages only against a non-zero base', () => {
    assert.deepEqual(delta(2, 3), { left: 2, right: 3, abs: 1, pct: 50 });
    assert.equal(delta(0, 3).pct, undefined);
  });
});

describe('trace host helpers', () => {
  test('Batcher sends one batch per delay, at once when full, and on flush', () => {
    const pending: (() => void)[] = [];
    const timers: BatcherTimers = { set: (f) => pending.push(f), clear: () => pending.splice(0) };
    const sent: number[][] = [];
    const b = new Batcher<number>((x) => sent.push(x), 50, 3, timers);
    b.push(1);
    b.push(2);
    assert.equal(pending.length, 1);
    pending.shift()!();
    assert.deepEqual(sent, [[1, 2]]);
    b.push(3);
    b.push(4);
    b.push(5);
    assert.deepEqual(sent[1], [3, 4, 5], 'a full batch goes at once');
    b.push(6);
    b.flush();
    assert.deepEqual(sent[2], [6]);
    b.flush();
    assert.equal(sent.length, 3, 'nothing pending, nothing sent');
  });

  test('trace roots and source paths', () => {
    const root = path.join(path.sep, 'ws');
    assert.equal(traceRoot(path.join(root, '.agentgraph', 'runs', 'R-1', 'trace.jsonl')), root);
    assert.equal(traceRoot(path.join(root, 'other', 'trace.jsonl')), undefined);
    assert.equal(resolveSourceFile('examples/a.agentgraph', root), path.join(root, 'examples/a.agentgraph'));
    assert.equal(resolveSourceFile(path.join(root, 'x.agentgraph'), undefined), path.join(root, 'x.agentgraph'));
    assert.equal(resolveSourceFile('x.agentgraph', undefined), undefined);
  });
});
