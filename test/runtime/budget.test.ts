// Budgets are enforced during the run: the step or call that would exceed what remains is never
// started, and the run ends as budget_exceeded with the partial trace and totals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';
import { estimateCall } from '../../server/src/runtime/budget.ts';

const spec = (budget: string) => `${MODELS}
type T { n: integer }
agent step(n: integer) -> T { model: fast, prompt: "step {{n}}" }
graph G(n: integer) -> T {
  budget { ${budget} }
  start -> step(n)
  step -> step(n: step.n + 1) when step.n < 100 max 50
  step -> end(step) otherwise
}`;

const counter = () => new ScriptedProvider((req) => ({ n: Number(/step (\d+)/.exec(req.messages.at(-1)!.content)![1]) }));

test('the steps budget stops before the step that would exceed it', async () => {
  const ir = compile(spec('steps: 4'), {}, { allow: ['AG6003'] });
  const provider = counter();
  const r = await run(ir, { n: 0 }, { provider });
  assert.equal(r.outcome, 'budget_exceeded');
  assert.match(r.error!.message, /step budget exceeded: 4 of 4 steps used/);
  assert.equal(provider.calls.length, 4);
  assert.equal(r.totals.steps, 4);
  // The partial trace holds the four steps that ran, and the run span ended with an error.
  assert.equal(r.trace.filter((s) => s.kind === 'node' && s.status === 'ok').length, 4);
  assert.equal(r.trace.find((s) => s.kind === 'run')!.status, 'error');
  assert.equal(r.events.at(-1)!.type, 'run_end');
});

test('the cost budget refuses a call whose worst case would exceed what remains', async () => {
  const ir = compile(spec('cost: $0.0001'), {}, { allow: ['AG6001'] });
  const model = ir.models.find((m) => m.name === 'fast')!;
  const provider = counter();
  const r = await run(ir, { n: 0 }, { provider });
  assert.equal(r.outcome, 'budget_exceeded');
  assert.match(r.error!.message, /cost budget exceeded/);
  // Never over budget: each call costs 4.5e-6 but may cost up to ~7e-5, so the run stops once
  // less than that remains, well before 0.0001 is actually spent.
  const worst = estimateCall(model, 200, 100).costUsd;
  assert.ok(r.totals.costUsd <= 0.0001);
  assert.ok(r.totals.costUsd + worst > 0.0001 - worst * 0.5, `spent ${r.totals.costUsd}, worst call ${worst}`);
  assert.ok(provider.calls.length >= 2 && provider.calls.length < 50, String(provider.calls.length));
});

test('the token budget refuses a call that could exceed it', async () => {
  const ir = compile(spec('tokens: 400'), {}, { allow: ['AG6004'] });
  const provider = counter();
  const r = await run(ir, { n: 0 }, { provider });
  assert.equal(r.outcome, 'budget_exceeded');
  assert.match(r.error!.message, /token budget exceeded/);
  assert.ok(r.totals.tokens <= 400);
  // Each call uses 15 tokens but reserves its worst case (~100 output + prompt).
  assert.ok(provider.calls.length >= 2, String(provider.calls.length));
});

test('the latency budget stops before a call that could not finish in time', async () => {
  const ir = compile(spec('latency: 5s'), {}, { allow: ['AG6002'] });
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => ({ n: Number(/step (\d+)/.exec(req.messages.at(-1)!.content)![1]) }), clock, 1000);
  const r = await run(ir, { n: 0 }, { provider, clock });
  assert.equal(r.outcome, 'budget_exceeded');
  assert.match(r.error!.message, /latency budget exceeded/);
  assert.ok(r.totals.latencyMs <= 5000, String(r.totals.latencyMs));
});

test('concurrent branches cannot overshoot the cost budget together', async () => {
  const ir = compile(`${MODELS}
type T { n: integer }
type L { items: list<integer> }
agent plan(n: integer) -> L { model: fast, prompt: "plan" }
agent work(n: integer) -> T { model: fast, prompt: "work {{n}}" }
graph G(n: integer) -> L {
  budget { cost: $0.0003 }
  concurrency: 8
  start -> plan(n)
  plan -> work(n: i) for i in plan.items max 8
  work -> end({ items: [1] })
}`, {}, { allow: ['AG6001'] });
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => (req.agent === 'plan' ? { items: [1, 2, 3, 4, 5, 6, 7, 8] } : { n: 1 }), clock, 500);
  const r = await run(ir, { n: 0 }, { provider, clock });
  assert.equal(r.outcome, 'budget_exceeded');
  assert.ok(r.totals.costUsd <= 0.0003, String(r.totals.costUsd));
  assert.ok(provider.calls.length < 9);
});
