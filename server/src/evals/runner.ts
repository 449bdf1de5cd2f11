// Runs an eval: every case `repeat` times (each sample with its own seed), at most `concurrency`
// samples at once, within the eval's cost budget (once it is spent no more samples are started and
// the report says so). Each sample's assertions are checked against its run; the summary has the
// pass rate with a Wilson interval, per-assertion pass rates and cost/latency/steps distributions.

import * as path from 'node:path';
import type { EvalIR, IR } from '../ir/schema.ts';
import type { ResponseCache } from '../runtime/cache.ts';
import type { HumanChannel } from '../runtime/human.ts';
import type { Clock, Provider } from '../runtime/provider.ts';
import { sha256 } from '../runtime/random.ts';
import { runGraph, type RunResult } from '../runtime/run.ts';
import { assertionScope, checkAssertion, runFacts, show, type AssertionOutcome } from './assertions.ts';
import { loadCases, type Case } from './dataset.ts';
import { distribution, wilson, type Distribution } from './stats.ts';

export interface SampleResult {
  caseIndex: number;
  /** The repeat number, 0-based. */
  k: number;
  seed: number;
  passed: boolean;
  outcome: RunResult['outcome'];
  /** The run's error, when it did not succeed. */
  error?: string;
  output: unknown;
  /** Node outputs, for reports. */
  outputs: Record<string, unknown>;
  asserts: AssertionOutcome[];
  cost: number;
  latencyMs: number;
  steps: number;
  tokens: number;
  escalated: boolean;
  runId: string;
  tracePath?: string;
}

export interface CaseResult {
  index: number;
  input: Case;
  samples: SampleResult[];
  /** Every sample that ran passed. */
  passed: boolean;
}

export interface AssertionStats {
  src: string;
  line: number;
  passed: number;
  total: number;
  rate: number;
}

export interface EvalResult {
  name: string;
  graph: string;
  source: string;
  repeat: number;
  passRate: number;
  threshold: number;
  ci: { low: number; high: number };
  samples: { total: number; run: number; passed: number; skipped: number };
  cases: CaseResult[];
  asserts: AssertionStats[];
  cost: Distribution & { total: number };
  latencyMs: Distribution;
  steps: Distribution;
  escalationRate: number;
  maxCostUsd?: number;
  /** The cost budget ran out before every sample ran. */
  budgetExhausted: boolean;
  /** Why the eval could not run at all (bad dataset, …). */
  error?: string;
  passed: boolean;
  durationMs: number;
}

export interface SampleEnv {
  provider: Provider;
  clock: Clock;
  human: HumanChannel;
}

export interface EvalOptions {
  ir: IR;
  eval: EvalIR;
  /** Workspace root: datasets must be inside it; `.agentgraph/` lives here. */
  root: string;
  /** Base seed (default 1); sample k of case i runs with seed + i × repeat + k. */
  seed?: number;
  /** A provider, clock and human channel for one sample (fresh per sample: seeds and answer lists are per sample). */
  makeEnv(seed: number): SampleEnv;
  /** Overrides the eval's `concurrency`. */
  concurrency?: number;
  cache?: ResponseCache;
  noCache?: boolean;
  runsDir?: string;
  onSample?: (s: SampleResult, done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Keeps the response cache per sample: a re-run of the same sample (same eval, case, repeat and
 * seed) hits the cache, but one repeat never gets another repeat's answer.
 */
export function sampleCache(inner: ResponseCache, sampleKey: string): ResponseCache {
  const key = (k: string) => sha256(`${sampleKey}\n${k}`);
  return { get: (k) => inner.get(key(k)), set: (k, r, ttl) => inner.set(key(k), r, ttl) };
}

export function sampleSeed(base: number, caseIndex: number, repeat: number, k: number): number {
  return base + caseIndex * repeat + k;
}

function lineOf(range: EvalIR['range']): number {
  return range.start.line + 1;
}

export async function runEval(o: EvalOptions): Promise<EvalResult> {
  const ev = o.eval;
  const started = Date.now();
  const base = o.seed ?? 1;
  const graph = o.ir.graphs.find((g) => g.name === ev.graph);
  const nodes = new Set(graph?.nodes.map((n) => n.name) ?? []);
  const empty = (error: string): EvalResult => summarize(o, [], 0, false, Date.now() - started, error);
  if (!graph) return empty(`no graph '${ev.graph}' in the spec`);
  let cases: Case[];
  try {
    cases = loadCases(ev, o.root);
  } catch (err) {
    return empty(err instanceof Error ? err.message : String(err));
  }
  if (cases.length === 0) return empty('the eval has no cases');

  const results: CaseResult[] = cases.map((input, index) => ({ index, input, samples: [], passed: true }));
  const queue: { i: number; k: number }[] = [];
  for (let i = 0; i < cases.length; i++) for (let k = 0; k < ev.repeat; k++) queue.push({ i, k });
  const total = queue.length;
  const limit = Math.max(1, o.concurrency ?? ev.concurrency ?? 1);
  let spent = 0;
  let done = 0;
  let skipped = 0;
  let exhausted = false;

  const runOne = async (i: number, k: number): Promise<SampleResult> => {
    const kase = cases[i]!;
    const seed = sampleSeed(base, i, ev.repeat, k);
    const env = o.makeEnv(seed);
    const cache = o.cache && sampleCache(o.cache, `${o.ir.source}#${ev.name}#${i}#${k}#${seed}`);
    const input = Object.fromEntries(graph.params.map((p) => [p.name, kase[p.name]]).filter(([, v]) => v !== undefined));
    const r = await runGraph({
      ir: o.ir,
      graph: graph.name,
      input,
      provider: env.provider,
      clock: env.clock,
      human: env.human,
      cache,
      noCache: o.noCache ?? false,
      runsDir: o.runsDir,
      seed,
      signal: o.signal,
    });
    const scope = assertionScope(kase, r);
    const asserts = ev.asserts.map((a) => checkAssertion(a.expr, scope, nodes));
    const facts = runFacts(r);
    const error = r.outcome === 'succeeded' ? undefined : `run ${r.outcome}${r.error ? `: ${r.error.message}` : ''}`;
    return {
      caseIndex: i,
      k,
      seed,
      passed: r.outcome === 'succeeded' && asserts.every((a) => a.passed),
      outcome: r.outcome,
      error,
      output: r.output,
      outputs: r.outputs,
      asserts,
      cost: facts.cost,
      latencyMs: facts.latency,
      steps: facts.steps,
      tokens: facts.tokens,
      escalated: facts.escalated,
      runId: r.runId,
      tracePath: r.tracePath,
    };
  };

  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      if (ev.maxCostUsd !== undefined && spent >= ev.maxCostUsd) {
        exhausted = exhausted || queue.length > 0;
        skipped += queue.length;
        queue.length = 0;
        return;
      }
      const next = queue.shift();
      if (!next) return;
      let s: SampleResult;
      try {
        s = await runOne(next.i, next.k);
      } catch (err) {
        // runGraph throws only for misuse; keep the other samples going and say what happened.
        const seed = sampleSeed(base, next.i, ev.repeat, next.k);
        const message = `run failed: ${err instanceof Error ? err.message : String(err)}`;
        s = { caseIndex: next.i, k: next.k, seed, passed: false, outcome: 'failed', error: message, output: undefined, outputs: {}, asserts: [], cost: 0, latencyMs: 0, steps: 0, tokens: 0, escalated: false, runId: '' };
      }
      spent += s.cost;
      results[next.i]!.samples.push(s);
      done++;
      o.onSample?.(s, done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, total) }, () => worker()));
  skipped += queue.length;
  for (const c of results) {
    c.samples.sort((a, b) => a.k - b.k);
    c.passed = c.samples.every((s) => s.passed);
  }
  return summarize(o, results, skipped, exhausted, Date.now() - started);
}

function summarize(o: EvalOptions, cases: CaseResult[], skipped: number, exhausted: boolean, durationMs: number, error?: string): EvalResult {
  const ev = o.eval;
  const samples = cases.flatMap((c) => c.samples);
  const passed = samples.filter((s) => s.passed).length;
  const rate = samples.length ? passed / samples.length : 0;
  const asserts = ev.asserts.map((a, j) => {
    const outcomes = samples.map((s) => s.asserts[j]).filter((x): x is AssertionOutcome => x !== undefined);
    const ok = outcomes.filter((x) => x.passed).length;
    return { src: a.src, line: lineOf(a.range), passed: ok, total: outcomes.length, rate: outcomes.length ? ok / outcomes.length : 0 };
  });
  const costs = samples.map((s) => s.cost);
  return {
    name: ev.name,
    graph: ev.graph,
    source: o.ir.source,
    repeat: ev.repeat,
    passRate: rate,
    threshold: ev.passRate,
    ci: wilson(passed, samples.length),
    samples: { total: samples.length + skipped, run: samples.length, passed, skipped },
    cases,
    asserts,
    cost: { ...distribution(costs), total: costs.reduce((a, b) => a + b, 0) },
    latencyMs: distribution(samples.map((s) => s.latencyMs)),
    steps: distribution(samples.map((s) => s.steps)),
    escalationRate: samples.length ? samples.filter((s) => s.escalated).length / samples.length : 0,
    maxCostUsd: ev.maxCostUsd,
    budgetExhausted: exhausted,
    error,
    passed: !error && !exhausted && samples.length > 0 && rate >= ev.passRate,
    durationMs,
  };
}

/** The first failing reason of a sample, for one-line reports. */
export function firstFailure(s: SampleResult, ev: Pick<EvalIR, 'asserts'>): { assertion?: string; reason: string; expected?: string; actual?: string } | undefined {
  if (s.passed) return undefined;
  const j = s.asserts.findIndex((a) => !a.passed);
  const a = j >= 0 ? s.asserts[j] : undefined;
  if (s.error && (!a || s.outcome !== 'succeeded')) return { reason: s.error };
  if (!a) return { reason: 'failed' };
  return { assertion: ev.asserts[j]?.src, reason: a.reason ?? 'failed', expected: a.expected, actual: a.actual };
}

/** Paths in reports are relative to `base` when they are inside it. */
export function rel(p: string | undefined, base: string): string | undefined {
  if (!p) return p;
  const r = path.relative(base, p);
  return r.startsWith('..') ? p : r;
}

export { show };
