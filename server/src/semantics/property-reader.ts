// Reading the constant values of a declaration's properties (`temperature: 0.2`, `timeout: 5s`,
// `tools: [a, b]`, `price: { … }`) and validating a property block against its table. Every
// declaration kind reads its properties through these, so the messages for a wrong key or a value
// of the wrong shape are the same everywhere. Diagnostics are reported only for declarations in
// the file under check.
//
// PropertyReader is the base class of PromptReader and Declarations rather than a separate object
// so that the builders call these per-property methods directly, as they did when all of this was
// one class: declarations are read for every file on every check.
import type { Expr, Property, Span } from '../syntax/ast.ts';
import type { Code } from '../diagnostics/codes.ts';
import type { Ctx } from './context.ts';
import { namesOfKind, refToSym } from './context.ts';
import type { Sym, SymbolKind } from './program.ts';
import { PROPERTY_SPECS, type BlockKind, type PropertySpec } from './property-specs.ts';
import { didYouMean } from './report.ts';

/** The required keys of each block kind, in table order (computed once, not per declaration). */
const requiredKeys = new Map<BlockKind, [string, PropertySpec][]>();
function requiredOf(kind: BlockKind): [string, PropertySpec][] {
  let out = requiredKeys.get(kind);
  if (!out) {
    out = Object.entries(PROPERTY_SPECS[kind]).filter(([, spec]) => spec.required);
    requiredKeys.set(kind, out);
  }
  return out;
}

/** Reads and validates the property values of declarations for one analysis. */
export abstract class PropertyReader {
  constructor(protected readonly ctx: Ctx) {}

  /** Reports only for declarations in the file under check. */
  protected report(sym: Sym, code: Code, span: Span, message: string, data?: Record<string, unknown>): void {
    if (sym.file === this.ctx.file) this.ctx.report(code, span, message, data ? { data } : undefined);
  }

  private ref(sym: Sym, span: Span, target: Sym): void {
    if (sym.file === this.ctx.file) this.ctx.refs.push(refToSym(span.start, span.end, target));
  }

  /** Validates a property block's keys against its table: unknown, duplicate, missing required. */
  protected props(sym: Sym, kind: BlockKind, props: Property[], ownerSpan: Span): Props {
    const table = PROPERTY_SPECS[kind];
    const out = new Props(props.length);
    for (const p of props) {
      const key = p.key.text;
      if (p.key.missing) continue;
      if (!table[key]) {
        const dym = didYouMean(key, Object.keys(table));
        this.report(sym, 'AG2007', p.key, `'${key}' is not a property of ${article(kind)} ${kind}.${dym.text || ` Known properties: ${Object.keys(table).join(', ')}.`}`, { suggestion: dym.suggestion });
        continue;
      }
      if (out.has(key)) {
        this.report(sym, 'AG2011', p.key, `'${key}' is set twice; remove one of them.`);
        continue;
      }
      out.add(p);
    }
    for (const [key, spec] of requiredOf(kind)) {
      if (!out.has(key)) {
        this.report(sym, 'AG2008', ownerSpan, `${capital(kind)} '${sym.name}' needs a '${key}' property: ${spec.doc}`, { property: key });
      }
    }
    return out;
  }

  // ------------------------------------------------------------ constant values

  protected num(sym: Sym, p: Property | undefined, spec: PropertySpec | undefined): number | undefined {
    if (!p) return undefined;
    return this.numValue(sym, p.value, p.key.text, spec);
  }

  protected numValue(sym: Sym, v: Expr, key: string, spec: PropertySpec | undefined): number | undefined {
    let n: number | undefined;
    if (v.kind === 'NumberLit') n = v.value;
    else if (v.kind === 'Unary' && v.op === '-' && v.operand.kind === 'NumberLit') n = -v.operand.value;
    if (n === undefined) {
      if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes a number${spec?.kind === 'integer' ? ' (a whole number)' : ''}.`);
      return undefined;
    }
    if (spec?.kind === 'integer' && !Number.isInteger(n)) {
      this.report(sym, 'AG2010', v, `'${key}' takes a whole number.`);
      return undefined;
    }
    if ((spec?.min !== undefined && n < spec.min) || (spec?.max !== undefined && n > spec.max)) {
      this.report(sym, 'AG2010', v, `'${key}' must be between ${spec?.min ?? '-∞'} and ${spec?.max ?? '∞'}; it is ${n}.`);
      return undefined;
    }
    return n;
  }

  protected str(sym: Sym, p: Property | undefined): string | undefined {
    if (!p) return undefined;
    if (p.value.kind === 'StringLit') return p.value.value;
    if (p.value.kind !== 'ErrorExpr') this.report(sym, 'AG2010', p.value, `'${p.key.text}' takes a string in double quotes.`);
    return undefined;
  }

  protected duration(sym: Sym, v: Expr | undefined, key: string): number | undefined {
    if (!v) return undefined;
    if (v.kind === 'DurationLit') return v.ms;
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes a duration such as 500ms, 5s, 2m, 4h or 1d.`);
    return undefined;
  }

  protected money(sym: Sym, v: Expr | undefined, key: string): number | undefined {
    if (!v) return undefined;
    if (v.kind === 'MoneyLit') return v.usd;
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes an amount in dollars such as $0.10.`);
    return undefined;
  }

  protected bool(sym: Sym, v: Expr | undefined, key: string): boolean | undefined {
    if (!v) return undefined;
    if (v.kind === 'BoolLit') return v.value;
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes true or false.`);
    return undefined;
  }

  /** An identifier naming a declaration of one of `kinds`. */
  protected symRef(sym: Sym, v: Expr, kinds: SymbolKind[], key: string): Sym | undefined {
    if (v.kind !== 'Ident') {
      if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes the name of ${kinds.map((k) => `${article(k)} ${k}`).join(' or ')}.`);
      return undefined;
    }
    const target = this.ctx.symbols.get(v.name);
    if (!target) {
      // (A helper rather than a callback capturing `kinds`: a capturing closure would make every
      // call of this method allocate a context, not just the failing ones.)
      const cands = namesOfKind(this.ctx, kinds);
      const dym = didYouMean(v.name, cands);
      this.report(sym, 'AG2001', v, `Unknown ${kinds.join(' or ')} '${v.name}'.${dym.text || (cands.length ? ` Declared: ${cands.slice(0, 8).join(', ')}.` : ` Declare it with \`${kinds[0]} ${v.name} …\`.`)}`, {
        suggestion: dym.suggestion,
        create: kinds[0],
        name: v.name,
      });
      return undefined;
    }
    this.ref(sym, v, target);
    if (!kinds.includes(target.kind)) {
      this.report(sym, 'AG2009', v, `'${v.name}' is ${article(target.kind)} ${target.kind}, but '${key}' needs ${kinds.map((k) => `${article(k)} ${k}`).join(' or ')}.`);
      return undefined;
    }
    return target;
  }

  protected symList(sym: Sym, p: Property | undefined, kinds: SymbolKind[]): Sym[] {
    if (!p) return [];
    const v = p.value;
    const items = v.kind === 'ListLit' ? v.items : v.kind === 'Ident' ? [v] : undefined;
    if (!items) {
      if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${p.key.text}' takes a list of ${kinds[0]} names, e.g. [a, b].`);
      return [];
    }
    const out: Sym[] = [];
    for (const it of items) {
      const s = this.symRef(sym, it, kinds, p.key.text);
      if (s) {
        if (out.includes(s)) this.report(sym, 'AG2011', it, `'${s.name}' is listed twice.`);
        else out.push(s);
      }
    }
    return out;
  }

  /** `{ key: value }` objects validated against a nested table. */
  protected objectProps(sym: Sym, p: Property | undefined, spec: PropertySpec): Map<string, Expr> {
    const out = new Map<string, Expr>();
    if (!p) return out;
    if (p.value.kind !== 'ObjectLit') {
      if (p.value.kind !== 'ErrorExpr') this.report(sym, 'AG2010', p.value, `'${p.key.text}' takes an object: { ${Object.keys(spec.keys ?? {}).join(', ')} }.`);
      return out;
    }
    for (const e of p.value.entries) {
      if (!spec.keys?.[e.key.text]) {
        const dym = didYouMean(e.key.text, Object.keys(spec.keys ?? {}));
        this.report(sym, 'AG2007', e.key, `'${e.key.text}' is not a key of '${p.key.text}'.${dym.text || ` Keys: ${Object.keys(spec.keys ?? {}).join(', ')}.`}`, { suggestion: dym.suggestion });
        continue;
      }
      out.set(e.key.text, e.value);
    }
    return out;
  }
}

/**
 * A declaration's accepted properties, in order. Blocks hold a handful, so a list with scans is
 * cheaper to build than a Map, and every declaration builds one.
 */
export class Props {
  private readonly list: Property[];
  private count = 0;

  /** `capacity`: how many properties the block has, the most that can be accepted. */
  constructor(capacity: number) {
    this.list = new Array<Property>(capacity);
  }

  add(p: Property): void {
    this.list[this.count++] = p;
  }

  get(key: string): Property | undefined {
    for (let i = 0; i < this.count; i++) if (this.list[i]!.key.text === key) return this.list[i];
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

export function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
