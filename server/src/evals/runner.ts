// Runs an eval: every case `repeat` times (each sample with its own seed), at most `concurrency`
// samples at once, within the eval's cost budget (once it is spent no more samples are started and
// the report says so; judge calls count towards it). Each sample's assertions are checked against
// its run. With `variants`, the same cases also run on each variant's IR (variants.ts) and the
// result compares them side by side. Result types and the summary live in results.ts.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EvalIR, ExprIR, IR } from '../ir/schema.ts';
import type { ResponseCache } from '../runtime/cache.ts';
import { evaluate, type Scope } from '../runtime/evaluate.ts';
import type { HumanChannel } from '../runtime/human.ts';
import type { Clock, Provider } from '../runtime/provider.ts';
import { parseFixtures, type FixtureFile } from '../runtime/providers/fixtures.ts';
import { sha256 } from '../runtime/random.ts';
import { runGraph } from '../runtime/run.ts';
import { assertionScope, callsOf, checkAssertion, mapCalls, runFacts, show } from './assertions.ts';
import { insideRoot, loadCaseEntries, selectCases, type CaseEntry } from './dataset.ts';
import { DEFAULT_MIN_SCORE, runJudge, type JudgeVerdict } from './judge.ts';
import { markPareto, summarize, type AssertionResult, type CaseResult, type EvalResult, type SampleResult, type VariantResult } from './results.ts';
import { applyVariant, type VariantIR } from './variants.ts';

export * from './results.ts';
export { show };

export interface SampleEnv {
  provider: Provider;
  clock: Clock;
  human: HumanChannel;
}

/** What a case row may carry for offline runs besides the graph's parameters. */
export interface CaseScript {
  /** Scripted model answers for this case (simulated provider), as in a fixtures file. */
  fixtures?: FixtureFile;
  /** Answers for human nodes: { human_name: answer | [answer, …] }. */
  answers?: Record<string, unknown>;
}

export interface EvalOptions {
  ir: IR;
  eval: EvalIR;
  /** Workspace root: datasets must be inside it; `.agentgraph/` lives here. */
  root: string;
  /** Base seed (default 1); sample k of case i runs with seed + i × repeat + k. */
  seed?: number;
  /** A provider, clock and human channel for one sample (fresh per sample: seeds and answer lists are per sample). */
  makeEnv(seed: number, script: CaseScript): SampleEnv;
  /** Run only the cases with these ids (see CaseEntry.id); unknown ids are ignored here. */
  caseIds?: readonly string[];
  /** Overrides the eval's `concurrency`. */
  concurrency?: number;
  cache?: ResponseCache;
  noCache?: boolean;
  runsDir?: string;
  onSample?: (s: SampleResult, done: number, total: number, variant?: string) => void;
  signal?: AbortSignal;
}

/**
 * Keeps the response cache per sample: a re-run of the same sample (same eval, variant, case,
 * repeat and seed) hits the cache, but one repeat never gets another repeat's answer.
 */
export function sampleCache(inner: ResponseCache, sampleKey: string): ResponseCache {
  const key = (k: string) => sha256(`${sampleKey}\n${k}`);
  return { get: (k) => inner.get(key(k)), set: (k, r, ttl) => inner.set(key(k), r, ttl) };
}

export function sampleSeed(base: number, caseIndex: number, repeat: number, k: number): number {
  return base + caseIndex * repeat + k;
}

/**
 * The fixtures and answers a case row carries: an object, or the path of a JSON file relative to
 * the file the case is written in (so inline cases in a spec stay short). Fixtures are validated
 * like a `--fixtures` file; throws (failing that sample) when one is missing or malformed.
 */
export function caseScript(input: Record<string, unknown>, writtenIn: string, root: string): CaseScript {
  const load = (v: unknown, what: string): Record<string, unknown> | undefined => {
    if (typeof v === 'string') {
      const file = path.resolve(path.dirname(writtenIn), v);
      if (!insideRoot(file, root)) throw new Error(`the case's ${what} file ${v} is outside the workspace root`);
      try {
        v = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`cannot read the case's ${what} file ${v}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`the case's ${what} must be an object or the path of a JSON file`);
    return v as Record<string, unknown>;
  };
  const fx = load(input.fixtures, 'fixtures');
  return { fixtures: fx ? parseFixtures(fx) : undefined, answers: load(input.answers, 'answers') };
}

/** Shared between the spec as written and its variants: one budget for the whole eval. */
interface Budget {
  spent: number;
  exhausted: boolean;
}

/** Does the assertion come out the same whatever its judge calls say (`visited(lead) || judge(…)`)? */
function judgeIrrelevant(expr: ExprIR, scope: Scope): boolean {
  const fold = (value: boolean) => mapCalls(expr, (c) => (c.fn === 'judge' ? { op: 'lit', value } : c));
  try {
    return evaluate(fold(true), scope) === evaluate(fold(false), scope);
  } catch {
    return false;
  }
}

async function judgeVerdicts(o: EvalOptions, ir: IR, a: EvalIR['asserts'][number], scope: Scope, provider: Provider): Promise<JudgeVerdict[]> {
  const calls = callsOf(a.expr, 'judge');
  if (calls.length === 0) return [];
  const model = ir.models.find((m) => m.name === o.eval.judge);
  const skip = judgeIrrelevant(a.expr, scope);
  const out: JudgeVerdict[] = [];
  for (const c of calls) {
    const rubric = String(c.args[1] ? evaluate(c.args[1], scope) : '');
    const minScore = c.args[2] ? Number(evaluate(c.args[2], scope)) : DEFAULT_MIN_SCORE;
    if (skip) {
      // Asking would cost money and change nothing.
      out.push({ model: o.eval.judge ?? '', rubric, minScore, reasoning: 'not asked: the assertion holds or fails whatever the judge says', passed: true, costUsd: 0, latencyMs: 0, skipped: true });
      continue;
    }
    if (!model) {
      out.push({ model: o.eval.judge ?? '', rubric, minScore, reasoning: 'the eval has no judge model', passed: false, costUsd: 0, latencyMs: 0 });
      continue;
    }
    let value: unknown;
    try {
      value = evaluate(c.args[0]!, scope);
    } catch (err) {
      out.push({ model: model.name, rubric, minScore, reasoning: `the graded value could not be evaluated: ${err instanceof Error ? err.message : String(err)}`, passed: false, costUsd: 0, latencyMs: 0 });
      continue;
    }
    out.push(await runJudge({ provider, model, value, rubric, minScore, signal: o.signal }));
  }
  return out;
}

/** Runs the chosen cases on one IR (the spec as written, or a variant of it). */
async function runCases(o: EvalOptions, ir: IR, entries: CaseEntry[], budget: Budget, variant?: string): Promise<{ cases: CaseResult[]; skipped: number }> {
  const ev = o.eval;
  const base = o.seed ?? 1;
  const graph = ir.graphs.find((g) => g.name === ev.graph)!;
  const nodes = new Set(graph.nodes.map((n) => n.name));
  const humans = new Set(ir.humans.map((h) => h.name));
  const results: CaseResult[] = entries.map((e) => ({ index: e.number - 1, id: e.id, source: e.source, input: e.input, samples: [], passed: true }));
  const queue: { i: number; k: number }[] = [];
  for (let i = 0; i < results.length; i++) for (let k = 0; k < ev.repeat; k++) queue.push({ i, k });
  const total = queue.length;
  const limit = Math.max(1, o.concurrency ?? ev.concurrency ?? 1);
  let done = 0;
  let skipped = 0;

  const runOne = async (i: number, k: number): Promise<SampleResult> => {
    const c = results[i]!;
    // Seeds follow a case's position in the whole eval, so `--case` reruns exactly the same samples.
    const seed = sampleSeed(base, c.index, ev.repeat, k);
    const env = o.makeEnv(seed, caseScript(c.input, c.source.file, o.root));
    const cache = o.cache && sampleCache(o.cache, `${ir.source}#${ev.name}#${variant ?? ''}#${c.index}#${k}#${seed}`);
    const input = Object.fromEntries(graph.params.map((p) => [p.name, c.input[p.name]]).filter(([, v]) => v !== undefined));
    const r = await runGraph({ ir, graph: graph.name, input, provider: env.provider, clock: env.clock, human: env.human, cache, noCache: o.noCache ?? false, runsDir: o.runsDir, seed, signal: o.signal });
    const scope = assertionScope(c.input, r);
    const asserts: AssertionResult[] = [];
    for (const a of ev.asserts) {
      const verdicts = await judgeVerdicts(o, ir, a, scope, env.provider);
      asserts.push({ src: a.src, line: a.range.start.line + 1, range: a.range, ...checkAssertion(a.expr, scope, nodes, { types: ir.types, verdicts }) });
    }
    const facts = runFacts(r);
    const error = r.outcome === 'succeeded' ? undefined : `run ${r.outcome}${r.error ? `: ${r.error.message}` : ''}`;
    return {
      caseIndex: c.index,
      caseId: c.id,
      k,
      seed,
      passed: r.outcome === 'succeeded' && asserts.every((a) => a.passed),
      outcome: r.outcome,
      error,
      output: r.output,
      outputs: r.outputs,
      asserts,
      cost: facts.cost,
      judgeCostUsd: asserts.reduce((n, a) => n + (a.judge ?? []).reduce((m, v) => m + v.costUsd, 0), 0),
      latencyMs: facts.latency,
      steps: facts.steps,
      tokens: facts.tokens,
      escalated: facts.escalated,
      human: facts.escalated || r.visited.some((n) => humans.has(n)),
      runId: r.runId,
      tracePath: r.tracePath,
    };
  };

  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      if (ev.maxCostUsd !== undefined && budget.spent >= ev.maxCostUsd) {
        budget.exhausted = budget.exhausted || queue.length > 0;
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
        const c = results[next.i]!;
        const message = `run failed: ${err instanceof Error ? err.message : String(err)}`;
        s = { caseIndex: c.index, caseId: c.id, k: next.k, seed: sampleSeed(base, c.index, ev.repeat, next.k), passed: false, outcome: 'failed', error: message, output: undefined, outputs: {}, asserts: [], cost: 0, judgeCostUsd: 0, latencyMs: 0, steps: 0, tokens: 0, escalated: false, human: false, runId: '' };
      }
      budget.spent += s.cost + s.judgeCostUsd;
      results[next.i]!.samples.push(s);
      done++;
      o.onSample?.(s, done, total, variant);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, total) }, () => worker()));
  skipped += queue.length;
  for (const c of results) {
    c.samples.sort((a, b) => a.k - b.k);
    c.passed = c.samples.every((s) => s.passed);
  }
  return { cases: results, skipped };
}

export async function runEval(o: EvalOptions): Promise<EvalResult> {
  const ev = o.eval;
  const started = Date.now();
  const head = { name: ev.name, graph: ev.graph, source: o.ir.source, repeat: ev.repeat, threshold: ev.passRate, maxCostUsd: ev.maxCostUsd, judge: ev.judge };
  const fail = (error: string): EvalResult => ({ ...head, ...summarize(ev, [], 0), cases: [], budgetExhausted: false, error, passed: false, durationMs: Date.now() - started });
  if (!o.ir.graphs.some((g) => g.name === ev.graph)) return fail(`no graph '${ev.graph}' in the spec`);
  let entries: CaseEntry[];
  try {
    entries = loadCaseEntries(ev, o.root);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (entries.length === 0) return fail('the eval has no cases');
  if (o.caseIds) {
    entries = selectCases(entries, o.caseIds).picked;
    if (entries.length === 0) return fail(`no case with id ${o.caseIds.join(', ')}`);
  }

  const budget: Budget = { spent: 0, exhausted: false };
  const main = await runCases(o, o.ir, entries, budget);
  const summary = summarize(ev, main.cases, main.skipped);
  let variants: VariantResult[] | undefined;
  if (ev.variants?.length) {
    variants = [];
    for (const v of ev.variants) {
      if (o.signal?.aborted) break;
      variants.push(await runVariant(o, v, entries, budget, main.cases, main.skipped));
    }
    markPareto(variants);
  }
  return {
    ...head,
    ...summary,
    cases: main.cases,
    budgetExhausted: budget.exhausted,
    passed: !budget.exhausted && summary.samples.run > 0 && summary.passRate >= ev.passRate,
    durationMs: Date.now() - started,
    variants,
  };
}

/** A variant without overrides is the spec as written: its samples are reused, not run again. */
async function runVariant(o: EvalOptions, v: VariantIR, entries: CaseEntry[], budget: Budget, asWritten: CaseResult[], skippedAsWritten: number): Promise<VariantResult> {
  let cases = asWritten;
  let skipped = skippedAsWritten;
  let error: string | undefined;
  if (v.overrides.length > 0) {
    try {
      ({ cases, skipped } = await runCases(o, applyVariant(o.ir, v), entries, budget, v.name));
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      cases = [];
      skipped = entries.length * o.eval.repeat;
    }
  }
  const s = summarize(o.eval, cases, skipped);
  return { name: v.name, overrides: v.overrides, ...s, passed: !error && s.samples.run > 0 && s.passRate >= o.eval.passRate, paretoBest: false, cases, ...(error ? { error } : {}) };
}
