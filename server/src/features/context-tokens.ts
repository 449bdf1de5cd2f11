// The token view the cursor context works on: the current declaration lexed up to the cursor,
// with helpers to read kinds, keywords and text by index and to walk back over brackets and
// postfix chains. Also the small token classifications (binary operators, operand ends,
// declaration keywords) that both the bracket replay and the classification ask about.
import { DiagSink } from '../syntax/diag-sink.ts';
import { lex } from '../syntax/token-list.ts';
import { FLAG_NEWLINE, Kw, Tok, type TokenStream } from '../syntax/tokens.ts';

export const DECL_KEYWORDS = new Set([Kw.Import, Kw.Type, Kw.Model, Kw.Tool, Kw.Agent, Kw.Human, Kw.Graph, Kw.Eval]);
export const KEYWORD_TEXT: Partial<Record<Kw, string>> = {
  [Kw.Import]: 'import',
  [Kw.Type]: 'type',
  [Kw.Model]: 'model',
  [Kw.Tool]: 'tool',
  [Kw.Agent]: 'agent',
  [Kw.Human]: 'human',
  [Kw.Graph]: 'graph',
  [Kw.Eval]: 'eval',
};

export function isBinaryOp(k: Tok): boolean {
  switch (k) {
    case Tok.EqEq:
    case Tok.BangEq:
    case Tok.Lt:
    case Tok.LtEq:
    case Tok.Gt:
    case Tok.GtEq:
    case Tok.Plus:
    case Tok.Minus:
    case Tok.Star:
    case Tok.Slash:
    case Tok.AndAnd:
    case Tok.OrOr:
    case Tok.Pipe:
      return true;
    default:
      return false;
  }
}

/** Tokens that end an operand (so what follows is an operator or a modifier, not a name). */
export function endsOperand(k: Tok): boolean {
  switch (k) {
    case Tok.Ident:
    case Tok.Number:
    case Tok.Duration:
    case Tok.Money:
    case Tok.String:
    case Tok.TripleString:
    case Tok.RParen:
    case Tok.RBracket:
    case Tok.RBrace:
      return true;
    default:
      return false;
  }
}

/** A token array view with helpers. */
export class Toks {
  constructor(
    readonly text: string,
    readonly s: TokenStream,
    /** Number of real tokens (the EOF excluded). */
    readonly n: number,
    /** Where lexing started. */
    readonly from: number,
  ) {}
  kind(i: number): Tok {
    return i >= 0 && i < this.n ? (this.s.kinds[i]! as Tok) : Tok.EOF;
  }
  kw(i: number): Kw {
    return this.kind(i) === Tok.Ident ? (this.s.subs[i]! as Kw) : Kw.None;
  }
  start(i: number): number {
    return this.s.starts[i]!;
  }
  end(i: number): number {
    return this.s.ends[i]!;
  }
  textOf(i: number): string {
    return this.text.slice(this.s.starts[i]!, this.s.ends[i]!);
  }
  newlineBefore(i: number): boolean {
    return (this.s.flags[i]! & FLAG_NEWLINE) !== 0;
  }
  /** Index of the bracket opening the one closed at `i` (scanning backwards), or -1. */
  matchBack(i: number): number {
    const close = this.kind(i);
    const open = close === Tok.RParen ? Tok.LParen : close === Tok.RBracket ? Tok.LBracket : Tok.LBrace;
    let depth = 0;
    for (let j = i; j >= 0; j--) {
      const k = this.kind(j);
      if (k === close) depth++;
      else if (k === open && --depth === 0) return j;
    }
    return -1;
  }
  /** First token of the postfix chain (`a.b`, `inputs(x).y`, `a[0].b`) ending at `j`, or -1. */
  chainStart(j: number, min: number): number {
    let i = j;
    for (;;) {
      if (i < min) return -1;
      const k = this.kind(i);
      let first: number;
      if (k === Tok.Ident) first = i;
      else if (k === Tok.RParen) {
        const p = this.matchBack(i);
        if (p < min) return -1;
        if (this.kind(p - 1) === Tok.Ident && p - 1 >= min) first = p - 1;
        else first = p;
      } else if (k === Tok.RBracket) {
        const p = this.matchBack(i);
        if (p - 1 < min) return -1;
        i = p - 1;
        continue;
      } else return -1;
      if (this.kind(first - 1) === Tok.Dot && first - 2 >= min) {
        i = first - 2;
        continue;
      }
      return first;
    }
  }
}

export function lexRange(text: string, from: number, to: number): Toks {
  const s = lex(text, new DiagSink(), from, to);
  return new Toks(text, s, s.count - 1, from);
}

/** True when `offset` lies inside a comment that starts in text[from, offset). */
export function inComment(text: string, from: number, offset: number): boolean {
  let i = from;
  while (i < offset) {
    const c = text.charCodeAt(i);
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let e = i;
      while (e < text.length && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
      if (e >= offset) return true;
      i = e;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > offset) return true;
      i = close + 2;
      continue;
    }
    i++;
  }
  return false;
}
