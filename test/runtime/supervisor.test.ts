// Supervisors with OTP semantics: which nodes each strategy re-runs, escalation once max_restarts
// is exceeded within the window (to a node of the graph, or to a human whose answer ends the run),
// failure when there is nowhere to escalate, and nested supervisors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';
import { programmaticHuman } from '../../server/src/runtime/human.ts';

const graph = (supervise: string, extra = '') => `${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a" }
agent b(x: string) -> T { model: fast, prompt: "b" }
agent c(x: string) -> T { model: fast, prompt: "c" }
human lead(x: string) -> T { prompt: "help with {{x}}" }
${extra}
graph G(x: string) -> T {
  start -> [a(x), b(x), c(x)]
  [a, b, c] -> end({ v: a.v + b.v + c.v })
  ${supervise}
}`;

/** b fails its first `failures` calls (after the others had time to finish). */
function failingB(failures: number, clock: TestClock) {
  let bCalls = 0;
  return new ScriptedProvider(async (req) => {
    if (req.agent === 'b') {
      await clock.sleep(100);
      if (++bCalls <= failures) throw new ProviderError('bad_request', `b broke (${bCalls})`, 400);
    }
    return { v: req.agent };
  }, clock);
}

const counts = (p: ScriptedProvider) => {
  const c: Record<string, number> = {};
  for (const r of p.calls) c[r.agent] = (c[r.agent] ?? 0) + 1;
  return c;
};

test('one_for_one restarts only the failed child', async () => {
  const ir = compile(graph('supervise [a, b, c] one_for_one(max_restarts: 2, within: 1m)'));
  const clock = new TestClock();
  const provider = failingB(1, clock);
  const r = await run(ir, { x: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(counts(provider), { a: 1, b: 2, c: 1 });
  const restarted = r.trace.find((s) => s.kind === 'node' && s.attributes['agentgraph.restart'] === 1)!;
  assert.equal(restarted.name, 'b');
  assert.match(String(restarted.attributes['agentgraph.restart_reason']), /one_for_one restart 1 .* after 'b' failed/);
});

test('one_for_all restarts every child, finished ones included', async () => {
  const ir = compile(graph('supervise [a, b, c] one_for_all(max_restarts: 2, within: 1m)'));
  const clock = new TestClock();
  const provider = failingB(1, clock);
  const r = await run(ir, { x: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(counts(provider), { a: 2, b: 2, c: 2 });
  assert.deepEqual(r.output, { v: 'abc' });
});

test('rest_for_one restarts the failed child and those listed after it', async () => {
  const ir = compile(graph('supervise [a, b, c] rest_for_one(max_restarts: 2, within: 1m)'));
  const clock = new TestClock();
  const provider = failingB(1, clock);
  const r = await run(ir, { x: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(counts(provider), { a: 1, b: 2, c: 2 });
});

test('exceeding max_restarts escalates to a human of the graph and continues from its edges', async () => {
  const ir = compile(`${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a" }
agent b(t: T) -> T { model: fast, prompt: "b" }
human lead(x: string) -> T { prompt: "help with {{x}}" }
graph G(x: string) -> T {
  start -> a(x)
  a -> b(t: a)
  b -> end(b)
  lead -> end({ v: "lead:" + lead.v })
  supervise [a, b] one_for_one(max_restarts: 1, within: 1m) escalate lead
}`);
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => {
    if (req.agent === 'b') throw new ProviderError('bad_request', 'nope', 400);
    return { v: req.agent };
  }, clock);
  const asked: unknown[] = [];
  const human = programmaticHuman((req) => (asked.push(req.input), { v: 'done by hand' }));
  const r = await run(ir, { x: 'q' }, { provider, clock, human });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(counts(provider), { a: 1, b: 2 });
  assert.deepEqual(asked, [{ x: 'q' }], 'called with the graph inputs by name');
  assert.deepEqual(r.output, { v: 'lead:done by hand' });
  assert.equal(r.escalated, true);
});

test('escalation to a human outside the graph ends the run with the answer', async () => {
  const ir = compile(graph('supervise [a, b, c] one_for_one(max_restarts: 1, within: 1m) escalate boss', 'human boss(x: string) -> T { prompt: "fix {{x}}" }'));
  const clock = new TestClock();
  const provider = failingB(10, clock);
  const human = programmaticHuman((req) => ({ v: `${req.human}:${req.prompt}` }));
  const r = await run(ir, { x: 'q' }, { provider, clock, human });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { v: 'boss:fix q' });
  assert.equal(r.escalated, true);
  assert.ok(r.trace.some((s) => s.kind === 'escalation' && s.attributes['agentgraph.escalation.target'] === 'boss'));
});

test('restarts outside the window do not count towards max_restarts', async () => {
  const ir = compile(`${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a", timeout: 1m }
graph G(x: string) -> T {
  start -> a(x)
  a -> end(a)
  supervise [a] one_for_one(max_restarts: 1, within: 10s)
}`);
  const clock = new TestClock();
  let n = 0;
  // Each failure comes 20 s after the previous one: never two within 10 s.
  const provider = new ScriptedProvider(async () => {
    await clock.sleep(20_000);
    if (++n <= 3) throw new ProviderError('bad_request', 'x', 400);
    return { v: 'ok' };
  }, clock);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(n, 4);
});

test('without an escalation target an exhausted supervisor fails the run', async () => {
  const ir = compile(graph('supervise [a, b, c] one_for_one(max_restarts: 1, within: 1m)'));
  const clock = new TestClock();
  const provider = failingB(10, clock);
  const r = await run(ir, { x: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.node, 'b');
  assert.match(r.error!.message, /node 'b' failed: b broke \(2\).*max_restarts 1/);
  assert.equal(counts(provider).b, 2);
});

test('a named supervisor without a target fails to its parent, which escalates', async () => {
  const ir = compile(
    graph(
      `supervise inner [b, c] one_for_all(max_restarts: 1, within: 1m)
       supervise outer [a, inner] rest_for_one(max_restarts: 1, within: 1m) escalate boss`,
      'human boss(x: string) -> T { prompt: "fix" }',
    ),
  );
  const clock = new TestClock();
  const provider = failingB(10, clock);
  const human = programmaticHuman(() => ({ v: 'boss' }));
  const r = await run(ir, { x: 'q' }, { provider, clock, human });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { v: 'boss' });
  // inner restarts b and c once; then outer restarts inner's children once; then it escalates.
  const c = counts(provider);
  assert.equal(c.a, 1);
  assert.equal(c.b, 3);
});

test('a failing node with no supervisor fails the run', async () => {
  const ir = compile(graph(''));
  const clock = new TestClock();
  const provider = failingB(1, clock);
  const r = await run(ir, { x: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'node_failed');
  assert.equal(r.error?.node, 'b');
});
