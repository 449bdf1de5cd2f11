// Token kinds and per-token flags of the `.agentgraph` lexer. Kinds are small integers (a const
// enum) so the lexer can store them in a Uint8Array and the parser can compare them without
// touching strings. Keywords are not separate kinds: every word is an `Ident`, and the lexer
// records which keyword (if any) it spells in the token's `sub` field, because almost every
// keyword is contextual and may also be used as a property key or field name.

export const enum Tok {
  EOF,
  Ident,
  /** `12`, `0.5`, `1e6`; `sub` holds NUM_INTEGER / NUM_INVALID. */
  Number,
  /** `250ms`; `sub` holds the unit (Unit) and possibly NUM_INVALID. */
  Duration,
  /** `$0.10`; `sub` holds NUM_INVALID when no valid number follows the `$`. */
  Money,
  /** `"…"`; `sub` holds STR_* flags. */
  String,
  /** `"""…"""`; `sub` holds STR_* flags. */
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
export const enum Kw {
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

/** Duration units stored in `sub` of Duration tokens (low three bits). */
export const enum Unit {
  None,
  Ms,
  S,
  M,
  H,
  D,
}

// `sub` flags of numeric tokens. The unit of a Duration uses the low three bits, so these start
// at bit 3 to let a Duration carry both its unit and NUM_INVALID.
export const NUM_INTEGER = 8;
export const NUM_INVALID = 16;
export const UNIT_MASK = 7;

// `sub` flags of string tokens.
/** The closing quote(s) are missing; the token runs to the end of the line (or file). */
export const STR_UNTERMINATED = 1;
/** The string holds a backslash, so cooking it needs escape processing. */
export const STR_ESCAPE = 2;
/** The string holds an unescaped `{{`, so it needs template scanning. */
export const STR_TEMPLATE = 4;

// Per-token flags (the `flags` array).
/** A line break occurs between the previous token and this one. */
export const FLAG_NEWLINE = 1;
/** One or more `///` doc-comment lines precede this token (see TokenStream.docs). */
export const FLAG_DOC = 2;
/**
 * The lexer reported an error between the previous token and this one (skipped junk). The parser
 * does not report a second error at this token, so one stray character costs one diagnostic.
 */
export const FLAG_JUNK = 4;

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
 * The lexer's output: parallel typed arrays rather than one object per token, so lexing a large
 * file allocates a handful of buffers instead of millions of small objects.
 */
export interface TokenStream {
  /** Token kinds (Tok), one per token; the last token is always Tok.EOF. */
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Kind-specific detail: keyword id, numeric flags and unit, or string flags. */
  subs: Uint8Array;
  /** FLAG_* bits. */
  flags: Uint8Array;
  /** Number of tokens including the final EOF. */
  count: number;
  /** Doc-comment text of tokens flagged FLAG_DOC, by token index. */
  docs: Map<number, string> | undefined;
}
