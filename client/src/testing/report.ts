// Turns the JSON report of `agentgraph eval --format json` into Test Explorer verdicts: per case
// passed / failed (an assertion did not hold: expected vs actual at the assertion's line) /
// errored (the graph run itself failed) / skipped (the eval's cost budget ran out first), and per
// eval its thresholds (pass rate with its Wilson interval against `pass_rate`, cost). The report is
// another process's output, so every field is read defensively; no `vscode` here (tested alone).

import type { CustomSourceRef, EvalCaseInfo, EvalInfo } from '../../../server/src/lsp/custom/protocol.ts';

export type VerdictState = 'passed' | 'failed' | 'errored' | 'skipped';

export interface VerdictMessage {
  text: string;
  expected?: string;
  actual?: string;
  /** Where to show it: the failing assertion, the case, or the eval. */
  range?: CustomSourceRef;
  /** The trace of the sample this message is about. */
  tracePath?: string;
}

export interface CaseVerdict {
  info: EvalCaseInfo;
  state: VerdictState;
  /** Model time of the case's samples, summed. */
  durationMs: number;
  messages: VerdictMessage[];
  /** Trace files of the case's samples, in repeat order. */
  traces: { repeat: number; passed: boolean; path: string }[];
  /** A one-line account for the output pane. */
  summary: string;
}

export interface EvalVerdict {
  state: VerdictState;
  durationMs: number;
  messages: VerdictMessage[];
  summary: string;
  cases: CaseVerdict[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(5) : x.toFixed(4)}`;

/**
 * The eval results in a report printed by the CLI (the whole of stdout). Throws with a readable
 * message when stdout is not a report, so the run is marked errored with what the CLI said.
 */
export function parseReport(stdout: string): Obj[] {
  const start = stdout.indexOf('{');
  if (start < 0) throw new Error('the eval command printed no JSON report');
  let value: unknown;
  try {
    value = JSON.parse(stdout.slice(start));
  } catch (err) {
    throw new Error(`the eval command printed an unreadable report: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!isObj(value) || !Array.isArray(value.evals)) throw new Error('the eval command printed a report without evals');
  return value.evals.filter(isObj);
}

/** The discovered case a report case is about: by position, checked against (else found by) its id. */
function matchCase(c: Obj, info: EvalInfo): EvalCaseInfo | undefined {
  const index = num(c.index);
  const id = c.id === undefined ? undefined : String(c.id);
  const byIndex = index === undefined ? undefined : info.cases.find((x) => x.index === index);
  if (byIndex && (id === undefined || byIndex.id === id)) return byIndex;
  return id === undefined ? byIndex : (info.cases.find((x) => x.id === id) ?? byIndex);
}

/** Maps one eval's result to verdicts for the cases in `wanted` (default: every case in the result). */
export function evalVerdict(result: Obj, info: EvalInfo, wanted?: ReadonlySet<number>): EvalVerdict {
  const durationMs = num(result.durationMs) ?? 0;
  const evalError = str(result.error);
  const cases: CaseVerdict[] = [];
  if (evalError) {
    // The eval could not run at all (bad dataset, no cases…): every case it was asked for errs.
    for (const c of info.cases) {
      if (wanted && !wanted.has(c.index)) continue;
      cases.push({ info: c, state: 'errored', durationMs: 0, messages: [{ text: evalError, range: info.nameRange }], traces: [], summary: `error: ${evalError}` });
    }
    return { state: 'errored', durationMs, messages: [{ text: `Eval '${info.name}' could not run: ${evalError}`, range: info.nameRange }], summary: `error: ${evalError}`, cases };
  }
  const repeat = num(result.repeat) ?? info.repeat;
  for (const c of arr(result.cases).filter(isObj)) {
    const ci = matchCase(c, info);
    if (!ci || (wanted && !wanted.has(ci.index))) continue;
    cases.push(caseVerdict(c, ci, info, repeat));
  }
  return { ...thresholds(result, info), durationMs, cases };
}

function caseVerdict(c: Obj, ci: EvalCaseInfo, info: EvalInfo, repeat: number): CaseVerdict {
  const samples = arr(c.samples).filter(isObj);
  const messages: VerdictMessage[] = [];
  const traces: CaseVerdict['traces'] = [];
  let assertionFailed = false;
  let runFailed = false;
  let durationMs = 0;
  for (const s of samples) {
    const k = num(s.k) ?? 0;
    const passed = s.passed === true;
    const tracePath = str(s.tracePath);
    durationMs += num(s.latencyMs) ?? 0;
    if (tracePath) traces.push({ repeat: k + 1, passed, path: tracePath });
    if (passed) continue;
    const where = repeat > 1 ? ` (repeat ${k + 1} of ${repeat}, seed ${num(s.seed) ?? '?'})` : '';
    const outcome = str(s.outcome);
    if (outcome !== undefined && outcome !== 'succeeded') {
      runFailed = true;
      messages.push({ text: `The run ${outcome}${where}: ${str(s.error) ?? 'no details'}`, range: ci.range, ...(tracePath ? { tracePath } : {}) });
      continue;
    }
    const asserts = arr(s.asserts);
    let any = false;
    asserts.forEach((a, j) => {
      if (!isObj(a) || a.passed !== false) return;
      any = true;
      const src = str(a.src) ?? info.asserts[j]?.text ?? `assertion ${j + 1}`;
      const range = rangeOf(a.range, info.asserts[j]?.range);
      const m: VerdictMessage = { text: `assert ${src}${where}: ${str(a.reason) ?? 'does not hold'}` };
      if (range) m.range = range;
      const expected = str(a.expected);
      const actual = str(a.actual);
      if (expected !== undefined && actual !== undefined) Object.assign(m, { expected, actual });
      if (tracePath) m.tracePath = tracePath;
      messages.push(m);
    });
    if (any) assertionFailed = true;
    else {
      runFailed = true;
      messages.push({ text: `Failed${where}: ${str(s.error) ?? 'no assertion result'}`, range: ci.range, ...(tracePath ? { tracePath } : {}) });
    }
  }
  const state: VerdictState = samples.length === 0 ? 'skipped' : assertionFailed ? 'failed' : runFailed ? 'errored' : 'passed';
  const bad = samples.filter((s) => s.passed !== true).length;
  const summary =
    state === 'skipped'
      ? 'not run: the eval’s cost budget was spent'
      : `${state} (${samples.length - bad}/${samples.length} sample${samples.length === 1 ? '' : 's'} passed)`;
  return { info: ci, state, durationMs, messages, traces, summary };
}

/** A range from the report (F's assertion results carry one) when it is well formed, else the fallback. */
function rangeOf(v: unknown, fallback: CustomSourceRef | undefined): CustomSourceRef | undefined {
  if (isObj(v) && typeof v.file === 'string' && isObj(v.start) && isObj(v.end) && num(v.start.line) !== undefined && num(v.end.line) !== undefined) {
    return { file: v.file, start: { line: v.start.line as number, character: num(v.start.character) ?? 0 }, end: { line: v.end.line as number, character: num(v.end.character) ?? 0 } };
  }
  return fallback;
}

/** The eval-level verdict: thresholds met or not, with the numbers that decided it. */
function thresholds(result: Obj, info: EvalInfo): Omit<EvalVerdict, 'durationMs' | 'cases'> {
  const passRate = num(result.passRate) ?? 0;
  const threshold = num(result.threshold) ?? info.passRate;
  const ci = isObj(result.ci) ? result.ci : {};
  const samples = isObj(result.samples) ? result.samples : {};
  const cost = isObj(result.cost) ? result.cost : {};
  const total = num(cost.total) ?? 0;
  const maxCost = num(result.maxCostUsd);
  const line1 = `pass rate ${pct(passRate)} (${num(samples.passed) ?? 0}/${num(samples.run) ?? 0} samples; 95% CI ${pct(num(ci.low) ?? 0)}–${pct(num(ci.high) ?? 0)}), threshold ≥ ${pct(threshold)}`;
  const line2 = `cost ${usd(total)}${maxCost !== undefined ? ` of ${usd(maxCost)} budget` : ''}, mean ${usd(num(cost.mean) ?? 0)} per run`;
  const summary = `${line1}; ${line2}`;
  if (result.passed === true) return { state: 'passed', messages: [], summary };
  const why: string[] = [];
  if (passRate < threshold) why.push(`The pass rate ${pct(passRate)} is below the threshold ${pct(threshold)}.`);
  if (result.budgetExhausted === true) why.push(`The cost budget was spent: ${num(samples.skipped) ?? 0} of ${num(samples.total) ?? 0} samples were not run.`);
  if (why.length === 0) why.push('The eval did not meet its thresholds.');
  return { state: 'failed', messages: [{ text: `Eval '${info.name}' failed: ${why.join(' ')}\n${line1}\n${line2}`, range: info.nameRange }], summary };
}
