// Fan-out: one task per list element, at most `concurrency` running at once, results collected in
// input order as the node's value, and an empty list completing at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';

const SPEC = `${MODELS}
type Plan { items: list<string> }
type R { item: string, len: integer }
type Out { all: list<R> }
agent plan(q: string) -> Plan { model: fast, prompt: "plan {{q}}" }
agent work(item: string) -> R { model: fast, prompt: "{{item}}" }
agent collect(rs: list<R>) -> Out { model: fast, prompt: "{{rs}}" }
graph G(q: string) -> Out {
  concurrency: 3
  start -> plan(q)
  plan -> work(item: it) for it in plan.items max 10
  work -> collect(rs: work)
  collect -> end(collect)
}`;

function script(items: string[], clock: TestClock) {
  return async (req: { agent: string; messages: { content: string }[] }) => {
    const last = req.messages.at(-1)!.content;
    if (req.agent === 'plan') return { items };
    if (req.agent === 'work') {
      // Later items finish first, so order must come from the input, not from completion.
      await clock.sleep(1000 - last.length * 50);
      return { item: last, len: last.length };
    }
    return { all: JSON.parse(last) as unknown[] };
  };
}

test('a fan-out runs at most `concurrency` branches at once and keeps input order', async () => {
  const ir = compile(SPEC);
  const clock = new TestClock();
  const items = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
  const provider = new ScriptedProvider(script(items, clock), clock);
  const r = await run(ir, { q: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  const out = r.output as { all: { item: string }[] };
  assert.deepEqual(out.all.map((x) => x.item), items);
  assert.equal(provider.maxInFlight, 3);
  assert.equal(r.nodes.find((n) => n.node === 'work')?.executions, 7);
  // The fan-out is one node span with one child span per branch.
  const group = r.trace.find((s) => s.kind === 'node' && s.name === 'work')!;
  const branches = r.trace.filter((s) => s.parentId === group.id);
  assert.deepEqual(branches.map((s) => s.name).sort(), items.map((_, i) => `work[${i}]`).sort());
});

test('a fan-out over an empty list completes at once with an empty list', async () => {
  const ir = compile(SPEC);
  const clock = new TestClock();
  const provider = new ScriptedProvider(script([], clock), clock);
  const r = await run(ir, { q: 'q' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { all: [] });
});

test('a list longer than the declared width is cut to the width', async () => {
  const ir = compile(SPEC.replace('max 10', 'max 2'));
  const clock = new TestClock();
  const provider = new ScriptedProvider(script(['a', 'b', 'c'], clock), clock);
  const r = await run(ir, { q: 'q' }, { provider, clock });
  assert.deepEqual((r.output as { all: unknown[] }).all.length, 2);
});

test('static fan-out runs every target in parallel', async () => {
  const ir = compile(`${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a" }
agent b(x: string) -> T { model: fast, prompt: "b" }
agent c(x: string) -> T { model: fast, prompt: "c" }
agent j(a: T, b: T, c: T) -> T { model: fast, prompt: "{{a.v}}{{b.v}}{{c.v}}" }
graph G(x: string) -> T {
  start -> [a(x), b(x), c(x)]
  [a, b, c] -> j(a: a, b: b, c: c)
  j -> end(j)
}`);
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => ({ v: req.agent === 'j' ? req.messages.at(-1)!.content : req.agent }), clock, 100);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.deepEqual(r.output, { v: 'abc' });
  assert.equal(provider.maxInFlight, 3);
  // Three parallel 100 ms calls then one more: 200 ms of virtual time, not 400.
  assert.equal(r.totals.latencyMs, 200);
});
