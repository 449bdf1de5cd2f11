// Eval assertions: an `assert` expression evaluated with the runtime's evaluator against a scope of
// `case`, `output`, `run` and every node's output by name. An assertion passes only when it
// evaluates to `true`; one that throws, or that reads the output of a node that did not run, fails
// with a reason. For comparisons the failure shows both sides' values (expected vs actual).

import type { ExprIR } from '../ir/schema.ts';
import type { RunResult } from '../runtime/run.ts';
import { evaluate, truthy, type Scope } from '../runtime/evaluate.ts';

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

/** `abs(x)` is an assertion built-in the runtime evaluator lacks: fold it into a literal first. */
function foldAbs(e: ExprIR, scope: Scope): ExprIR {
  switch (e.op) {
    case 'call': {
      const args = e.args.map((a) => foldAbs(a, scope));
      if (e.fn === 'abs') {
        const v = args[0] ? evaluate(args[0], scope) : null;
        return { op: 'lit', value: Math.abs(typeof v === 'number' ? v : Number(v ?? 0)) };
      }
      return { ...e, args };
    }
    case 'get':
      return { ...e, object: foldAbs(e.object, scope) };
    case 'index':
      return { ...e, object: foldAbs(e.object, scope), index: foldAbs(e.index, scope) };
    case 'unary':
      return { ...e, operand: foldAbs(e.operand, scope) };
    case 'binary':
      return { ...e, left: foldAbs(e.left, scope), right: foldAbs(e.right, scope) };
    case 'list':
      return { ...e, items: e.items.map((x) => foldAbs(x, scope)) };
    case 'object':
      return { ...e, entries: e.entries.map((p) => ({ key: p.key, value: foldAbs(p.value, scope) })) };
    case 'template':
      return { ...e, parts: e.parts.map((p) => (typeof p === 'string' ? p : foldAbs(p, scope))) };
    default:
      return e;
  }
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

/**
 * Evaluates one assertion. `nodes` are the graph's node names: reading the output of one that did
 * not run fails the assertion with that reason rather than comparing against `null`.
 */
export function checkAssertion(expr: ExprIR, scope: Scope, nodes: ReadonlySet<string>): AssertionOutcome {
  for (const name of valueRefs(expr)) {
    if (scope.vars.has(name)) continue;
    if (nodes.has(name) && !scope.outputs.has(name)) return { passed: false, reason: `node '${name}' did not run, so it has no output to check` };
  }
  try {
    const e = foldAbs(expr, scope);
    if (evaluate(e, scope) === true) return { passed: true };
    return { passed: false, ...explain(e, scope) };
  } catch (err) {
    return { passed: false, reason: `could not be evaluated: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Why a (sub)expression that should be true is not: the deciding operand, with its values. */
function explain(e: ExprIR, scope: Scope): { reason: string; expected?: string; actual?: string } {
  if (e.op === 'binary') {
    // `guard || check`: both sides were false, and the check is the interesting one.
    if (e.operator === '||') return explain(e.right, scope);
    if (e.operator === '&&') return truthy(evaluate(e.left, scope)) ? explain(e.right, scope) : explain(e.left, scope);
    if (COMPARISONS.has(e.operator)) {
      const left = evaluate(e.left, scope);
      const right = evaluate(e.right, scope);
      const expected = e.operator === '==' ? show(right) : `${e.operator} ${show(right)}`;
      return { reason: `expected ${expected}, got ${show(left)}`, expected, actual: show(left) };
    }
  }
  if (e.op === 'unary' && e.operator === '!') {
    const inner = evaluate(e.operand, scope);
    return { reason: `expected false, got ${show(inner)}`, expected: 'false', actual: show(inner) };
  }
  const v = evaluate(e, scope);
  if (e.op === 'call' && e.fn !== 'visited') {
    const args = e.args.map((a) => show(evaluate(a, scope), 80)).join(', ');
    return { reason: `${e.fn}(${args}) is ${show(v)}`, expected: 'true', actual: `${e.fn}(${args}) = ${show(v)}` };
  }
  if (v !== false) return { reason: `did not evaluate to a boolean (got ${show(v)})`, expected: 'true', actual: show(v) };
  return { reason: 'evaluated to false', expected: 'true', actual: 'false' };
}
