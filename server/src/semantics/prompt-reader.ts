// Reading prompts: an inline string or `file("…")`, with its `{{ }}` templates type-checked
// against the declaration's parameters, and its literal size and reference types measured for the
// worst-case token estimate. Agents (prompt and system) and humans read their prompts here.
// Template mistakes are reported with the template code (AG3006) so they stand out; those in a
// prompt file are reported at its file("…") argument, naming the line.
import * as path from 'node:path';
import type { Expr, Property, StringLit } from '../syntax/ast.ts';
import { parseTemplateText } from '../syntax/templates.ts';
import type { Ctx } from './context.ts';
import { quietCtx } from './context.ts';
import type { ParamInfo, PromptInfo } from './declaration-info.ts';
import { ExprChecker, type Binding, type Scope } from './expr-checker.ts';
import type { Sym } from './program.ts';
import { PropertyReader } from './property-reader.ts';
import { didYouMean } from './report.ts';
import { T, type Ty } from './types.ts';

/** Reads the prompts of declarations; Declarations extends it (see PropertyReader on why). */
export abstract class PromptReader extends PropertyReader {
  /** A prompt string or file("…"): templates are type-checked against the parameters. */
  protected prompt(sym: Sym, p: Property | undefined, scope: Scope): PromptInfo | undefined {
    if (!p) return undefined;
    const v = p.value;
    if (v.kind === 'StringLit') {
      const refTypes = this.templates(v, scope, sym.file === this.ctx.file);
      const refChars = v.templates.reduce((n, t) => n + (t.expr.end - t.expr.start) + 4, 0);
      return { text: v.value, source: 'inline', literalChars: Math.max(0, v.value.length - refChars), refTypes };
    }
    if (v.kind === 'Call' && v.callee.text === 'file') {
      const arg = v.args[0]?.value;
      if (v.args.length !== 1 || arg?.kind !== 'StringLit') {
        this.report(sym, 'AG2010', v, 'file() takes one path in double quotes, relative to this spec: file("prompts/x.md").');
        return undefined;
      }
      const abs = path.resolve(path.dirname(sym.file), arg.value);
      if (!this.ctx.program.isInsideRoot(abs)) {
        this.report(sym, 'AG2005', arg, `Prompt file "${arg.value}" is outside the workspace; keep prompts inside it.`);
        return undefined;
      }
      const text = this.ctx.program.host.readFile(abs);
      if (text === undefined) {
        this.report(sym, 'AG2006', arg, `Prompt file "${arg.value}" does not exist. Create it, or fix the path (relative to this spec).`, { path: abs });
        return { text: '', source: 'file', path: abs, literalChars: 0, refTypes: [] };
      }
      if (sym.file === this.ctx.file) this.fileTemplates(text, arg, scope);
      return { text, source: 'file', path: abs, ...this.measure(text, parseTemplateText(text).templates.map((t) => t.expr), scope, text) };
    }
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${p.key.text}' takes a string ("…" or """…""") or file("path").`);
    return undefined;
  }

  /** Literal size and reference types of a prompt, for the worst-case token estimate. */
  private measure(text: string, refs: Expr[], scope: Scope, source?: string): { literalChars: number; refTypes: Ty[] } {
    // Typed silently: mistakes are reported by the template checks, once.
    const quiet: Ctx = { ...this.ctx, report: () => {}, refs: [], unit: source === undefined ? this.ctx.unit : { ...this.ctx.unit, text: source } };
    const checker = new ExprChecker(quiet, scope);
    const refTypes = refs.map((e) => checker.check(e));
    const refChars = refs.reduce((n, e) => n + (e.end - e.start) + 4, 0);
    return { literalChars: Math.max(0, text.length - refChars), refTypes };
  }

  /**
   * Types `{{ }}` references (their types size the worst-case prompt) and, when `report` is set,
   * reports their mistakes with the template code so they stand out.
   */
  private templates(s: StringLit, scope: Scope, report: boolean): Ty[] {
    if (s.templates.length === 0) return [];
    if (!report) return this.quietTemplates(s, scope);
    const types: Ty[] = new Array<Ty>(s.templates.length); // Exact size: kept for the analysis.
    const checker = new ExprChecker(this.ctx, scope);
    for (let i = 0; i < s.templates.length; i++) {
      const t = s.templates[i]!;
      const before = this.ctx.diagnostics.length;
      types[i] = checker.check(t.expr);
      if (this.ctx.diagnostics.length === before) continue; // The common case: nothing to rewrite.
      const written = this.ctx.unit.text.slice(t.expr.start, t.expr.end);
      for (let k = before; k < this.ctx.diagnostics.length; k++) {
        const d = this.ctx.diagnostics[k]!;
        if (d.code === 'AG2001' || d.code === 'AG3003') {
          d.code = 'AG3006';
          d.message = `In template {{ ${written} }}: ${d.message}`;
        }
      }
    }
    return types;
  }

  /** Types the templates of a declaration in another file: their mistakes are reported there. */
  private quietTemplates(s: StringLit, scope: Scope): Ty[] {
    const checker = new ExprChecker(quietCtx(this.ctx), scope);
    return s.templates.map((t) => checker.check(t.expr));
  }

  /** Templates in a prompt file are reported at the file("…") argument, naming the line. */
  private fileTemplates(text: string, at: StringLit, scope: Scope): void {
    const parsed = parseTemplateText(text);
    const names = [...scope.names()];
    for (const d of parsed.diagnostics) {
      this.ctx.report('AG3006', at, `In ${at.value}, line ${lineOf(text, d.start)}: ${d.message}`);
    }
    for (const t of parsed.templates) {
      const e = t.expr;
      // Only the reference path is checked: a prompt file is prose, its expressions are names.
      const root = rootName(e);
      if (root && !scope.lookup(root.name)) {
        const dym = didYouMean(root.name, names);
        this.ctx.report('AG3006', at, `In ${at.value}, line ${lineOf(text, e.start)}: {{ ${text.slice(e.start, e.end)} }} refers to '${root.name}', which is not a parameter.${dym.text} Parameters: ${names.join(', ') || '(none)'}.`);
        continue;
      }
      const field = badField(e, scope);
      if (field) this.ctx.report('AG3006', at, `In ${at.value}, line ${lineOf(text, e.start)}: {{ ${text.slice(e.start, e.end)} }}: ${field}`);
    }
  }
}

/**
 * The parameters of a declaration as an expression scope, for its prompts. A class over the
 * parameter list rather than a Map and closures: every agent makes one.
 */
class ParamScope implements Scope {
  private readonly bindings: Binding[];

  constructor(private readonly params: readonly ParamInfo[]) {
    this.bindings = params.map((p) => ({ ty: p.type, ref: { kind: 'param', site: p.site } }));
  }

  lookup(name: string): Binding | undefined {
    // Parameter names are unique (signature() drops duplicates), so the first match is the one.
    for (let i = 0; i < this.params.length; i++) if (this.params[i]!.name === name) return this.bindings[i];
    return undefined;
  }

  *names(): Iterable<string> {
    for (const p of this.params) yield p.name;
  }
}

export function paramScope(params: ParamInfo[]): Scope {
  return new ParamScope(params);
}

function rootName(e: Expr): { name: string } | undefined {
  if (e.kind === 'Ident') return e;
  if (e.kind === 'Member') return rootName(e.object);
  if (e.kind === 'Index') return rootName(e.object);
  return undefined;
}

/** Walks `a.b.c` through the types and describes the first missing field. */
function badField(e: Expr, scope: Scope): string | undefined {
  const chain: string[] = [];
  let cur: Expr = e;
  while (cur.kind === 'Member') {
    chain.unshift(cur.property.text);
    cur = cur.object;
  }
  if (cur.kind !== 'Ident') return undefined;
  let t: Ty = scope.lookup(cur.name)?.ty ?? T.any;
  for (const name of chain) {
    const s = t.k === 'optional' ? t.inner : t;
    if (s.k !== 'object') return undefined;
    const f = s.fields.find((x) => x.name === name);
    if (!f) {
      const dym = didYouMean(name, s.fields.map((x) => x.name));
      return `${s.name ? `type '${s.name}'` : 'this object'} has no field '${name}'.${dym.text}`;
    }
    t = f.type;
  }
  return undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
