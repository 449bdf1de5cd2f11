// Evaluates IR expressions (edge conditions, arguments, `end` results) and renders prompt
// templates. Evaluation is deliberately forgiving: the checker has already proved the types, so
// at run time a member of a missing value is `null` rather than an exception, which keeps a run
// alive when an optional field is absent (`inputs(review).reply` before `review` ever ran).

import { exprToIR } from '../ir/build.ts';
import type { ExprIR } from '../ir/schema.ts';
import { parseTemplateText } from '../syntax/templates.ts';

/** Variables by name (a Map will do). */
export interface Vars {
  has(name: string): boolean;
  get(name: string): unknown;
}

/** What names in an expression can see. */
export interface Scope {
  /** Graph parameters and (inside fan-out arguments) the loop variable. */
  readonly vars: Vars;
  /** Latest output of every node that has finished. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** Arguments of each node's latest execution. */
  readonly inputs: ReadonlyMap<string, unknown>;
  /** Nodes that have run at least once. */
  readonly visited: ReadonlySet<string>;
}

/** The own properties of an object as variables (no copy). */
class ObjectVars implements Vars {
  constructor(private readonly o: Record<string, unknown>) {}
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.o, name);
  }
  get(name: string): unknown {
    return this.has(name) ? this.o[name] : undefined;
  }
}

/** Variables that shadow others (a fan-out's loop variable over the graph's parameters). */
class LayeredVars implements Vars {
  constructor(
    private readonly top: Vars,
    private readonly below: Vars,
  ) {}
  has(name: string): boolean {
    return this.top.has(name) || this.below.has(name);
  }
  get(name: string): unknown {
    return this.top.has(name) ? this.top.get(name) : this.below.get(name);
  }
}

const NO_VALUES: ReadonlyMap<string, unknown> = new Map();
const NO_NODES: ReadonlySet<string> = new Set();

export function scopeOf(vars: Record<string, unknown>): Scope {
  return { vars: new ObjectVars(vars), outputs: NO_VALUES, inputs: NO_VALUES, visited: NO_NODES };
}

/** A scope extended with extra variables (a fan-out's loop variable). */
export function withVars(scope: Scope, extra: Record<string, unknown>): Scope {
  return { vars: new LayeredVars(new ObjectVars(extra), scope.vars), outputs: scope.outputs, inputs: scope.inputs, visited: scope.visited };
}

export class EvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalError';
  }
}

export function evaluate(e: ExprIR, scope: Scope): unknown {
  switch (e.op) {
    case 'lit':
      return e.value;
    case 'ref':
      if (scope.vars.has(e.name)) return scope.vars.get(e.name);
      if (scope.outputs.has(e.name)) return scope.outputs.get(e.name);
      return null;
    case 'get': {
      const o = evaluate(e.object, scope);
      if (o === null || typeof o !== 'object') return null;
      return (o as Record<string, unknown>)[e.key] ?? null;
    }
    case 'index': {
      const o = evaluate(e.object, scope);
      const i = evaluate(e.index, scope);
      if (Array.isArray(o) && typeof i === 'number') return o[i < 0 ? o.length + i : i] ?? null;
      if (o !== null && typeof o === 'object' && typeof i === 'string') return (o as Record<string, unknown>)[i] ?? null;
      return null;
    }
    case 'call':
      return callBuiltin(e.fn, e.args, scope);
    case 'unary': {
      const v = evaluate(e.operand, scope);
      return e.operator === '!' ? !truthy(v) : -toNumber(v);
    }
    case 'binary':
      return binary(e.operator, e.left, e.right, scope);
    case 'list':
      return e.items.map((x) => evaluate(x, scope));
    case 'object':
      return Object.fromEntries(e.entries.map((p) => [p.key, evaluate(p.value, scope)]));
    case 'template':
      return e.parts.map((p) => (typeof p === 'string' ? p : stringify(evaluate(p, scope)))).join('');
  }
}

export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

function binary(op: string, l: ExprIR, r: ExprIR, scope: Scope): unknown {
  // Short-circuit first, so `x != null && x.y > 0` never evaluates the right side needlessly.
  if (op === '&&') return truthy(evaluate(l, scope)) && truthy(evaluate(r, scope));
  if (op === '||') return truthy(evaluate(l, scope)) || truthy(evaluate(r, scope));
  const a = evaluate(l, scope);
  const b = evaluate(r, scope);
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    case '<':
      return compare(a, b) < 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>':
      return compare(a, b) > 0;
    case '>=':
      return compare(a, b) >= 0;
    case '+':
      if (typeof a === 'string' || typeof b === 'string') return stringify(a) + stringify(b);
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      return toNumber(a) + toNumber(b);
    case '-':
      return toNumber(a) - toNumber(b);
    case '*':
      return toNumber(a) * toNumber(b);
    case '/':
      return toNumber(a) / toNumber(b);
    default:
      throw new EvalError(`unknown operator '${op}'`);
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = toNumber(a);
  const y = toNumber(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // `undefined` and `null` both mean "absent" in specs, so they compare equal.
  if (a == null && b == null) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The name a node-valued argument refers to (`inputs(critic)` takes a node, not its output). */
function nodeName(e: ExprIR | undefined): string | undefined {
  return e?.op === 'ref' ? e.name : undefined;
}

function argOf(args: ExprIR[], i: number, scope: Scope): unknown {
  const e = args[i];
  return e ? evaluate(e, scope) : null;
}

function callBuiltin(fn: string, args: ExprIR[], scope: Scope): unknown {
  switch (fn) {
    case 'inputs': {
      const n = nodeName(args[0]);
      return n ? (scope.inputs.get(n) ?? null) : null;
    }
    case 'visited': {
      const n = nodeName(args[0]);
      return n ? scope.visited.has(n) : false;
    }
    case 'len': {
      const v = argOf(args, 0, scope);
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v && typeof v === 'object') return Object.keys(v).length;
      return 0;
    }
    case 'contains': {
      const h = argOf(args, 0, scope);
      const n = argOf(args, 1, scope);
      if (typeof h === 'string') return h.includes(stringify(n));
      if (Array.isArray(h)) return h.some((x) => deepEqual(x, n));
      if (h && typeof h === 'object' && typeof n === 'string') return Object.prototype.hasOwnProperty.call(h, n);
      return false;
    }
    case 'matches': {
      const text = argOf(args, 0, scope);
      const re = argOf(args, 1, scope);
      if (typeof text !== 'string' || typeof re !== 'string') return false;
      try {
        return new RegExp(re).test(text);
      } catch {
        throw new EvalError(`matches(): invalid regular expression ${JSON.stringify(re)}`);
      }
    }
    case 'approx':
      return Math.abs(toNumber(argOf(args, 0, scope)) - toNumber(argOf(args, 1, scope))) <= toNumber(argOf(args, 2, scope));
    case 'equals':
      return deepEqual(argOf(args, 0, scope), argOf(args, 1, scope));
    case 'abs':
      return Math.abs(toNumber(argOf(args, 0, scope)));
    case 'lower':
      return stringify(argOf(args, 0, scope)).toLowerCase();
    case 'upper':
      return stringify(argOf(args, 0, scope)).toUpperCase();
    default:
      throw new EvalError(`unknown function '${fn}'`);
  }
}

/** Template values: strings as they are, everything else as JSON (null prints as an empty string). */
export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

type Piece = string | ExprIR;
const templateCache = new Map<string, Piece[]>();

/** Parses a prompt template once; literal text keeps `\{{` escapes resolved to `{{`. */
export function compileTemplate(text: string): Piece[] {
  const hit = templateCache.get(text);
  if (hit) return hit;
  const { templates } = parseTemplateText(text);
  const pieces: Piece[] = [];
  let at = 0;
  const literal = (s: string) => {
    if (s) pieces.push(s.replaceAll('\\{{', '{{'));
  };
  for (const t of templates) {
    literal(text.slice(at, t.start));
    pieces.push(exprToIR(t.expr));
    at = t.end;
  }
  literal(text.slice(at));
  if (templateCache.size > 500) templateCache.clear();
  templateCache.set(text, pieces);
  return pieces;
}

/** Renders a prompt: `{{ expr }}` evaluated against the parameters, non-strings JSON-encoded. */
export function renderTemplate(text: string, vars: Record<string, unknown>): string {
  const pieces = compileTemplate(text);
  const scope = scopeOf(vars);
  if (pieces.length === 1) return renderPiece(pieces[0]!, scope);
  const parts: string[] = [];
  for (const p of pieces) parts.push(renderPiece(p, scope));
  return parts.join('');
}

function renderPiece(p: Piece, scope: Scope): string {
  return typeof p === 'string' ? p : stringify(evaluate(p, scope));
}
