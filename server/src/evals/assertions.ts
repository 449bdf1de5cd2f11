// Eval assertions: an `assert` expression evaluated with the runtime's evaluator against a scope of
// `case`, `output`, `run` and every node's output by name. An assertion passes only when it
// evaluates to `true`; one that throws, or that reads the output of a node that did not run, fails
// with a reason. For comparisons the failure shows both sides' values (expected vs actual).

import type { ExprIR } from '../ir/schema.ts';
import type { RunResult } from '../runtime/run.ts';
import { evaluate, truthy, type Scope } from '../runtime/evaluate.ts';
import { check as checkSchema } from '../runtime/schemas.ts';
import type { JudgeVerdict } from './judge.ts';

export interface RunFacts {
  cost: number;
  latency: number;
  steps: number;
  tokens: number;
  retries: number;
  escalated: boolean;
}

export function runFacts(r: RunResult): RunFacts {
  const retries = r.nodes.reduce((n, s) => n + Math.max(0, s.attempts - s.executions), 0);
  return { cost: r.totals.costUsd, latency: r.totals.latencyMs, steps: r.totals.steps, tokens: r.totals.tokens, retries, escalated: r.escalated };
}

export interface AssertionOutcome {
  passed: boolean;
  /** Why it failed (absent when it passed). */
  reason?: string;
  /** For comparisons: the value the assertion wanted and the one it got. */
  expected?: string;
  actual?: string;
  /** The same as JSON values, where the assertion is a comparison or a built-in with operands. */
  expectedValue?: unknown;
  actualValue?: unknown;
  /** The verdicts of its `judge(…)` calls (score, reasoning, cost). */
  judge?: JudgeVerdict[];
}

export const ASSERT_VARS = ['case', 'output', 'run'] as const;

export function assertionScope(kase: Record<string, unknown>, r: RunResult): Scope {
  const vars = new Map<string, unknown>([
    ['case', kase],
    ['output', r.output ?? null],
    ['run', runFacts(r)],
  ]);
  return { vars, outputs: new Map(Object.entries(r.outputs)), inputs: new Map(), visited: new Set(r.visited) };
}

/** Rebuilds an expression bottom-up, letting `f` replace any call (after its arguments). */
export function mapCalls(e: ExprIR, f: (call: Extract<ExprIR, { op: 'call' }>) => ExprIR): ExprIR {
  const m = (x: ExprIR) => mapCalls(x, f);
  switch (e.op) {
    case 'call':
      // Node names in `visited(n)` / `inputs(n)` and type names in `is_type(v, T)` are not values.
      return f(e.fn === 'visited' || e.fn === 'inputs' ? e : { ...e, args: e.fn === 'is_type' ? [m(e.args[0]!), ...e.args.slice(1)] : e.args.map(m) });
    case 'get':
      return { ...e, object: m(e.object) };
    case 'index':
      return { ...e, object: m(e.object), index: m(e.index) };
    case 'unary':
      return { ...e, operand: m(e.operand) };
    case 'binary':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'list':
      return { ...e, items: e.items.map(m) };
    case 'object':
      return { ...e, entries: e.entries.map((p) => ({ key: p.key, value: m(p.value) })) };
    case 'template':
      return { ...e, parts: e.parts.map((p) => (typeof p === 'string' ? p : m(p))) };
    default:
      return e;
  }
}

/** Every call of `fn` in an expression, outermost first. */
export function callsOf(e: ExprIR, fn: string, out: Extract<ExprIR, { op: 'call' }>[] = []): Extract<ExprIR, { op: 'call' }>[] {
  mapCalls(e, (c) => {
    if (c.fn === fn) out.push(c);
    return c;
  });
  return out;
}

/** A type name argument (`is_type(v, Answer)`): the IR keeps it as a reference. */
function typeName(e: ExprIR | undefined): string | undefined {
  return e?.op === 'ref' ? e.name : undefined;
}

/** Names an expression reads as values (not the node arguments of `visited(n)` / `inputs(n)`). */
export function valueRefs(e: ExprIR, out: Set<string> = new Set()): Set<string> {
  switch (e.op) {
    case 'ref':
      out.add(e.name);
      break;
    case 'get':
      valueRefs(e.object, out);
      break;
    case 'index':
      valueRefs(e.object, out);
      valueRefs(e.index, out);
      break;
    case 'call':
      if (e.fn !== 'visited' && e.fn !== 'inputs') for (const a of e.args) valueRefs(a, out);
      break;
    case 'unary':
      valueRefs(e.operand, out);
      break;
    case 'binary':
      valueRefs(e.left, out);
      valueRefs(e.right, out);
      break;
    case 'list':
      for (const x of e.items) valueRefs(x, out);
      break;
    case 'object':
      for (const p of e.entries) valueRefs(p.value, out);
      break;
    case 'template':
      for (const p of e.parts) if (typeof p !== 'string') valueRefs(p, out);
      break;
    default:
      break;
  }
  return out;
}

/** A value for a report: JSON, shortened. */
export function show(v: unknown, max = 120): string {
  let s: string;
  try {
    s = v === undefined ? 'null' : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** What assertion-only built-ins need: the spec's types (`is_type`) and the judge's verdicts. */
export interface AssertionExtras {
  types?: Readonly<Record<string, Record<string, unknown>>>;
  /** Verdicts of the `judge(…)` calls of this assertion, in callsOf order. */
  verdicts?: readonly JudgeVerdict[];
}

/** Why the assertion-only built-ins of a failed assertion said no, in order. */
interface Notes {
  judge: JudgeVerdict[];
  types: { type: string; issues: string[]; value: unknown }[];
}

/** Replaces `judge(…)` by its verdict and `is_type(v, T)` by the schema check, noting failures. */
function foldExtras(expr: ExprIR, scope: Scope, extras: AssertionExtras, notes: Notes): ExprIR {
  let j = 0;
  return mapCalls(expr, (c) => {
    if (c.fn === 'judge') {
      const v = extras.verdicts?.[j++];
      if (!v) throw new Error('judge() was not evaluated (no judge model)');
      if (!v.passed) notes.judge.push(v);
      return { op: 'lit', value: v.passed };
    }
    if (c.fn === 'is_type') {
      const name = typeName(c.args[1]);
      const schema = name ? extras.types?.[name] : undefined;
      if (!name || !schema) throw new Error(`is_type(): no type '${name ?? '?'}' in the spec`);
      const value = evaluate(c.args[0]!, scope);
      const r = checkSchema(schema, value);
      if (!r.ok) notes.types.push({ type: name, issues: r.issues, value });
      return { op: 'lit', value: r.ok };
    }
    return c;
  });
}

/**
 * Evaluates one assertion. `nodes` are the graph's node names: reading the output of one that did
 * not run fails the assertion with that reason rather than comparing against `null`.
 */
export function checkAssertion(expr: ExprIR, scope: Scope, nodes: ReadonlySet<string>, extras: AssertionExtras = {}): AssertionOutcome {
  for (const name of valueRefs(mapCalls(expr, (c) => (c.fn === 'is_type' ? { ...c, args: c.args.slice(0, 1) } : c)))) {
    if (scope.vars.has(name)) continue;
    if (nodes.has(name) && !scope.outputs.has(name)) return { passed: false, reason: `node '${name}' did not run, so it has no output to check` };
  }
  const judged = extras.verdicts?.length ? { judge: [...extras.verdicts] } : {};
  try {
    const notes: Notes = { judge: [], types: [] };
    const e = foldExtras(expr, scope, extras, notes);
    if (evaluate(e, scope) === true) return { passed: true, ...judged };
    const v = notes.judge[0];
    if (v) {
      const got = v.score === undefined ? 'no score' : `score ${v.score.toFixed(2)}`;
      return { passed: false, reason: `the judge gave ${got} (needs ≥ ${v.minScore}): ${v.reasoning}`, expected: `score ≥ ${v.minScore}`, actual: v.score === undefined ? 'no score' : v.score.toFixed(2), ...judged };
    }
    const t = notes.types[0];
    if (t) return { passed: false, reason: `not a valid ${t.type}: ${t.issues.slice(0, 3).join('; ')}`, expected: `a ${t.type}`, actual: show(t.value), actualValue: t.value, ...judged };
    return { passed: false, ...explain(e, scope), ...judged };
  } catch (err) {
    return { passed: false, reason: `could not be evaluated: ${err instanceof Error ? err.message : String(err)}`, ...judged };
  }
}

type Explained = Pick<AssertionOutcome, 'reason' | 'expected' | 'actual' | 'expectedValue' | 'actualValue'> & { reason: string };

/** Expected vs actual of a failing built-in call, in the terms of that built-in. */
function explainCall(fn: string, args: unknown[], shown: string): Explained | undefined {
  const [a, b, c] = args;
  switch (fn) {
    case 'equals':
      return { reason: `expected ${show(b)}, got ${show(a)}`, expected: show(b), actual: show(a), expectedValue: b, actualValue: a };
    case 'contains':
      return { reason: `${show(a, 80)} does not contain ${show(b, 80)}`, expected: `contains ${show(b)}`, actual: show(a), expectedValue: b, actualValue: a };
    case 'matches':
      return { reason: `${show(a, 80)} does not match /${String(b)}/`, expected: `matches /${String(b)}/`, actual: show(a), expectedValue: b, actualValue: a };
    case 'approx':
      return { reason: `expected ${show(b)} ± ${show(c)}, got ${show(a)}`, expected: `${show(b)} ± ${show(c)}`, actual: show(a), expectedValue: b, actualValue: a };
    default:
      return fn === 'visited' ? undefined : { reason: `${shown} is false`, expected: 'true', actual: shown };
  }
}

/** Why a (sub)expression that should be true is not: the deciding operand, with its values. */
function explain(e: ExprIR, scope: Scope): Explained {
  if (e.op === 'binary') {
    // `guard || check`: both sides were false, and the check is the interesting one.
    if (e.operator === '||') return explain(e.right, scope);
    if (e.operator === '&&') return truthy(evaluate(e.left, scope)) ? explain(e.right, scope) : explain(e.left, scope);
    if (COMPARISONS.has(e.operator)) {
      const left = evaluate(e.left, scope);
      const right = evaluate(e.right, scope);
      const expected = e.operator === '==' ? show(right) : `${e.operator} ${show(right)}`;
      return { reason: `expected ${expected}, got ${show(left)}`, expected, actual: show(left), expectedValue: right, actualValue: left };
    }
  }
  if (e.op === 'unary' && e.operator === '!') {
    const inner = evaluate(e.operand, scope);
    return { reason: `expected false, got ${show(inner)}`, expected: 'false', actual: show(inner), expectedValue: false, actualValue: inner };
  }
  const v = evaluate(e, scope);
  if (e.op === 'call') {
    const args = e.args.map((a) => evaluate(a, scope));
    const shown = `${e.fn}(${args.map((x) => show(x, 80)).join(', ')})`;
    const x = explainCall(e.fn, args, shown);
    if (x) return x;
    return { reason: `${e.fn}(${e.args.map((a) => (a.op === 'ref' ? a.name : '…')).join(', ')}) is false`, expected: 'true', actual: 'false' };
  }
  if (v !== false) return { reason: `did not evaluate to a boolean (got ${show(v)})`, expected: 'true', actual: show(v) };
  return { reason: 'evaluated to false', expected: 'true', actual: 'false' };
}
