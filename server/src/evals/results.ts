// The shape of eval results (what `agentgraph eval --format json` prints, and what the editor's test
// explorer reads) and the summary of a set of samples: pass rate with its Wilson interval,
// per-assertion pass rates, cost/latency/steps distributions and the escalation rates.

import * as path from 'node:path';
import type { EvalIR } from '../ir/schema.ts';
import type { RunResult } from '../runtime/run.ts';
import type { AssertionOutcome } from './assertions.ts';
import type { Case, CaseEntry } from './dataset.ts';
import { distribution, wilson, type Distribution } from './stats.ts';
import { paretoBest, type VariantIR } from './variants.ts';

export interface SampleResult {
  caseIndex: number;
  /** The case's id (see CaseResult.id). */
  caseId: string;
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
  asserts: AssertionResult[];
  /** The run's cost (judge calls excluded: see judgeCostUsd). */
  cost: number;
  /** What the `judge(…)` calls of this sample's assertions cost. */
  judgeCostUsd: number;
  latencyMs: number;
  steps: number;
  tokens: number;
  /** A supervisor escalated. */
  escalated: boolean;
  /** A person got involved: a human node ran, or a supervisor escalated. */
  human: boolean;
  runId: string;
  tracePath?: string;
}

/** One assertion's outcome in one sample, named by its text and place in the spec. */
export interface AssertionResult extends AssertionOutcome {
  /** The assertion's expression as written. */
  src: string;
  /** 1-based line of the `assert` in the spec. */
  line: number;
  /** The `assert`'s range in the spec (0-based line/character positions). */
  range: EvalIR['range'];
}

export interface CaseResult {
  /** 0-based position in inline-then-dataset order (stable when `--case` selects a subset). */
  index: number;
  /** The row's `id` field when it has one, else its 1-based number: what `--case` selects. */
  id: string;
  /** Where the case is written: its dataset line, or its line in the spec for inline cases. */
  source: CaseEntry['source'];
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

/** The numbers a variant comparison shows, for the spec as written and for each variant. */
export interface Summary {
  passRate: number;
  ci: { low: number; high: number };
  samples: { total: number; run: number; passed: number; skipped: number };
  asserts: AssertionStats[];
  cost: Distribution & { total: number };
  /** Judge calls, kept apart from the runs' cost (both count towards `max_cost`). */
  judgeCost: { total: number; calls: number };
  latencyMs: Distribution;
  steps: Distribution;
  /** Share of samples in which a supervisor escalated. */
  escalationRate: number;
  /** Share of samples in which a person got involved (a human node ran, or an escalation). */
  humanRate: number;
}

export interface VariantResult extends Summary {
  name: string;
  overrides: VariantIR['overrides'];
  /** This variant met the eval's pass rate. */
  passed: boolean;
  /** No other variant is at least as good on pass rate, mean cost and mean latency and better on one. */
  paretoBest: boolean;
  cases: CaseResult[];
  /** Why the variant could not run (it names an agent or model the IR lacks). */
  error?: string;
}

export interface EvalResult extends Summary {
  name: string;
  graph: string;
  source: string;
  repeat: number;
  threshold: number;
  cases: CaseResult[];
  maxCostUsd?: number;
  /** The judge model, when the eval has one. */
  judge?: string;
  /** The cost budget ran out before every sample ran. */
  budgetExhausted: boolean;
  /** Why the eval could not run at all (bad dataset, …). */
  error?: string;
  /** The spec as written met the pass rate (variants do not decide this). */
  passed: boolean;
  durationMs: number;
  /** With `variants:`, each variant's numbers side by side (the spec as written is not one of them unless declared, e.g. `baseline: {}`). */
  variants?: VariantResult[];
}

function lineOf(range: EvalIR['range']): number {
  return range.start.line + 1;
}

export function summarize(ev: EvalIR, cases: readonly CaseResult[], skipped: number): Summary {
  const samples = cases.flatMap((c) => c.samples);
  const passed = samples.filter((s) => s.passed).length;
  const rate = samples.length ? passed / samples.length : 0;
  const asserts = ev.asserts.map((a, j) => {
    const outcomes = samples.map((s) => s.asserts[j]).filter((x): x is AssertionResult => x !== undefined);
    const ok = outcomes.filter((x) => x.passed).length;
    return { src: a.src, line: lineOf(a.range), passed: ok, total: outcomes.length, rate: outcomes.length ? ok / outcomes.length : 0 };
  });
  const costs = samples.map((s) => s.cost);
  const share = (f: (s: SampleResult) => boolean) => (samples.length ? samples.filter(f).length / samples.length : 0);
  return {
    passRate: rate,
    ci: wilson(passed, samples.length),
    samples: { total: samples.length + skipped, run: samples.length, passed, skipped },
    asserts,
    cost: { ...distribution(costs), total: costs.reduce((a, b) => a + b, 0) },
    judgeCost: {
      total: samples.reduce((n, s) => n + s.judgeCostUsd, 0),
      calls: samples.reduce((n, s) => n + s.asserts.reduce((m, a) => m + (a.judge?.filter((v) => !v.skipped).length ?? 0), 0), 0),
    },
    latencyMs: distribution(samples.map((s) => s.latencyMs)),
    steps: distribution(samples.map((s) => s.steps)),
    escalationRate: share((s) => s.escalated),
    humanRate: share((s) => s.human),
  };
}

export function emptySummary(ev: EvalIR): Summary {
  return summarize(ev, [], 0);
}

/** Marks the Pareto-best variants (pass rate ↑, mean cost ↓, mean latency ↓). */
export function markPareto(variants: VariantResult[]): void {
  const set = paretoBest(variants.map((v) => ({ passRate: v.passRate, cost: v.cost.mean + (v.samples.run ? v.judgeCost.total / v.samples.run : 0), latencyMs: v.latencyMs.mean })));
  variants.forEach((v, i) => (v.paretoBest = set.has(i)));
}

/** The first failing reason of a sample, for one-line reports. */
export function firstFailure(s: SampleResult, ev: Pick<EvalIR, 'asserts'>): { assertion?: string; line?: number; reason: string; expected?: string; actual?: string } | undefined {
  if (s.passed) return undefined;
  const j = s.asserts.findIndex((a) => !a.passed);
  const a = j >= 0 ? s.asserts[j] : undefined;
  if (s.error && (!a || s.outcome !== 'succeeded')) return { reason: s.error };
  if (!a) return { reason: 'failed' };
  return { assertion: ev.asserts[j]?.src ?? a.src, line: a.line, reason: a.reason ?? 'failed', expected: a.expected, actual: a.actual };
}

/** Paths in reports are relative to `base` when they are inside it. */
export function rel(p: string | undefined, base: string): string | undefined {
  if (!p) return p;
  const r = path.relative(base, p);
  return r.startsWith('..') ? p : r;
}
