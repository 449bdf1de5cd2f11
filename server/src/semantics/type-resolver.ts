// Turns type expressions into semantic types, resolving names through the symbol table. Named
// object types are created before their fields are filled, so a type may refer to itself through a
// field (a tree of comments, say); an alias that expands to itself is reported instead.

import type { ObjectType, TypeDecl, TypeExpr } from '../syntax/ast.ts';
import { refToSym, type Ctx } from './context.ts';
import type { Sym } from './program.ts';
import { didYouMean } from './report.ts';
import { T, type FieldTy, type Ty } from './types.ts';

export class TypeResolver {
  private readonly declTypes = new Map<TypeDecl, Ty>();
  private readonly inProgress = new Set<TypeDecl>();
  // A Map, not a WeakMap: the resolver lives for one analysis, and weak tables cost the GC extra.
  private readonly exprTypes = new Map<TypeExpr, Ty>();
  /** False while resolving for resolveOnce: nothing is remembered in exprTypes then. */
  private remember = true;
  /** Set by the analysis once the Ctx exists (the two refer to each other). */
  ctx!: Ctx;

  constructor(private readonly symbols: Map<string, Sym>) {}

  /** The type a `type` declaration defines. */
  ofDecl(sym: Sym): Ty {
    const decl = sym.decl as TypeDecl;
    const done = this.declTypes.get(decl);
    if (done) return done;
    if (this.inProgress.has(decl)) {
      if (sym.file === this.ctx.file) {
        this.ctx.report('AG3009', decl.name, `Type '${decl.name.text}' is defined in terms of itself. Wrap the recursion in an object field, e.g. \`{ children: list<${decl.name.text}> }\`.`);
      }
      return T.error;
    }
    if (decl.type.kind === 'ObjectType') {
      // Register the object before resolving fields so self-references through fields terminate.
      const obj: Ty & { k: 'object' } = { k: 'object', fields: [], name: decl.name.text, doc: decl.doc };
      this.declTypes.set(decl, obj);
      obj.fields = this.fields(decl.type, sym.file);
      return obj;
    }
    this.inProgress.add(decl);
    const t = this.resolve(decl.type, sym.file);
    this.inProgress.delete(decl);
    this.declTypes.set(decl, t);
    return t;
  }

  /** Resolves a type expression written in `file`. Diagnostics are kept only for the file under check. */
  resolve(te: TypeExpr, file: string): Ty {
    // A primitive is a shared constant with nothing to report: no need to remember it.
    if (te.kind === 'PrimitiveType') return T[te.name];
    if (!this.remember) return this.compute(te, file);
    const cached = this.exprTypes.get(te);
    if (cached) return cached;
    const t = this.compute(te, file);
    this.exprTypes.set(te, t);
    return t;
  }

  /**
   * Resolves a type expression that is resolved only once per analysis, without remembering it or
   * its parts. Remembering exists so that resolving again reports nothing twice and records no
   * reference twice; for the parameter types of thousands of agents the table costs more than it
   * saves. The caller guarantees the "once" (Declarations keeps each signature).
   */
  resolveOnce(te: TypeExpr, file: string): Ty {
    const prev = this.remember;
    this.remember = false;
    try {
      return this.resolve(te, file);
    } finally {
      this.remember = prev;
    }
  }

  private compute(te: TypeExpr, file: string): Ty {
    switch (te.kind) {
      case 'PrimitiveType':
        return T[te.name];
      case 'LiteralType':
        return T.literal(te.value);
      case 'ListType':
        return T.list(this.resolve(te.element, file));
      case 'MapType':
        return { k: 'map', value: this.resolve(te.value, file) };
      case 'OptionalType':
        return T.optional(this.resolve(te.inner, file));
      case 'UnionType': {
        const members: Ty[] = [];
        for (const m of te.members) {
          const r = this.resolve(m, file);
          if (r.k === 'union') members.push(...r.members);
          else members.push(r);
        }
        return members.length === 1 ? members[0]! : { k: 'union', members };
      }
      case 'ObjectType':
        return { k: 'object', fields: this.fields(te, file) };
      case 'NamedType': {
        const name = te.name.text;
        if (te.name.missing) return T.error;
        const sym = this.symbols.get(name);
        const here = file === this.ctx.file;
        if (!sym || sym.kind !== 'type') {
          if (here) {
            if (sym) {
              this.ctx.report('AG2009', te.name, `'${name}' is ${sym.kind === 'agent' ? 'an' : 'a'} ${sym.kind}, not a type. Use a type name, or one of string, number, integer, boolean.`);
            } else {
              const types = [...this.symbols.values()].filter((s) => s.kind === 'type').map((s) => s.name);
              const dym = didYouMean(name, [...types, 'string', 'number', 'integer', 'boolean']);
              this.ctx.report('AG2001', te.name, `Unknown type '${name}'.${dym.text || ' Declare it with `type ' + name + ' { … }`.'}`, {
                data: { suggestion: dym.suggestion, create: 'type', name },
              });
            }
          }
          return T.error;
        }
        if (here) this.ctx.refs.push(refToSym(te.name.start, te.name.end, sym));
        return this.ofDecl(sym);
      }
      case 'ErrorType':
        return T.error;
    }
  }

  private fields(obj: ObjectType, file: string): FieldTy[] {
    const out: FieldTy[] = [];
    const seen = new Set<string>();
    for (const f of obj.fields) {
      if (f.name.missing) continue;
      if (seen.has(f.name.text)) {
        if (file === this.ctx.file) this.ctx.report('AG2002', f.name, `Field '${f.name.text}' is declared twice in this object. Remove or rename one.`);
        continue;
      }
      seen.add(f.name.text);
      out.push({
        name: f.name.text,
        type: this.resolve(f.type, file),
        optional: f.optional,
        doc: f.doc,
        decl: { file, start: f.name.start, end: f.name.end },
      });
    }
    return out;
  }
}
