// Types the small expression language used in conditions, edge arguments, `end(…)`, templates and
// eval assertions, reporting mistakes against the scope the expression is written in.

import type { Arg, Binary, Call, Expr, ListLit, Member, ObjectLit } from '../syntax/ast.ts';
import type { Ctx, DeclSite, Reference } from './context.ts';
import { refToSym } from './context.ts';
import type { Sym } from './program.ts';
import { didYouMean, quoteList } from './report.ts';
import {
  T,
  assignable,
  display,
  fieldOf,
  isBooleanTy,
  isLoose,
  isNumeric,
  isStringy,
  literalValues,
  stripOptional,
  widen,
  type Ty,
} from './types.ts';

export interface Binding {
  ty: Ty;
  /** What the name refers to, for navigation. */
  ref?: { kind: Reference['kind']; site: DeclSite; sym?: Sym };
  /** Set for node names, so `inputs(node)` and `visited(node)` accept them. */
  node?: { sym: Sym; inputs: Ty };
}

export interface Scope {
  lookup(name: string): Binding | undefined;
  names(): Iterable<string>;
  /** Called for every use of a node's output or inputs, so graphs can check availability. */
  onNodeUse?(name: string, span: { start: number; end: number }): void;
}

/** Describes what is being typed, for messages ("in this condition", "in this template"). */
export type ExprContext = 'condition' | 'argument' | 'result' | 'template' | 'assertion' | 'value';

const BUILTINS = ['inputs', 'len', 'contains', 'matches', 'visited', 'approx', 'lower', 'upper', 'abs', 'equals'];

/**
 * Extra functions a context adds (eval assertions add `judge` and `is_type`): returns the call's
 * type after checking it, or undefined when `name` is not one of them.
 */
export interface ExtraFunctions {
  names: readonly string[];
  check(e: Call, check: (x: Expr) => Ty): Ty | undefined;
}

export class ExprChecker {
  constructor(
    private readonly ctx: Ctx,
    private readonly scope: Scope,
    private readonly extra?: ExtraFunctions,
  ) {}

  check(e: Expr): Ty {
    switch (e.kind) {
      case 'StringLit':
        return T.literal(e.value);
      case 'NumberLit':
        return T.literal(e.value);
      case 'BoolLit':
        return T.literal(e.value);
      case 'NullLit':
        return T.null;
      case 'DurationLit':
        return T.duration;
      case 'MoneyLit':
        return T.money;
      case 'ErrorExpr':
        return T.error;
      case 'Ident':
        return this.ident(e.name, e);
      case 'Member':
        return this.member(e);
      case 'Index': {
        const obj = stripOptional(this.check(e.object));
        const idx = this.check(e.index);
        if (isLoose(obj)) return T.error;
        if (obj.k === 'list') {
          if (!isLoose(idx) && !assignable(idx, T.integer)) this.ctx.report('AG3001', e.index, `A list index must be an integer, not ${display(idx)}.`);
          return T.optional(obj.element);
        }
        if (obj.k === 'map') {
          if (!isLoose(idx) && !isStringy(idx)) this.ctx.report('AG3001', e.index, `A map key must be a string, not ${display(idx)}.`);
          return T.optional(obj.value);
        }
        this.ctx.report('AG3001', e, `Only lists and maps can be indexed; this is ${display(obj)}.`);
        return T.error;
      }
      // Lists and objects are typed in their own methods: their callbacks capture `this`, and a
      // closure anywhere in check() would make V8 allocate a context on every call of it.
      case 'ListLit':
        return this.list(e);
      case 'ObjectLit':
        return this.object(e);
      case 'Unary': {
        const t = this.check(e.operand);
        if (e.op === '!') {
          if (!isLoose(t) && !isBooleanTy(t)) this.ctx.report('AG3005', e.operand, `'!' needs a boolean, but this is ${display(t)}.`);
          return T.boolean;
        }
        if (isLoose(t)) return t;
        const w = widen(stripOptional(t));
        if (isNumeric(t) || w.k === 'money' || w.k === 'duration') return w;
        this.ctx.report('AG3001', e.operand, `Unary '-' needs a number, money or duration, not ${display(t)}.`);
        return T.error;
      }
      case 'Binary':
        return this.binary(e);
      case 'Call':
        return this.call(e);
    }
  }

  private list(e: ListLit): Ty {
    const items = e.items.map((i) => this.check(i));
    if (items.length === 0) return T.list(T.any);
    const widened = items.map(widen);
    const first = widened[0]!;
    return T.list(widened.every((t) => assignable(t, first)) ? first : { k: 'union', members: widened });
  }

  private object(e: ObjectLit): Ty {
    const fields = e.entries.map((p) => ({ name: p.key.text, type: widen(this.check(p.value)), optional: false }));
    return { k: 'object', fields };
  }

  /** Checks an expression that must be boolean (conditions, assertions). */
  condition(e: Expr, what: string): void {
    const t = this.check(e);
    if (!isLoose(t) && !isBooleanTy(t)) {
      this.ctx.report('AG3005', e, `${what} must be true or false, but this is ${display(t)}. Compare it, e.g. \`… == "value"\`.`);
    }
  }

  private ident(name: string, span: { start: number; end: number }): Ty {
    const b = this.scope.lookup(name);
    if (!b) {
      const dym = didYouMean(name, this.scope.names());
      const sym = this.ctx.symbols.get(name);
      const hint = sym ? ` '${name}' is ${/^[aeiou]/.test(sym.kind) ? 'an' : 'a'} ${sym.kind} that is not a node or parameter here.` : '';
      this.ctx.report('AG2001', span, `Unknown name '${name}'.${hint}${dym.text}`, { data: { suggestion: dym.suggestion, name } });
      return T.error;
    }
    if (b.ref) this.ctx.refs.push({ start: span.start, end: span.end, name, kind: b.ref.kind, target: b.ref.site, sym: b.ref.sym });
    if (b.node) this.scope.onNodeUse?.(name, span);
    return b.ty;
  }

  private member(e: Member): Ty {
    const objT = this.check(e.object);
    if (e.property.missing) return T.error;
    if (isLoose(objT)) return objT;
    const base = stripOptional(objT);
    if (base.k !== 'object') {
      this.ctx.report('AG3003', e.property, `${display(objT)} has no fields, so '.${e.property.text}' is not allowed.`);
      return T.error;
    }
    const f = fieldOf(base, e.property.text);
    if (!f) {
      const dym = didYouMean(e.property.text, base.fields.map((x) => x.name));
      this.ctx.report('AG3003', e.property, `${base.name ? `Type '${base.name}'` : 'This object'} has no field '${e.property.text}'.${dym.text || ` Its fields are: ${base.fields.map((x) => x.name).join(', ') || '(none)'}.`}`, {
        data: { suggestion: dym.suggestion, name: e.property.text },
      });
      return T.error;
    }
    if (f.decl) this.ctx.refs.push({ start: e.property.start, end: e.property.end, name: f.name, kind: 'field', target: f.decl });
    const t = f.optional ? T.optional(f.type) : f.type;
    return objT.k === 'optional' ? T.optional(t) : t;
  }

  private binary(e: Binary): Ty {
    const l = this.check(e.left);
    const r = this.check(e.right);
    switch (e.op) {
      case '&&':
      case '||':
        if (!isLoose(l) && !isBooleanTy(l)) this.ctx.report('AG3005', e.left, `'${e.op}' needs booleans on both sides, but this is ${display(l)}.`);
        if (!isLoose(r) && !isBooleanTy(r)) this.ctx.report('AG3005', e.right, `'${e.op}' needs booleans on both sides, but this is ${display(r)}.`);
        return T.boolean;
      case '==':
      case '!=':
        this.equality(e, l, r);
        return T.boolean;
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (isLoose(l) || isLoose(r)) return T.boolean;
        const lk = widen(stripOptional(l)).k;
        const rk = widen(stripOptional(r)).k;
        const ok = (isNumeric(l) && isNumeric(r)) || (lk === rk && (lk === 'money' || lk === 'duration' || lk === 'string'));
        if (!ok) this.ctx.report('AG3001', e, `Cannot order ${display(l)} and ${display(r)} with '${e.op}'; compare numbers with numbers, money with money, durations with durations.`);
        return T.boolean;
      }
      default:
        return this.arithmetic(e, l, r);
    }
  }

  private arithmetic(e: Binary, l: Ty, r: Ty): Ty {
    if (isLoose(l) || isLoose(r)) return T.error;
    const lw = widen(stripOptional(l));
    const rw = widen(stripOptional(r));
    if (isNumeric(l) && isNumeric(r)) return lw.k === 'integer' && rw.k === 'integer' && e.op !== '/' ? T.integer : T.number;
    if (e.op === '+' && isStringy(l) && isStringy(r)) return T.string;
    for (const unit of ['money', 'duration'] as const) {
      if ((e.op === '+' || e.op === '-') && lw.k === unit && rw.k === unit) return lw;
      if ((e.op === '*' || e.op === '/') && lw.k === unit && isNumeric(r)) return lw;
      if (e.op === '*' && isNumeric(l) && rw.k === unit) return rw;
      if (e.op === '/' && lw.k === unit && rw.k === unit) return T.number;
    }
    this.ctx.report('AG3001', e, `Cannot apply '${e.op}' to ${display(l)} and ${display(r)}.`);
    return T.error;
  }

  private equality(e: Binary, l: Ty, r: Ty): void {
    if (isLoose(l) || isLoose(r)) return;
    // A literal compared with a literal union: the classic typo ("biling") is caught here.
    if (this.literalAgainstUnion(e.left, l, e.right, r) || this.literalAgainstUnion(e.right, r, e.left, l)) return;
    const a = stripOptional(l);
    const b = stripOptional(r);
    if (l.k === 'null' || r.k === 'null') return;
    if (assignable(widen(a), widen(b)) || assignable(widen(b), widen(a)) || assignable(a, b) || assignable(b, a)) return;
    if (isNumeric(a) && isNumeric(b)) return;
    this.ctx.report('AG3001', e, `${display(l)} and ${display(r)} can never be equal; compare values of the same type.`);
  }

  /** `subject == lit` where the subject is a literal union: reports a literal outside it. True when this was such a comparison. */
  private literalAgainstUnion(subject: Expr, subjT: Ty, lit: Expr, litT: Ty): boolean {
    if (litT.k !== 'literal' || subjT.k === 'literal') return false;
    const allowed = literalValues(subjT);
    if (!allowed || (subjT.k === 'boolean' || (subjT.k === 'optional' && subjT.inner.k === 'boolean'))) return false;
    if (!allowed.includes(litT.value)) {
      const dym = typeof litT.value === 'string' ? didYouMean(litT.value, allowed.filter((v): v is string => typeof v === 'string')) : { text: '' };
      const subjText = this.ctx.unit.text.slice(subject.start, subject.end);
      this.ctx.report('AG3002', lit, `${quoteList([litT.value])} is not a possible value of ${subjText}; it is one of ${quoteList(allowed)}.${dym.text ? ` Did you mean ${JSON.stringify(dym.suggestion)}?` : ''}`, {
        data: { suggestion: dym.suggestion !== undefined ? JSON.stringify(dym.suggestion) : undefined, allowed },
      });
    }
    return true;
  }

  private call(e: Call): Ty {
    const name = e.callee.text;
    const args = e.args;
    const argT = (i: number): Ty => (args[i] ? this.check(args[i]!.value) : T.error);
    const arity = (n: number, sig: string): boolean => {
      if (args.length !== n) {
        this.ctx.report('AG3008', e, `${name}() takes ${n} argument${n === 1 ? '' : 's'}: ${sig}.`);
        for (const a of args) this.check(a.value);
        return false;
      }
      return true;
    };
    switch (name) {
      case 'inputs':
      case 'visited': {
        if (!arity(1, `${name}(node)`)) return name === 'visited' ? T.boolean : T.error;
        const a = args[0]!.value;
        const b = a.kind === 'Ident' ? this.scope.lookup(a.name) : undefined;
        if (!b?.node) {
          this.ctx.report('AG3008', a, `${name}() takes the name of a node of this graph.`);
          return name === 'visited' ? T.boolean : T.error;
        }
        if (b.ref) this.ctx.refs.push({ start: a.start, end: a.end, name: (a as { name: string }).name, kind: b.ref.kind, target: b.ref.site, sym: b.ref.sym });
        if (name === 'visited') return T.boolean;
        this.scope.onNodeUse?.((a as { name: string }).name, a);
        return b.node.inputs;
      }
      case 'len': {
        if (!arity(1, 'len(list | map | string)')) return T.integer;
        const t = stripOptional(argT(0));
        if (!isLoose(t) && t.k !== 'list' && t.k !== 'map' && !isStringy(t)) this.ctx.report('AG3008', args[0]!, `len() takes a list, a map or a string, not ${display(t)}.`);
        return T.integer;
      }
      case 'contains': {
        if (!arity(2, 'contains(haystack, needle)')) return T.boolean;
        const h = stripOptional(argT(0));
        const n = argT(1);
        if (isLoose(h) || isLoose(n)) return T.boolean;
        if (isStringy(h)) {
          if (!isStringy(n)) this.ctx.report('AG3008', args[1]!, `Looking for ${display(n)} in a string; pass a string.`);
        } else if (h.k === 'list') {
          if (!assignable(n, h.element) && !assignable(widen(n), widen(h.element))) this.ctx.report('AG3008', args[1]!, `This list holds ${display(h.element)}, so it cannot contain ${display(n)}.`);
        } else if (h.k === 'map') {
          if (!isStringy(n)) this.ctx.report('AG3008', args[1]!, 'Map keys are strings; pass a string.');
        } else {
          this.ctx.report('AG3008', args[0]!, `contains() looks in a string, list or map, not ${display(h)}.`);
        }
        return T.boolean;
      }
      case 'matches': {
        if (!arity(2, 'matches(text, "regex")')) return T.boolean;
        const s = argT(0);
        argT(1);
        if (!isLoose(s) && !isStringy(s)) this.ctx.report('AG3008', args[0]!, `matches() tests a string, not ${display(s)}.`);
        const re = args[1]!.value;
        if (re.kind !== 'StringLit') this.ctx.report('AG3008', re, 'The pattern of matches() must be a string literal, so it can be checked here.');
        else {
          try {
            new RegExp(re.value);
          } catch (err) {
            this.ctx.report('AG3008', re, `Invalid regular expression: ${(err as Error).message}.`);
          }
        }
        return T.boolean;
      }
      case 'approx': {
        if (!arity(3, 'approx(actual, expected, tolerance)')) return T.boolean;
        args.forEach((a, i) => {
          const t = argT(i);
          if (!isLoose(t) && !isNumeric(t)) this.ctx.report('AG3008', a, `approx() compares numbers, not ${display(t)}.`);
        });
        return T.boolean;
      }
      case 'lower':
      case 'upper': {
        if (!arity(1, `${name}(text)`)) return T.string;
        const t = argT(0);
        if (!isLoose(t) && !isStringy(t)) this.ctx.report('AG3008', args[0]!, `${name}() takes a string, not ${display(t)}.`);
        return T.string;
      }
      case 'abs': {
        if (!arity(1, 'abs(number)')) return T.number;
        const t = argT(0);
        if (!isLoose(t) && !isNumeric(t)) this.ctx.report('AG3008', args[0]!, `abs() takes a number, not ${display(t)}.`);
        return widen(t);
      }
      case 'equals': {
        if (!arity(2, 'equals(actual, expected)')) return T.boolean;
        const l = argT(0);
        const r = argT(1);
        if (isLoose(l) || isLoose(r) || l.k === 'null' || r.k === 'null') return T.boolean;
        const [a, b] = [widen(stripOptional(l)), widen(stripOptional(r))];
        if (!assignable(a, b) && !assignable(b, a) && !(isNumeric(a) && isNumeric(b))) this.ctx.report('AG3008', e, `equals() compares values of the same type; ${display(l)} and ${display(r)} can never be equal.`);
        return T.boolean;
      }
      default: {
        const extra = this.extra?.names.includes(name) ? this.extra.check(e, (x) => this.check(x)) : undefined;
        if (extra) return extra;
        for (const a of args) this.check(a.value);
        const sym = this.ctx.symbols.get(name);
        const dym = didYouMean(name, [...BUILTINS, ...(this.extra?.names ?? [])]);
        const hint = sym && (sym.kind === 'agent' || sym.kind === 'tool' || sym.kind === 'human' || sym.kind === 'graph')
          ? ` Nodes are called on edges (\`x -> ${name}(…)\`), not inside expressions.`
          : name === 'file' ? ' file("…") is only allowed as a prompt.' : '';
        this.ctx.report('AG3008', e.callee, `Unknown function '${name}'.${hint}${dym.text} Built-in functions: ${[...BUILTINS, ...(this.extra?.names ?? [])].join(', ')}.`);
        return T.error;
      }
    }
  }
}

/** A scope built from a fixed table, chained to an optional parent. */
export function tableScope(table: Map<string, Binding>, parent?: Scope, onNodeUse?: Scope['onNodeUse']): Scope {
  return {
    lookup: (n) => table.get(n) ?? parent?.lookup(n),
    *names() {
      yield* table.keys();
      if (parent) yield* parent.names();
    },
    onNodeUse: onNodeUse ?? parent?.onNodeUse,
  };
}

export function symBinding(ty: Ty, sym: Sym): Binding {
  const r = refToSym(0, 0, sym);
  return { ty, ref: { kind: r.kind, site: r.target, sym } };
}

export type { Arg };
