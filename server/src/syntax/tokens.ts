// Token kinds and per-token flags of the `.agentgraph` lexer. Kinds are small integers (enums)
// so the lexer can store them compactly and the parser can compare them without touching
// strings. Keywords are not separate kinds: every word is an `Ident`, and the lexer
// records which keyword (if any) it spells in the token's `sub` field, because almost every
// keyword is contextual and may also be used as a property key or field name.

export enum Tok {
  EOF,
  Ident,
  /** `12`, `0.5`, `1e6`; `sub` holds Num flags. */
  Number,
  /** `250ms`; `sub` holds the unit (Unit) and Num flags. */
  Duration,
  /** `$0.10`; `sub` holds Num.Invalid when no valid number follows the `$`. */
  Money,
  /** `"…"`; `sub` holds Str flags. */
  String,
  /** `"""…"""`; `sub` holds Str flags. */
  TripleString,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  Arrow,
  Question,
  Pipe,
  Eq,
  EqEq,
  BangEq,
  Bang,
  Lt,
  LtEq,
  Gt,
  GtEq,
  Plus,
  Minus,
  Star,
  Slash,
  AndAnd,
  OrOr,
}

/** Keyword ids stored in `sub` of Ident tokens. Kw.None for ordinary words. */
export enum Kw {
  None,
  Import,
  Type,
  Model,
  Tool,
  Agent,
  Human,
  Graph,
  Eval,
  For,
  In,
  When,
  Otherwise,
  Max,
  Start,
  End,
  Supervise,
  Escalate,
  Assert,
  Budget,
  Backoff,
  True,
  False,
  Null,
  List,
  Map,
  String,
  Number,
  Integer,
  Boolean,
}

/** Duration units stored in `sub` of Duration tokens (low three bits, see Num.UnitMask). */
export enum Unit {
  None,
  Ms,
  S,
  M,
  H,
  D,
}

/** `sub` flags of numeric tokens. A Duration's unit uses the low three bits (Num.UnitMask). */
export enum Num {
  UnitMask = 7,
  /** Written without a fraction or exponent. */
  Integer = 8,
  /** Malformed (reported by the lexer); the value is that of its valid prefix. */
  Invalid = 16,
}

/** `sub` flags of string tokens. */
export enum Str {
  /** The closing quote(s) are missing; the token runs to the end of the line (or file). */
  Unterminated = 1,
  /** The string holds a backslash, so cooking it needs escape processing. */
  Escape = 2,
  /** The string holds an unescaped `{{`, so it needs template scanning. */
  Template = 4,
}

/** Per-token flags (the `flags` array). */
export enum Flag {
  /** A line break occurs between the previous token and this one. */
  Newline = 1,
  /** One or more `///` doc-comment lines precede this token. */
  Doc = 2,
  /**
   * The lexer reported an error between the previous token and this one (skipped junk). The
   * parser does not report a second error at this token, so one stray character costs one
   * diagnostic.
   */
  Junk = 4,
  /**
   * The lexer reported this token itself (an unterminated string, an invalid number). The parser
   * uses it as a literal but treats what directly follows as fallout of that error.
   */
  Bad = 8,
}

// The same flags as plain constants, for code that reads a TokenStream (the formatter and the
// completion context use these names).
export const NUM_INTEGER = Num.Integer;
export const NUM_INVALID = Num.Invalid;
export const UNIT_MASK = Num.UnitMask;
export const STR_UNTERMINATED = Str.Unterminated;
export const STR_ESCAPE = Str.Escape;
export const STR_TEMPLATE = Str.Template;
export const FLAG_NEWLINE = Flag.Newline;
export const FLAG_DOC = Flag.Doc;
export const FLAG_JUNK = Flag.Junk;
export const FLAG_BAD = Flag.Bad;

/** Human-readable spelling of a token kind, for messages. */
export function tokKindText(kind: Tok): string {
  switch (kind) {
    case Tok.EOF:
      return 'end of file';
    case Tok.Ident:
      return 'name';
    case Tok.Number:
      return 'number';
    case Tok.Duration:
      return 'duration';
    case Tok.Money:
      return 'money amount';
    case Tok.String:
    case Tok.TripleString:
      return 'string';
    case Tok.LBrace:
      return "'{'";
    case Tok.RBrace:
      return "'}'";
    case Tok.LParen:
      return "'('";
    case Tok.RParen:
      return "')'";
    case Tok.LBracket:
      return "'['";
    case Tok.RBracket:
      return "']'";
    case Tok.Comma:
      return "','";
    case Tok.Colon:
      return "':'";
    case Tok.Dot:
      return "'.'";
    case Tok.Arrow:
      return "'->'";
    case Tok.Question:
      return "'?'";
    case Tok.Pipe:
      return "'|'";
    case Tok.Eq:
      return "'='";
    case Tok.EqEq:
      return "'=='";
    case Tok.BangEq:
      return "'!='";
    case Tok.Bang:
      return "'!'";
    case Tok.Lt:
      return "'<'";
    case Tok.LtEq:
      return "'<='";
    case Tok.Gt:
      return "'>'";
    case Tok.GtEq:
      return "'>='";
    case Tok.Plus:
      return "'+'";
    case Tok.Minus:
      return "'-'";
    case Tok.Star:
      return "'*'";
    case Tok.Slash:
      return "'/'";
    case Tok.AndAnd:
      return "'&&'";
    case Tok.OrOr:
      return "'||'";
  }
}

/**
 * A whole file's tokens (from `lex`, for tests and tools): parallel typed arrays rather than one
 * object per token. The parser itself streams tokens through the Lexer's ring buffer instead.
 */
export interface TokenStream {
  /** Token kinds (Tok), one per token; the last token is always Tok.EOF. */
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Kind-specific detail: keyword id, numeric flags and unit, or string flags. */
  subs: Uint8Array;
  /** Flag bits. */
  flags: Uint8Array;
  /** Number of tokens including the final EOF. */
  count: number;
  /** Doc-comment text of tokens flagged FLAG_DOC, by token index. */
  docs: Map<number, string> | undefined;
}
