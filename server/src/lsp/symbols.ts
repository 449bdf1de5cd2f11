// Document symbols (the outline) and workspace symbols (Go to Symbol in Workspace). Both work from
// the parse alone, so they answer instantly even while a file is half typed.
//
// The outline: graphs with their budget, properties, edges (`classify → billing when …`) and
// supervisors as children; agents, tools, humans, models and evals; types with their fields (and
// fields of inline objects) as children.

import * as path from 'node:path';
import { SymbolKind, type CancellationToken, type DocumentSymbol, type Range, type SymbolInformation } from 'vscode-languageserver/node';
import type { Decl, Edge, EdgeSource, EdgeTarget, Field, GraphItem, Span, TypeExpr } from '../syntax/ast.ts';
import type { LineIndex } from '../util/line-index.ts';
import { rangeContains, toRange } from './convert.ts';
import { yieldAndCheck } from './safety.ts';
import type { Workspace } from './workspace.ts';

const MAX_LABEL = 60;

/** Source text with runs of whitespace collapsed, cut to `max` characters with an ellipsis. */
function snippet(text: string, span: Span, max = MAX_LABEL): string {
  const s = text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}

function symbol(lines: LineIndex, name: string, kind: SymbolKind, span: Span, selection: Span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol {
  const range = toRange(lines, span.start, span.end);
  let selectionRange = toRange(lines, selection.start, selection.end);
  if (!rangeContains(range, selectionRange)) selectionRange = { start: range.start, end: range.start };
  const s: DocumentSymbol = { name: name || '(unnamed)', kind, range, selectionRange };
  if (detail) s.detail = detail;
  if (children && children.length > 0) s.children = children;
  return s;
}

const DECL_KIND: Record<Exclude<Decl['kind'], 'ImportDecl'>, SymbolKind> = {
  TypeDecl: SymbolKind.Struct,
  ModelDecl: SymbolKind.Interface,
  ToolDecl: SymbolKind.Function,
  AgentDecl: SymbolKind.Class,
  HumanDecl: SymbolKind.Event,
  GraphDecl: SymbolKind.Namespace,
  EvalDecl: SymbolKind.Module,
};

export function documentSymbols(ws: Workspace, uri: string): DocumentSymbol[] | null {
  const doc = ws.getDocument(uri);
  if (!doc) return null;
  const unit = ws.program.getUnit(doc.path);
  if (!unit) return null;
  const text = unit.text;
  const lines = doc.text === text ? doc.lines : ws.linesOf(doc.path)!;
  const out: DocumentSymbol[] = [];
  for (const d of unit.parse.file.decls) {
    const s = declSymbol(d, text, lines);
    if (s) out.push(s);
  }
  return out;
}

function declSymbol(d: Decl, text: string, lines: LineIndex): DocumentSymbol | undefined {
  switch (d.kind) {
    case 'ImportDecl':
      return undefined;
    case 'TypeDecl': {
      const isObject = d.type.kind === 'ObjectType';
      const detail = isObject ? undefined : `= ${snippet(text, d.type)}`;
      return symbol(lines, d.name.text, isObject ? SymbolKind.Struct : SymbolKind.TypeParameter, d, d.name, detail, fieldSymbols(d.type, text, lines));
    }
    case 'ModelDecl': {
      const detail = d.modelId ? `${d.provider.text}(${snippet(text, d.modelId)})` : d.provider.text;
      return symbol(lines, d.name.text, DECL_KIND[d.kind], d, d.name, detail);
    }
    case 'ToolDecl':
    case 'AgentDecl':
    case 'HumanDecl':
      return symbol(lines, d.name.text, DECL_KIND[d.kind], d, d.name, signature(d.params, d.result, text));
    case 'GraphDecl':
      return symbol(lines, d.name.text, DECL_KIND[d.kind], d, d.name, signature(d.params, d.result, text), d.items.map((i) => graphItemSymbol(i, text, lines)).filter((s) => s !== undefined));
    case 'EvalDecl': {
      const children: DocumentSymbol[] = [];
      for (const p of d.props) children.push(symbol(lines, p.key.text, SymbolKind.Property, p, p.key, snippet(text, p.value)));
      for (const a of d.asserts) children.push(symbol(lines, `assert ${snippet(text, a.expr)}`, SymbolKind.Boolean, a, a));
      children.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
      return symbol(lines, d.name.text, DECL_KIND[d.kind], d, d.name, d.graph.missing ? undefined : `for ${d.graph.text}`, children);
    }
  }
}

function signature(params: { start: number; end: number }[], result: TypeExpr, text: string): string {
  const ps = params.map((p) => snippet(text, p, 200)).join(', ');
  const r = result.kind === 'ErrorType' || result.start === result.end ? '' : ` -> ${snippet(text, result, 200)}`;
  const s = `(${ps})${r}`;
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

function fieldSymbols(t: TypeExpr, text: string, lines: LineIndex): DocumentSymbol[] | undefined {
  // Fields of an object, also through `list<{…}>`, `{…}?` and similar wrappers.
  let cur: TypeExpr = t;
  while (cur.kind === 'ListType' || cur.kind === 'MapType' || cur.kind === 'OptionalType') {
    cur = cur.kind === 'ListType' ? cur.element : cur.kind === 'MapType' ? cur.value : cur.inner;
  }
  if (cur.kind !== 'ObjectType') return undefined;
  return cur.fields.filter((f) => !f.name.missing).map((f: Field) => symbol(lines, f.name.text, SymbolKind.Field, f, f.name, `${f.optional ? '?' : ''}${snippet(text, f.type)}`, fieldSymbols(f.type, text, lines)));
}

function graphItemSymbol(item: GraphItem, text: string, lines: LineIndex): DocumentSymbol | undefined {
  switch (item.kind) {
    case 'Budget':
      return symbol(lines, 'budget', SymbolKind.Property, item, item, snippet(text, item).replace(/^budget\s*/, ''));
    case 'Property':
      return symbol(lines, item.key.text, SymbolKind.Property, item, item.key, snippet(text, item.value));
    case 'Edge':
      return symbol(lines, edgeLabel(item, text), SymbolKind.Operator, item, item.source);
    case 'Supervise': {
      const kids = item.children.map((c) => c.name.text).join(', ');
      const name = `supervise ${item.name ? `${item.name.text} ` : ''}[${kids}]`;
      const detail = `${item.strategy.text}${item.escalate ? ` escalate ${item.escalate.name.text}` : ''}`;
      return symbol(lines, name, SymbolKind.Object, item, item.name ?? item, detail);
    }
  }
}

function sourceLabel(s: EdgeSource): string {
  switch (s.kind) {
    case 'StartRef':
      return 'start';
    case 'NodeRef':
      return s.name.text || '?';
    case 'JoinSource':
      return `[${s.nodes.map((n) => n.name.text).join(', ')}]`;
  }
}

function targetLabel(t: EdgeTarget, text: string): string {
  switch (t.kind) {
    case 'EndTarget':
      return 'end';
    case 'FanOut':
      return `[${t.calls.map((c) => c.name.text).join(', ')}]`;
    case 'NodeCall':
      return t.forEach ? `${t.name.text || '?'} for ${t.forEach.variable.text} in ${snippet(text, t.forEach.list, 30)}` : t.name.text || '?';
  }
}

/** `classify → billing when classify.category == "billing"`, `review → end`, `a → b otherwise`. */
export function edgeLabel(e: Edge, text: string): string {
  let s = `${sourceLabel(e.source)} → ${targetLabel(e.target, text)}`;
  if (e.when) s += ` when ${snippet(text, e.when, 40)}`;
  if (e.otherwise) s += ' otherwise';
  if (e.max) s += ` max ${snippet(text, e.max)}`;
  return s;
}

// ------------------------------------------------------------------ workspace symbols

/**
 * Fuzzy match score of `query` against `name` (higher is better), or -1 when the query's
 * characters do not all occur in order. Rewards matches at word starts (after `_`, at a capital)
 * and runs of consecutive characters, like VS Code's own matching.
 */
export function fuzzyScore(query: string, name: string): number {
  if (query.length === 0) return 0;
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  if (n === q) return 1000;
  let score = n.startsWith(q) ? 100 : 0;
  let qi = 0;
  let prevMatch = -2;
  for (let i = 0; i < n.length && qi < q.length; i++) {
    if (n[i] !== q[qi]) continue;
    const wordStart = i === 0 || name[i - 1] === '_' || (name[i]! >= 'A' && name[i]! <= 'Z' && name[i - 1]! >= 'a' && name[i - 1]! <= 'z');
    score += 1 + (wordStart ? 8 : 0) + (prevMatch === i - 1 ? 5 : 0);
    prevMatch = i;
    qi++;
  }
  if (qi < q.length) return -1;
  return score - name.length * 0.1;
}

const WS_KIND: Record<Exclude<Decl['kind'], 'ImportDecl'>, SymbolKind> = DECL_KIND;
const MAX_WORKSPACE_SYMBOLS = 500;

export async function workspaceSymbols(ws: Workspace, query: string, token?: CancellationToken): Promise<SymbolInformation[]> {
  const hits: { score: number; info: SymbolInformation }[] = [];
  let i = 0;
  for (const p of ws.allSpecPaths()) {
    if (++i % 20 === 0) await yieldAndCheck(token);
    const unit = ws.program.getUnit(p);
    if (!unit) continue;
    const lines = ws.linesOf(p);
    if (!lines) continue;
    const uri = ws.pathToUri(p);
    const container = path.basename(p);
    for (const d of unit.parse.file.decls) {
      if (d.kind === 'ImportDecl' || d.name.missing) continue;
      const score = fuzzyScore(query, d.name.text);
      if (score < 0) continue;
      const range: Range = toRange(lines, d.name.start, d.name.end);
      hits.push({ score, info: { name: d.name.text, kind: WS_KIND[d.kind], location: { uri, range }, containerName: container } });
    }
  }
  hits.sort((a, b) => b.score - a.score || a.info.name.localeCompare(b.info.name));
  return hits.slice(0, MAX_WORKSPACE_SYMBOLS).map((h) => h.info);
}
