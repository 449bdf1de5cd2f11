// Worst-case economics against figures computed by hand from docs/language.md's rules and the
// catalog prices (gpt-4o-mini: $0.15 / $0.60 per 1M tokens, 350 ms TTFT, 110 tok/s;
// gpt-4o: $2.50 / $10, 450 ms, 90 tok/s).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFixture } from './helpers/fixtures.ts';
import type { AgentInfo } from '../server/src/semantics/declarations.ts';

const SPEC = `
model mini = openai("gpt-4o-mini") { max_tokens: 100 }
model big = openai("gpt-4o") { max_tokens: 100 }
agent a(x: string) -> string {
  model: mini
  prompt: "Say hi."
  retry: 2 backoff exponential(250ms, max: 4s)
  fallback: [big]
}
agent b(x: string) -> string { model: mini, prompt: "Say hi." }
graph Loop(x: string) -> string {
  start -> b(x)
  b -> b(x) when b == "again" max 2
  b -> end(b) otherwise
}
graph Fan(xs: list<string>) -> list<string> {
  concurrency: 2
  start -> b(x) for x in xs max 5
  b -> end(b)
}
graph Sup(x: string) -> string {
  start -> b(x)
  b -> end(b)
  supervise [b] one_for_one(max_restarts: 3, within: 1m)
}
`;

function analysis() {
  const { analyses } = analyzeFixture(new Map([['main.agentgraph', SPEC]]));
  const a = analyses.get('main.agentgraph')!;
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  return a;
}

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

test('an agent with retries and a fallback: every attempt on every model, plus repairs', () => {
  const a = analysis();
  const info = a.decls.callable(a.symbols.get('a')!) as AgentInfo;
  const wc = a.economics.node(info);
  // Prompt: "Say hi." = 7 chars → 2 tokens; output schema {"type":"string"} = 17 chars → 5 tokens.
  // Per attempt: one call with 7 input tokens, one repair with 7 + 100 + 50 = 157; 100 output each.
  const mini = ((7 * 0.15 + 100 * 0.6) + (157 * 0.15 + 100 * 0.6)) / 1e6;
  const big = ((7 * 2.5 + 100 * 10) + (157 * 2.5 + 100 * 10)) / 1e6;
  close(wc.costUsd, 3 * mini + 3 * big, 'cost');
  close(wc.tokens, 3 * (107 + 257) * 2, 'tokens');
  const miniCall = 350 + (100 / 110) * 1000;
  const bigCall = 450 + (100 / 90) * 1000;
  // Three attempts of two calls on each model, and 250 ms + 500 ms of backoff on each model.
  close(wc.latencyMs, 3 * 2 * miniCall + 750 + 3 * 2 * bigCall + 750, 'latency');
  assert.equal(wc.calls, 12);
});

test('a loop bounded by max 2 runs its body at most three times', () => {
  const a = analysis();
  const b = a.economics.node(a.decls.callable(a.symbols.get('b')!)!);
  const g = a.graphs.get('Loop')!;
  close(g.worst.costUsd, 3 * b.costUsd, 'cost');
  assert.equal(g.worst.steps, 3);
});

test('a fan-out multiplies cost by its width and latency by its waves', () => {
  const a = analysis();
  const b = a.economics.node(a.decls.callable(a.symbols.get('b')!)!);
  const g = a.graphs.get('Fan')!;
  close(g.worst.costUsd, 5 * b.costUsd, 'cost');
  close(g.worst.latencyMs, 3 * b.latencyMs, 'latency: 5 branches, 2 at a time → 3 waves');
  assert.equal(g.worst.steps, 5);
});

test('supervisor restarts multiply their children only in the supervised worst case', () => {
  const a = analysis();
  const b = a.economics.node(a.decls.callable(a.symbols.get('b')!)!);
  const g = a.graphs.get('Sup')!;
  close(g.worst.costUsd, b.costUsd, 'plain');
  close(g.worstSupervised.costUsd, 4 * b.costUsd, 'with 3 restarts');
});
