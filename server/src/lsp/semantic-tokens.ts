// Semantic tokens: colours that follow meaning rather than spelling. Names are classified by what
// the checker resolved them to (an agent is a class, a tool a function, a model an interface, a
// human an event, a graph a namespace, a field a property, a parameter a parameter, a loop
// variable a variable), falling back on their place in the tree (property keys, parameter and
// field declarations, built-ins). Everything else comes from the lexer: keywords (only where a
// word is used as one: `model: fast` keeps `model` a property), strings, numbers and operators.
// Inside prompt strings, each `{{ … }}` template reference is a `macro` token.

import type { SemanticTokens, SemanticTokensLegend, Range } from 'vscode-languageserver/node';
import type { Analysis } from '../semantics/analyze.ts';
import type { Reference } from '../semantics/context.ts';
import type { SourceFile, StringLit } from '../syntax/ast.ts';
import { DiagSink } from '../syntax/diag-sink.ts';
import { lex } from '../syntax/token-list.ts';
import { Kw, Tok } from '../syntax/tokens.ts';
import { walk } from '../syntax/walk.ts';
import type { LineIndex } from '../util/line-index.ts';
import { fromRange } from './convert.ts';
import type { Workspace } from './workspace.ts';

export const TOKEN_TYPES = ['type', 'class', 'function', 'interface', 'event', 'namespace', 'parameter', 'property', 'variable', 'keyword', 'string', 'number', 'operator', 'macro'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'definition', 'readonly', 'defaultLibrary'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const TYPE_INDEX = new Map<TokenType, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const MOD_BIT = new Map<TokenModifier, number>(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i]));

/** A classified range of the text; `type` indexes TOKEN_TYPES, `mods` is a TOKEN_MODIFIERS bit set. */
export interface Token {
  start: number;
  end: number;
  type: number;
  mods: number;
}

const T_STRING = TYPE_INDEX.get('string')!;
const T_MACRO = TYPE_INDEX.get('macro')!;
const T_KEYWORD = TYPE_INDEX.get('keyword')!;
const T_NUMBER = TYPE_INDEX.get('number')!;
const T_OPERATOR = TYPE_INDEX.get('operator')!;
// Token kinds as plain numbers: the hot loop below compares each token against them.
const K_IDENT: number = Tok.Ident;
const K_NUMBER: number = Tok.Number;
const K_DURATION: number = Tok.Duration;
const K_MONEY: number = Tok.Money;
const K_STRING: number = Tok.String;
const K_TRIPLE: number = Tok.TripleString;
const KW_NONE: number = Kw.None;

const KIND_TYPE: Record<Reference['kind'], TokenType> = {
  type: 'type',
  agent: 'class',
  tool: 'function',
  model: 'interface',
  human: 'event',
  graph: 'namespace',
  eval: 'namespace',
  field: 'property',
  param: 'parameter',
};

const IS_OPERATOR = new Uint8Array(256);
for (const k of [
  Tok.Arrow, Tok.EqEq, Tok.BangEq, Tok.Bang, Tok.Lt, Tok.LtEq, Tok.Gt, Tok.GtEq, Tok.Plus, Tok.Minus, Tok.Star, Tok.Slash,
  Tok.AndAnd, Tok.OrOr, Tok.Pipe, Tok.Eq, Tok.Question,
]) IS_OPERATOR[k] = 1;
const EVAL_NAMES = new Set(['case', 'output', 'run']);

/** Classified tokens of a file, sorted, not overlapping. */
export function computeTokens(text: string, file: SourceFile, analysis: Analysis | undefined, path: string): Token[] {
  /** Classification of words by start offset. */
  const words = new Map<number, Token>();
  /** Starts of every name position in the tree (a keyword spelled there is a name). */
  const namePositions = new Set<number>();
  const strings = new Map<number, StringLit>();
  /** Offsets of `<` and `>` that bracket `list<…>` / `map<…>` rather than compare. */
  const brackets = new Set<number>();
  const loopVars = new Set<number>();

  const word = (start: number, end: number, type: TokenType, ...modifiers: TokenModifier[]) => {
    if (end <= start || words.has(start)) return;
    let mods = 0;
    for (const m of modifiers) mods |= MOD_BIT.get(m)!;
    words.set(start, { start, end, type: TYPE_INDEX.get(type)!, mods });
  };

  const refStarts = new Set((analysis?.refs ?? []).map((r) => r.start));
  walk(file, (n) => {
    switch (n.kind) {
      case 'Name':
        namePositions.add(n.start);
        break;
      case 'Ident':
        namePositions.add(n.start);
        if (EVAL_NAMES.has(n.name) && !refStarts.has(n.start)) word(n.start, n.end, 'variable', 'readonly', 'defaultLibrary');
        break;
      case 'StringLit':
        strings.set(n.start, n);
        break;
      case 'ForEach':
        loopVars.add(n.variable.start);
        break;
      case 'ListType':
      case 'MapType': {
        const kw = n.kind === 'ListType' ? 4 : 3;
        word(n.start, n.start + kw, 'type', 'defaultLibrary');
        const lt = text.indexOf('<', n.start + kw);
        if (lt >= 0 && lt < n.end) brackets.add(lt);
        if (text.charCodeAt(n.end - 1) === 62) brackets.add(n.end - 1);
        break;
      }
      case 'PrimitiveType':
        word(n.start, n.end, 'type', 'defaultLibrary');
        break;
      default:
        break;
    }
  });

  // Resolved names first: they know what a name means.
  for (const r of analysis?.refs ?? []) {
    let type = KIND_TYPE[r.kind];
    if (r.kind === 'param' && r.target.file === path && loopVars.has(r.target.start)) type = 'variable';
    const mods: TokenModifier[] = [];
    if (r.isDecl || (r.target.file === path && r.target.start === r.start)) mods.push('declaration');
    if (r.kind === 'field' || r.kind === 'param') mods.push('readonly');
    word(r.start, r.end, type, ...mods);
  }

  // Then names by their place in the tree.
  walk(file, (n) => {
    switch (n.kind) {
      case 'Param':
        word(n.name.start, n.name.end, 'parameter', 'declaration', 'readonly');
        break;
      case 'Field':
        word(n.name.start, n.name.end, 'property', 'declaration', 'readonly');
        break;
      case 'ForEach':
        word(n.variable.start, n.variable.end, 'variable', 'declaration', 'readonly');
        break;
      case 'Property':
        word(n.key.start, n.key.end, 'property');
        break;
      case 'Arg':
        if (n.name) word(n.name.start, n.name.end, 'parameter');
        break;
      case 'Call':
        word(n.callee.start, n.callee.end, 'function', 'defaultLibrary');
        break;
      case 'Backoff':
        word(n.strategy.start, n.strategy.end, 'function', 'defaultLibrary');
        break;
      case 'Supervise':
        if (n.name) word(n.name.start, n.name.end, 'variable', 'declaration');
        word(n.strategy.start, n.strategy.end, 'function', 'defaultLibrary');
        break;
      case 'ModelDecl':
        word(n.provider.start, n.provider.end, 'function', 'defaultLibrary');
        break;
      default:
        break;
    }
    // Declaration names the checker skipped (duplicates): still declarations.
    const declType = DECL_TYPE[n.kind];
    if (declType && 'name' in n && typeof n.name === 'object') word(n.name.start, n.name.end, declType, 'declaration');
    return undefined;
  });

  const out: Token[] = [];
  const ts = lex(text, new DiagSink());
  const kinds = ts.kinds;
  for (let i = 0; i < ts.count; i++) {
    const kind: number = kinds[i]!;
    const start = ts.starts[i]!;
    const end = ts.ends[i]!;
    if (kind === K_IDENT) {
      const w = words.get(start);
      if (w) out.push(w);
      else if (ts.subs[i] !== KW_NONE && !namePositions.has(start)) out.push({ start, end, type: T_KEYWORD, mods: 0 });
    } else if (kind === K_NUMBER || kind === K_DURATION || kind === K_MONEY) {
      out.push({ start, end, type: T_NUMBER, mods: 0 });
    } else if (kind === K_STRING || kind === K_TRIPLE) {
      let at = start;
      for (const t of strings.get(start)?.templates ?? []) {
        if (t.start < at || t.end > end) continue;
        if (t.start > at) out.push({ start: at, end: t.start, type: T_STRING, mods: 0 });
        out.push({ start: t.start, end: t.end, type: T_MACRO, mods: 0 });
        at = t.end;
      }
      if (end > at) out.push({ start: at, end, type: T_STRING, mods: 0 });
    } else if (IS_OPERATOR[kind] === 1 && !brackets.has(start)) {
      out.push({ start, end, type: T_OPERATOR, mods: 0 });
    }
  }
  return out;
}

const DECL_TYPE: Partial<Record<string, TokenType>> = {
  TypeDecl: 'type',
  ModelDecl: 'interface',
  ToolDecl: 'function',
  AgentDecl: 'class',
  HumanDecl: 'event',
  GraphDecl: 'namespace',
  EvalDecl: 'namespace',
};

/** Encodes tokens in the protocol's relative form, splitting multi-line tokens per line. */
export function encodeTokens(tokens: readonly Token[], text: string, lines: LineIndex, from = 0, to = Number.MAX_SAFE_INTEGER): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  // Tokens come in order, so the line of each start is found by walking forward, not searching.
  let line = 0;
  let nextLineStart = lines.lineCount > 1 ? lines.lineStart(1) : Number.MAX_SAFE_INTEGER;
  const emit = (start: number, end: number, type: number, mods: number) => {
    if (start >= nextLineStart) {
      const p = lines.positionAt(start);
      line = p.line;
      nextLineStart = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : Number.MAX_SAFE_INTEGER;
    }
    const character = start - lines.lineStart(line);
    data.push(line - prevLine, line === prevLine ? character - prevChar : character, end - start, type, mods);
    prevLine = line;
    prevChar = character;
  };
  let lastEnd = 0;
  for (const t of tokens) {
    if (t.end <= from || t.start >= to || t.start < lastEnd) continue;
    lastEnd = t.end;
    // Only strings and templates can span lines; a token may not, so split them at line breaks.
    if (t.type !== T_STRING && t.type !== T_MACRO) {
      emit(t.start, t.end, t.type, t.mods);
      continue;
    }
    let s = t.start;
    for (let i = t.start; i < t.end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (i > s) emit(s, i, t.type, t.mods);
        s = i + 1;
      }
    }
    if (t.end > s) emit(s, t.end, t.type, t.mods);
  }
  return data;
}

/** Tokens by the analysis (or parse) they were computed from: a range request after a full one is free. */
const tokenCache = new WeakMap<object, Token[]>();

function tokensOf(ws: Workspace, uri: string): { tokens: Token[]; text: string; lines: LineIndex } | undefined {
  const doc = ws.getDocument(uri);
  if (!doc) return undefined;
  const result = ws.analyze(doc.path);
  const analysis = result.analysis?.unit.text === doc.text ? result.analysis : undefined;
  const unit = analysis?.unit ?? ws.program.getUnit(doc.path);
  if (!unit || unit.text !== doc.text) return undefined;
  const key: object = analysis ?? unit;
  let tokens = tokenCache.get(key);
  if (!tokens) tokenCache.set(key, (tokens = computeTokens(doc.text, unit.parse.file, analysis, doc.path)));
  return { tokens, text: doc.text, lines: doc.lines };
}

export function semanticTokensFull(ws: Workspace, uri: string): SemanticTokens {
  const t = tokensOf(ws, uri);
  return { data: t ? encodeTokens(t.tokens, t.text, t.lines) : [] };
}

export function semanticTokensRange(ws: Workspace, uri: string, range: Range): SemanticTokens {
  const t = tokensOf(ws, uri);
  if (!t) return { data: [] };
  const { start, end } = fromRange(t.lines, t.text, range);
  return { data: encodeTokens(t.tokens, t.text, t.lines, start, end) };
}
