// The trace model on event streams the runtime produces now (not only on the recorded fixtures):
// runs of the examples on the simulated provider (test/client/run-events.ts), folded event by
// event as the live view does. The per-node figures must agree with the runtime's own summary,
// across a review loop (nodes that run twice), a fan-out, and a failed run.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flatten, nodeSummaries, TraceBuilder, type NodeSummary } from '../../webview/src/trace/model.ts';
import { researchFanOut, supportFails, supportLoop, type RecordedRun } from '../client/run-events.ts';

function fold(run: RecordedRun) {
  const b = new TraceBuilder();
  for (const e of run.events) b.add(e);
  return b.trace;
}

/** Our activations summed per node, in the runtime's terms. */
function perNode(nodes: NodeSummary[]) {
  const out = new Map<string, { executions: number; attempts: number; tokens: number; costUsd: number }>();
  for (const n of nodes) {
    const t = out.get(n.name) ?? { executions: 0, attempts: 0, tokens: 0, costUsd: 0 };
    t.executions++;
    t.attempts += n.attempts;
    t.tokens += n.tokens;
    t.costUsd += n.costUsd;
    out.set(n.name, t);
  }
  return out;
}

function assertAgrees(run: RecordedRun): void {
  const m = fold(run);
  assert.equal(m.problems.length, 0);
  assert.equal(m.spans.size, run.result.trace.length, 'every span of the run is in the tree');
  assert.equal(flatten(m).length, run.result.trace.length);
  assert.equal(m.outcome, run.result.outcome);
  const ours = perNode(nodeSummaries(m));
  for (const n of run.result.nodes) {
    if (n.executions === 0) continue;
    const o = ours.get(n.node);
    assert.ok(o, `${n.node} summarised`);
    assert.equal(o.executions, n.executions, `${n.node} executions`);
    assert.equal(o.attempts, n.attempts, `${n.node} attempts`);
    assert.equal(o.tokens, n.tokens, `${n.node} tokens`);
    assert.ok(Math.abs(o.costUsd - n.costUsd) < 1e-12, `${n.node} cost`);
  }
}

describe('trace model on live runtime events', () => {
  test('a review loop: nodes that run twice get two activations (review#1, review#2)', async () => {
    const run = await supportLoop();
    assertAgrees(run);
    const keys = nodeSummaries(fold(run)).map((n) => n.key);
    assert.ok(keys.includes('review#2') && keys.includes('billing#2'), keys.join(' '));
    const triage = nodeSummaries(fold(run)).find((n) => n.key === 'triage#1')!;
    assert.equal(triage.attempts, 2, 'one 429, one success');
  });

  test('a fan-out: each branch is an activation', async () => {
    const run = await researchFanOut();
    assertAgrees(run);
  });

  test('a failed run', async () => {
    const run = await supportFails();
    assertAgrees(run);
    assert.equal(fold(run).outcome, 'failed');
    assert.ok(nodeSummaries(fold(run)).some((n) => n.name === 'review' && n.status === 'error'));
  });
});
