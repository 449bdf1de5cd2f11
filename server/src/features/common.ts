// Helpers shared by the editor features (completion, hover, signature help, inlay hints, quick
// fixes): rendering signatures and types for people, typing an expression quietly against a
// scope, finding declarations by offset, and small text utilities. Everything works on the
// core's terms (offsets, Analysis); only server/src/lsp converts to protocol types.

import { formatMs, formatUsd, type WorstCase } from '../checks/economics.ts';
import { lookupModel, type ModelProfile } from '../catalog/models.ts';
import type { Analysis } from '../semantics/analyze.ts';
import type { Ctx } from '../semantics/context.ts';
import type { AgentInfo, CallableInfo, ModelInfo, ToolInfo } from '../semantics/declarations.ts';
import { RUN_TYPE } from '../semantics/evals.ts';
import { ExprChecker, tableScope, type Binding, type Scope } from '../semantics/expr-checker.ts';
import type { Sym } from '../semantics/program.ts';
import { TypeResolver } from '../semantics/type-resolver.ts';
import { T, display, displayShort, stripOptional, type FieldTy, type Ty } from '../semantics/types.ts';
import type { Decl, Expr, SourceFile } from '../syntax/ast.ts';
import { parseExpression } from '../syntax/parser.ts';

export interface OffsetRange {
  start: number;
  end: number;
}

/** A copy of the analysis context that reports nothing and records no references. */
export function quietCtx(analysis: Analysis, text?: string): Ctx {
  const ctx = analysis.ctx;
  return {
    ...ctx,
    unit: text === undefined ? ctx.unit : { ...ctx.unit, text },
    refs: [],
    diagnostics: [],
    report: () => {},
  };
}

/** A type resolver that never reports or records references (for types of imported files too). */
export function quietTypes(analysis: Analysis): TypeResolver {
  const r = new TypeResolver(analysis.symbols);
  r.ctx = { ...quietCtx(analysis), file: '\u0000features', types: r };
  return r;
}

/** The type of an expression written as text (e.g. `classify.category`), in a scope. */
export function typeOfText(analysis: Analysis, scope: Scope, exprText: string): Ty {
  const parsed = parseExpression(exprText);
  return new ExprChecker(quietCtx(analysis, exprText), { ...scope, onNodeUse: undefined }).check(parsed.expr);
}

/** The type of an expression node of the analysed file, in a scope. */
export function typeOfExpr(analysis: Analysis, scope: Scope, e: Expr): Ty {
  return new ExprChecker(quietCtx(analysis), { ...scope, onNodeUse: undefined }).check(e);
}

/** The declaration of `file` whose span contains `offset` (or ends exactly there). */
export function declAt(file: SourceFile, offset: number): Decl | undefined {
  const decls = file.decls;
  let lo = 0;
  let hi = decls.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const d = decls[found]!;
  return offset <= d.end ? d : undefined;
}

/** The last declaration starting at or before `offset`. */
export function declBefore(file: SourceFile, offset: number): Decl | undefined {
  const decls = file.decls;
  let lo = 0;
  let hi = decls.length - 1;
  let found: Decl | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.start <= offset) {
      found = decls[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The symbol a declaration of the analysed file introduced (undefined for duplicates). */
export function symOfDecl(analysis: Analysis, d: Decl): Sym | undefined {
  if (d.kind === 'ImportDecl' || d.name.missing) return undefined;
  const s = analysis.symbols.get(d.name.text);
  return s && s.decl === d ? s : undefined;
}

// ------------------------------------------------------------------ rendering

export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** `agent billing(ticket: Ticket, notes: list<string>?) -> Reply` */
export function signatureOf(info: CallableInfo): string {
  return `${info.kind} ${info.sym.name}(${info.params.map((p) => `${p.name}: ${displayShort(p.type)}`).join(', ')}) -> ${displayShort(info.output)}`;
}

/** Parameters and their label offsets inside the signature text, for signature help. */
export function signatureParts(info: CallableInfo): { label: string; params: { name: string; start: number; end: number; type: Ty }[] } {
  let label = `${info.sym.name}(`;
  const params: { name: string; start: number; end: number; type: Ty }[] = [];
  info.params.forEach((p, i) => {
    if (i > 0) label += ', ';
    const text = `${p.name}: ${displayShort(p.type)}`;
    params.push({ name: p.name, start: label.length, end: label.length + text.length, type: p.type });
    label += text;
  });
  label += `) -> ${displayShort(info.output)}`;
  return { label, params };
}

/** A type written out with its fields, one per line, with their doc comments (for hovers). */
export function typeBlock(t: Ty, name?: string): string {
  const s = t;
  if (s.k === 'object') {
    const head = name ?? s.name;
    const lines: string[] = [];
    lines.push(head ? `type ${head} {` : '{');
    for (const f of s.fields) lines.push(...fieldLines(f, '  '));
    lines.push('}');
    return lines.join('\n');
  }
  return name ? `type ${name} = ${display(t)}` : display(t);
}

function fieldLines(f: FieldTy, indent: string): string[] {
  const out: string[] = [];
  if (f.doc) for (const l of f.doc.split('\n')) out.push(`${indent}/// ${l}`.trimEnd());
  out.push(`${indent}${f.name}${f.optional ? '?' : ''}: ${display(f.type, 1)}`);
  return out;
}

/** The named object types a type mentions at its top level (to expand under a signature). */
export function namedObjects(t: Ty, out: Map<string, Ty> = new Map(), depth = 0): Map<string, Ty> {
  if (depth > 3) return out;
  switch (t.k) {
    case 'object':
      if (t.name) out.set(t.name, t);
      break;
    case 'list':
      namedObjects(t.element, out, depth + 1);
      break;
    case 'map':
      namedObjects(t.value, out, depth + 1);
      break;
    case 'optional':
      namedObjects(t.inner, out, depth + 1);
      break;
    case 'union':
      for (const m of t.members) namedObjects(m, out, depth + 1);
      break;
  }
  return out;
}

export function codeBlock(code: string): string {
  return '```agentgraph\n' + code + '\n```';
}

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)}M`;
  if (n >= 1000) return `${Math.round(n / 1000)}k`;
  return String(Math.round(n));
}

/** `$2.50 / $10.00 per 1M tokens` */
export function priceText(p: ModelProfile): string {
  if (p.inputPrice === 0 && p.outputPrice === 0) return 'free (self-hosted)';
  return `$${p.inputPrice.toFixed(2)} in / $${p.outputPrice.toFixed(2)} out per 1M tokens`;
}

export function capabilityText(p: ModelProfile): string {
  return `tools ${p.supportsTools ? '✓' : '✗'} · JSON schema ${p.supportsJsonSchema ? '✓' : '✗'}`;
}

/** A one-line summary of a catalog profile, for completion details. */
export function profileSummary(p: ModelProfile): string {
  return `${priceText(p)} · ${formatTokens(p.contextWindow)} context`;
}

/** A budget amount as written in specs: `$0.10`, `$1.50` (more digits only for tiny amounts). */
export function budgetUsd(usd: number): string {
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : formatUsd(usd);
}

export function worstCaseText(w: WorstCase): string {
  const parts = [formatUsd(w.costUsd), formatMs(w.latencyMs)];
  if (w.calls) parts.push(`${w.calls} call${w.calls === 1 ? '' : 's'}`);
  if (w.tokens) parts.push(`${formatTokens(w.tokens)} tokens`);
  if (w.humanWaitMs) parts.push(`+ up to ${formatMs(w.humanWaitMs)} waiting for a person`);
  return parts.join(' · ');
}

export function modelLine(m: ModelInfo): string {
  return `\`${m.name}\` (${m.provider} \`${m.modelId}\`)`;
}

export function retryText(a: AgentInfo): string {
  if (a.retry.max === 0) return 'no retry';
  const r = a.retry;
  return `${r.max} × ${r.strategy} ${formatMs(r.baseMs)}…${formatMs(r.maxMs)}${r.jitter ? ' with jitter' : ''}`;
}

export function toolEffectText(t: ToolInfo): string {
  return `${t.effect}${t.approve ? `, approved by \`${t.approve.name}\`` : ''}`;
}

/** A catalog profile for a model id, by exact id or undated snapshot. */
export function catalogProfile(id: string): ModelProfile | undefined {
  return lookupModel(id);
}

// ------------------------------------------------------------------ scopes

/** The bindings an `eval`'s assertions see (nodes, graph parameters, output, case, run). */
export function evalScope(analysis: Analysis, evalName: string, graphName: string | undefined): Scope {
  const bindings = new Map<string, Binding>();
  const g = graphName ? analysis.graphOf(graphName)?.model : undefined;
  if (g) {
    for (const n of g.nodes.values()) {
      bindings.set(n.name, { ty: n.mapped ? T.list(n.info.output) : n.info.output, node: { sym: n.info.sym, inputs: n.info.inputTy } });
    }
    for (const p of g.info.params) bindings.set(p.name, { ty: p.type });
    bindings.set('output', { ty: g.info.output });
  }
  bindings.set('case', { ty: analysis.evals.get(evalName)?.caseType ?? T.any });
  bindings.set('run', { ty: RUN_TYPE });
  return tableScope(bindings);
}

/** The parameters of a callable declaration, as a scope (what `{{ }}` templates see). */
export function paramScope(info: CallableInfo | undefined): Scope {
  const table = new Map<string, Binding>();
  for (const p of info?.params ?? []) table.set(p.name, { ty: p.type, ref: { kind: 'param', site: p.site } });
  return tableScope(table);
}

/** Fields of an object type (through `?`), or undefined. */
export function fieldsOf(t: Ty): FieldTy[] | undefined {
  const s = stripOptional(t);
  return s.k === 'object' ? s.fields : undefined;
}

// ------------------------------------------------------------------ text

/** The line break style of a text: the first one it uses, else `\n`. */
export function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) !== 10 && text.charCodeAt(i - 1) !== 13) i--;
  return i;
}

export function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

/** The leading whitespace of the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  const s = lineStartOf(text, offset);
  let e = s;
  while (e < text.length && (text.charCodeAt(e) === 32 || text.charCodeAt(e) === 9)) e++;
  return text.slice(s, e);
}

/** Whether the text between two offsets holds a line break. */
export function hasNewline(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * Where to insert text that should sit right above a declaration: before the `///` doc comment
 * and ordinary comment lines directly above it.
 */
export function startOfLeadingComments(text: string, declStart: number): number {
  let at = lineStartOf(text, declStart);
  for (;;) {
    if (at === 0) return 0;
    const prevEnd = at - 1 - (at >= 2 && text.charCodeAt(at - 2) === 13 && text.charCodeAt(at - 1) === 10 ? 1 : 0);
    const prevStart = lineStartOf(text, prevEnd);
    const line = text.slice(prevStart, prevEnd).trim();
    if (!line.startsWith('//')) return at;
    at = prevStart;
  }
}

export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

export { display, displayShort, formatMs, formatUsd };
