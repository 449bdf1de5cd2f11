// Assertion built-ins added for evals (equals, is_type, judge, run facts), the LLM judge against the
// simulated provider and scripted fixtures, the Pareto comparison of variants, applying a variant to
// the IR, and the response cache across repeats (never shared between repeat samples).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprIR, ModelIR } from '../../server/src/ir/schema.ts';
import { checkAssertion } from '../../server/src/evals/assertions.ts';
import { runJudge, type JudgeVerdict } from '../../server/src/evals/judge.ts';
import { runEval } from '../../server/src/evals/runner.ts';
import { applyVariant, dominates, paretoBest } from '../../server/src/evals/variants.ts';
import type { Scope } from '../../server/src/runtime/evaluate.ts';
import type { ResponseCache } from '../../server/src/runtime/cache.ts';
import type { ModelResponse } from '../../server/src/runtime/provider.ts';
import { createProvider, VirtualClock } from '../../server/src/runtime/providers/index.ts';
import { noHuman } from '../../server/src/runtime/human.ts';
import { parse } from '../../server/src/syntax/parser.ts';
import type { EvalDecl } from '../../server/src/syntax/ast.ts';
import { compile, MODELS, ScriptedProvider } from '../runtime/helpers/harness.ts';
import { lit, ref, get, call, bin, not } from './helpers.ts';

const TYPES = {
  Route: { type: 'object', properties: { category: { enum: ['billing', 'technical'] }, confidence: { type: 'number' } }, required: ['category', 'confidence'], additionalProperties: false },
};

function scope(): Scope {
  return {
    vars: new Map<string, unknown>([
      ['case', { want: 'billing', tags: ['a', 'b'] }],
      ['output', { category: 'billing', confidence: 0.92 }],
      ['run', { cost: 0.02, latency: 1200, steps: 3, tokens: 500, retries: 0, escalated: true }],
    ]),
    outputs: new Map<string, unknown>([['triage', { category: 'billing', confidence: 0.92 }]]),
    inputs: new Map(),
    visited: new Set(['triage']),
  };
}
const NODES = new Set(['triage', 'lead']);
const verdict = (passed: boolean, score: number): JudgeVerdict => ({ model: 'fast', rubric: 'r', minScore: 0.7, score, reasoning: passed ? 'good' : 'misses the point', passed, costUsd: 0.001, latencyMs: 5 });
const check = (e: ExprIR, verdicts?: JudgeVerdict[]) => checkAssertion(e, scope(), NODES, { types: TYPES, verdicts });

test('eval built-ins: each is true and false, and a failure says expected vs actual', () => {
  const out = ref('output');
  const run = ref('run');
  const pairs: [string, ExprIR, ExprIR][] = [
    ['equals', call('equals', get(ref('case'), 'tags'), { op: 'list', items: [lit('a'), lit('b')] }), call('equals', get(out, 'category'), lit('technical'))],
    ['contains', call('contains', get(ref('case'), 'tags'), lit('a')), call('contains', get(out, 'category'), lit('tech'))],
    ['matches', call('matches', get(out, 'category'), lit('^bill')), call('matches', get(out, 'category'), lit('^tech'))],
    ['approx', call('approx', get(out, 'confidence'), lit(0.9), lit(0.05)), call('approx', get(out, 'confidence'), lit(0.5), lit(0.05))],
    ['is_type', call('is_type', out, ref('Route')), call('is_type', get(ref('case'), 'tags'), ref('Route'))],
    ['run.cost', bin('<', get(run, 'cost'), lit(0.05)), bin('<', get(run, 'cost'), lit(0.01))],
    ['run.latency', bin('<=', get(run, 'latency'), lit(2000)), bin('<=', get(run, 'latency'), lit(1000))],
    ['run.steps', bin('==', get(run, 'steps'), lit(3)), bin('<', get(run, 'steps'), lit(3))],
    ['run.escalated', get(run, 'escalated'), not(get(run, 'escalated'))],
    ['visited', call('visited', ref('triage')), call('visited', ref('lead'))],
  ];
  for (const [name, yes, no] of pairs) {
    assert.equal(check(yes).passed, true, `${name} should pass`);
    const r = check(no);
    assert.equal(r.passed, false, `${name} should fail`);
    assert.ok(r.reason && r.expected !== undefined && r.actual !== undefined, `${name}: ${JSON.stringify(r)}`);
  }
  // The failure names the values, not just "false".
  assert.deepEqual(
    (({ expected, actual, expectedValue, actualValue }) => ({ expected, actual, expectedValue, actualValue }))(check(call('equals', get(out, 'category'), lit('technical')))),
    { expected: '"technical"', actual: '"billing"', expectedValue: 'technical', actualValue: 'billing' },
  );
  const typed = check(call('is_type', get(ref('case'), 'tags'), ref('Route')));
  assert.match(typed.reason ?? '', /^not a valid Route: /);
  assert.equal(typed.expected, 'a Route');
});

test('judge(): the verdict decides, its reasoning is the failure reason, and verdicts are kept', () => {
  const e = call('judge', get(ref('output'), 'category'), lit('names the department'));
  const ok = check(e, [verdict(true, 0.9)]);
  assert.equal(ok.passed, true);
  assert.equal(ok.judge?.[0]?.score, 0.9);
  const bad = check(e, [verdict(false, 0.35)]);
  assert.equal(bad.passed, false);
  assert.match(bad.reason ?? '', /the judge gave score 0\.35 \(needs ≥ 0\.7\): misses the point/);
  assert.equal(bad.expected, 'score ≥ 0.7');
  assert.equal(bad.actual, '0.35');
  // Without a verdict (no judge model) the assertion fails rather than passing silently.
  assert.equal(check(e).passed, false);
});

const FAST = compile(`${MODELS}\ntype T { v: string }\nagent a(x: string) -> T { model: fast, prompt: "{{x}}" }\ngraph G(x: string) -> T {\n  start -> a(x: x)\n  a -> end(a)\n}\n`).models.find((m) => m.name === 'fast') as ModelIR;

test('the judge on the simulated provider: schema-valid, deterministic per seed, scores in 0..1', async () => {
  const ask = (seed: number) => runJudge({ provider: createProvider('simulated', { seed, clock: new VirtualClock() }), model: FAST, value: 'Hello, your refund is on its way.', rubric: 'Polite', minScore: 0.5 });
  const a = await ask(7);
  const b = await ask(7);
  assert.deepEqual(a, b, 'same seed, same verdict');
  assert.ok(a.score !== undefined && a.score >= 0 && a.score <= 1, `score ${a.score}`);
  assert.equal(a.passed, a.score >= 0.5);
  assert.ok(a.costUsd > 0, 'the judge call costs money');
  const scores = new Set<number | undefined>();
  for (let s = 1; s <= 8; s++) scores.add((await ask(s)).score);
  assert.ok(scores.size > 1, 'different seeds give different scores');
});

test('a fixture forces the judge verdict; an unusable answer is a failing verdict that says why', async () => {
  const forced = createProvider('simulated', { seed: 1, fixtures: { agents: { judge: [{ content: { score: 0.2, reasoning: 'Promises a refund date.' } }] } } });
  const v = await runJudge({ provider: forced, model: FAST, value: 'x', rubric: 'No promises', minScore: 0.7 });
  assert.deepEqual([v.score, v.passed, v.reasoning], [0.2, false, 'Promises a refund date.']);
  const broken = createProvider('simulated', { seed: 1, fixtures: { agents: { judge: [{ content: 'not json' }] } } });
  const w = await runJudge({ provider: broken, model: FAST, value: 'x', rubric: 'r', minScore: 0.7 });
  assert.equal(w.passed, false);
  assert.match(w.reasoning, /not JSON/);
  const outOfRange = createProvider('simulated', { seed: 1, fixtures: { agents: { judge: [{ content: { score: 7, reasoning: 'r' } }] } } });
  assert.match((await runJudge({ provider: outOfRange, model: FAST, value: 'x', rubric: 'r', minScore: 0.7 })).reasoning, /no score from 0 to 1/);
});

test('Pareto: a variant is best unless another is at least as good everywhere and better somewhere', () => {
  const a = { passRate: 0.9, cost: 0.01, latencyMs: 1000 };
  const cheaper = { passRate: 0.9, cost: 0.005, latencyMs: 1000 };
  const better = { passRate: 0.95, cost: 0.02, latencyMs: 1500 };
  const worse = { passRate: 0.8, cost: 0.02, latencyMs: 2000 };
  assert.equal(dominates(cheaper, a), true);
  assert.equal(dominates(a, cheaper), false);
  assert.equal(dominates(a, a), false, 'a tie dominates nothing');
  assert.equal(dominates(better, a), false, 'better quality at a higher cost is a trade-off');
  assert.deepEqual([...paretoBest([a, cheaper, better, worse])].sort(), [1, 2]);
  assert.deepEqual([...paretoBest([a, { ...a }])].sort(), [0, 1], 'equal variants are both kept');
  assert.deepEqual([...paretoBest([])], []);
});

test('applyVariant overrides agent settings on a copy of the IR', () => {
  const ir = compile(`${MODELS}\ntype T { v: string }\nagent a(x: string) -> T { model: smart, prompt: "{{x}}", retry: 2 }\ngraph G(x: string) -> T {\n  start -> a(x: x)\n  a -> end(a)\n}\n`);
  const v = applyVariant(ir, { name: 'cheap', overrides: [{ agent: 'a', model: 'fast', retry: 0, prompt: 'short {{x}}', temperature: 0.3, maxTokens: 20 }] });
  const a = v.agents.find((x) => x.name === 'a')!;
  assert.deepEqual([a.model, a.retry.max, a.prompt.template, a.temperature, a.maxTokens], ['fast', 0, 'short {{x}}', 0.3, 20]);
  const orig = ir.agents.find((x) => x.name === 'a')!;
  assert.deepEqual([orig.model, orig.retry.max], ['smart', 2], 'the spec IR is unchanged');
  assert.throws(() => applyVariant(ir, { name: 'x', overrides: [{ agent: 'nope' }] }), /no agent 'nope'/);
  assert.throws(() => applyVariant(ir, { name: 'x', overrides: [{ agent: 'a', model: 'nope' }] }), /no model 'nope'/);
});

test('the response cache: a re-run hits it, but repeat samples never get each other’s answers', async () => {
  const ir = compile(`${MODELS}\ntype T { v: string }\nagent a(x: string) -> T { model: fast, prompt: "{{x}}", cache: 1h }\ngraph G(x: string) -> T {\n  start -> a(x: x)\n  a -> end(a)\n}\neval e for G {\n  cases: [ { x: "same" } ]\n  repeat: 3\n  assert len(a.v) >= 0\n}\n`);
  const store = new Map<string, ModelResponse>();
  const cache: ResponseCache = { get: (k) => store.get(k), set: (k, r) => void store.set(k, r) };
  let calls = 0;
  const provider = new ScriptedProvider(() => {
    calls++;
    return { content: JSON.stringify({ v: `answer ${calls}` }) };
  });
  const go = () => runEval({ ir, eval: ir.evals[0]!, root: '/spec', makeEnv: () => ({ provider, clock: new VirtualClock(), human: noHuman }), cache });
  const first = await go();
  assert.equal(calls, 3, 'each repeat asks the model, although the three requests are identical');
  assert.deepEqual(first.cases[0]!.samples.map((s) => (s.output as { v: string }).v), ['answer 1', 'answer 2', 'answer 3']);
  const again = await go();
  assert.equal(calls, 3, 'the re-run is served from the cache');
  assert.deepEqual(again.cases[0]!.samples.map((s) => (s.output as { v: string }).v), ['answer 1', 'answer 2', 'answer 3'], 'each repeat gets its own cached answer');
  await runEval({ ir, eval: ir.evals[0]!, root: '/spec', makeEnv: () => ({ provider, clock: new VirtualClock(), human: noHuman }), cache, noCache: true });
  assert.equal(calls, 6, '--no-cache bypasses it');
});

test('variants parse as a property; a missing } inside them keeps the eval and its assertions', () => {
  const text = `eval e for G {
  cases: [ { x: "1" } ]
  variants: {
    cheap: { a: { model: fast } }
    other: { a: { retry: 1 }
  }
  assert a.v == "1"
  assert run.cost < $0.01
}
graph G(x: string) -> T {
  start -> end(x)
}
`;
  const { file, diagnostics } = parse(text);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.message]), [['AG1004', "Expected '}' to close the object."]]);
  const ev = file.decls.find((d): d is EvalDecl => d.kind === 'EvalDecl')!;
  assert.deepEqual(ev.asserts.map((a) => text.slice(a.expr.start, a.expr.end)), ['a.v == "1"', 'run.cost < $0.01']);
  const variants = ev.props.find((p) => p.key.text === 'variants')!.value;
  assert.equal(variants.kind, 'ObjectLit');
  assert.deepEqual(variants.kind === 'ObjectLit' ? variants.entries.map((e) => e.key.text) : [], ['cheap', 'other']);
  assert.ok(file.decls.some((d) => d.kind === 'GraphDecl'), 'the next declaration still parses');
});

test('the concurrency limit bounds the samples running at once', async () => {
  const ir = compile(`${MODELS}\ntype T { v: string }\nagent a(x: string) -> T { model: fast, prompt: "{{x}}" }\ngraph G(x: string) -> T {\n  start -> a(x: x)\n  a -> end(a)\n}\neval e for G {\n  cases: [ { x: "1" }, { x: "2" }, { x: "3" }, { x: "4" }, { x: "5" } ]\n  repeat: 2\n  concurrency: 3\n  assert len(a.v) >= 0\n}\n`);
  let running = 0;
  let peak = 0;
  const provider = new ScriptedProvider(async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return { content: JSON.stringify({ v: 'x' }) };
  });
  const go = (concurrency?: number) => runEval({ ir, eval: ir.evals[0]!, root: '/spec', concurrency, makeEnv: () => ({ provider, clock: new VirtualClock(), human: noHuman }) });
  assert.equal((await go()).samples.run, 10);
  assert.equal(peak, 3, "the eval's concurrency");
  peak = 0;
  await go(1);
  assert.equal(peak, 1, '--concurrency overrides it');
});
