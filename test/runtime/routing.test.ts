// Routing semantics: unconditional edges all fire, a route group fires its first matching edge or
// `otherwise`, spent `max` loops fall through, joins wait for all members, `end` ends the run, and
// a run with nothing left to do fails as a dead end naming the node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, TestClock, agentsCalled, compile, run } from './helpers/harness.ts';

const ROUTER = `${MODELS}
type C { kind: "a" | "b" | "c", n: integer }
type Out { by: string }
agent classify(text: string) -> C { model: fast, prompt: "Classify {{text}}" }
agent on_a(c: C) -> Out { model: fast, prompt: "A {{c.kind}}" }
agent on_b(c: C) -> Out { model: fast, prompt: "B" }
agent other(c: C) -> Out { model: fast, prompt: "other" }
graph G(text: string) -> Out {
  start -> classify(text)
  classify -> on_a(c: classify) when classify.kind == "a"
  classify -> on_b(c: classify) when classify.kind == "b" || classify.kind == "a"
  classify -> other(c: classify) otherwise
  on_a -> end(on_a)
  on_b -> end(on_b)
  other -> end(other)
}`;

function routerScript(kind: string) {
  return (req: { agent: string }) => (req.agent === 'classify' ? { kind, n: 1 } : { by: req.agent });
}

test('a route group fires the first matching condition only', async () => {
  const ir = compile(ROUTER);
  const clock = new TestClock();
  const provider = new ScriptedProvider(routerScript('a'), clock);
  const r = await run(ir, { text: 'x' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { by: 'on_a' });
  assert.deepEqual(agentsCalled(provider), ['classify', 'on_a']);
  assert.ok(provider.calls[1]!.messages.some((m) => m.content === 'A a'), 'prompt rendered from arguments');
});

test('otherwise fires when no condition holds', async () => {
  const ir = compile(ROUTER);
  const provider = new ScriptedProvider(routerScript('c'));
  const r = await run(ir, { text: 'x' }, { provider });
  assert.deepEqual(r.output, { by: 'other' });
  const fired = r.events.filter((e) => e.type === 'edge_fired').map((e) => (e.type === 'edge_fired' ? e.to.join() : ''));
  assert.deepEqual(fired, ['classify', 'other', 'end']);
});

const LOOP = `${MODELS}
type D { text: string, round: integer }
type V { ok: boolean }
agent write(topic: string, round: integer) -> D { model: fast, prompt: "Write {{topic}} {{round}}" }
agent check(d: D) -> V { model: fast, prompt: "Check {{d.text}}" }
agent fallback(d: D) -> D { model: fast, prompt: "Fix" }
graph G(topic: string) -> D {
  start -> write(topic, round: 0)
  write -> check(d: write)
  check -> end(inputs(check).d) when check.ok
  check -> write(topic, round: inputs(check).d.round + 1) when !check.ok max 2
  check -> fallback(d: inputs(check).d) otherwise
  fallback -> end(fallback)
}`;

test('an exhausted loop bound counts as not matching and falls through to otherwise', async () => {
  const ir = compile(LOOP);
  const provider = new ScriptedProvider((req) => {
    if (req.agent === 'write') {
      const round = Number(/ (\d+)$/.exec(req.messages.at(-1)!.content)?.[1]);
      return { text: `draft ${round}`, round };
    }
    if (req.agent === 'check') return { ok: false };
    return { text: 'fixed', round: 99 };
  });
  const r = await run(ir, { topic: 't' }, { provider });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(agentsCalled(provider), ['write', 'check', 'write', 'check', 'write', 'check', 'fallback']);
  assert.deepEqual(r.output, { text: 'fixed', round: 99 });
});

test('the loop exits through its condition when it holds', async () => {
  const ir = compile(LOOP);
  let checks = 0;
  const provider = new ScriptedProvider((req) => {
    if (req.agent === 'write') return { text: 'draft', round: 0 };
    return { ok: ++checks === 2 };
  });
  const r = await run(ir, { topic: 't' }, { provider });
  assert.deepEqual(agentsCalled(provider), ['write', 'check', 'write', 'check']);
  assert.deepEqual(r.output, { text: 'draft', round: 0 });
});

const JOIN = `${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a" }
agent b(x: string) -> T { model: fast, prompt: "b" }
agent merge(l: T, r: T) -> T { model: fast, prompt: "merge {{l.v}} {{r.v}}" }
graph G(x: string) -> T {
  start -> [a(x), b(x)]
  [a, b] -> merge(l: a, r: b)
  merge -> end(merge)
}`;

test('a join fires once, after all its members finished', async () => {
  const ir = compile(JOIN);
  const clock = new TestClock();
  const provider = new ScriptedProvider(async (req) => {
    // b finishes long after a.
    if (req.agent === 'b') await clock.sleep(500);
    return { v: req.agent === 'merge' ? req.messages.at(-1)!.content : req.agent };
  }, clock);
  const r = await run(ir, { x: '1' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { v: 'merge a b' });
  assert.equal(agentsCalled(provider).filter((a) => a === 'merge').length, 1);
});

test('a run where no edge fires fails as a dead end naming the node', async () => {
  const ir = compile(`${MODELS}
type V { ok: boolean }
agent a(x: string) -> V { model: fast, prompt: "a" }
graph G(x: string) -> V {
  start -> a(x)
  a -> end(a) when a.ok
  a -> a(x) when !a.ok max 1
}`, {}, { allow: ['AG4001'] });
  const r = await run(ir, { x: '1' }, { script: () => ({ ok: false }) });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'dead_end');
  assert.match(r.error!.message, /node 'a' finished but none of its outgoing edges fired/);
  assert.match(r.error!.message, /max 1 spent/);
});

test('end evaluates its expression, and work still running is cancelled', async () => {
  const ir = compile(`${MODELS}
type T { v: string }
agent quick(x: string) -> T { model: fast, prompt: "q" }
agent slow(x: string) -> T { model: fast, prompt: "s" }
graph G(x: string) -> T {
  start -> [quick(x), slow(x)]
  quick -> end({ v: quick.v + "!" })
  slow -> end(slow)
}`);
  const clock = new TestClock();
  const provider = new ScriptedProvider(async (req) => {
    if (req.agent === 'slow') await clock.sleep(10_000, req.signal);
    return { v: req.agent };
  }, clock);
  const r = await run(ir, { x: '1' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded');
  assert.deepEqual(r.output, { v: 'quick!' });
  const slow = r.trace.find((s) => s.kind === 'node' && s.name === 'slow');
  assert.equal(slow?.status, 'cancelled');
  assert.equal(clock.pending, 0, 'no sleeper left behind');
});
