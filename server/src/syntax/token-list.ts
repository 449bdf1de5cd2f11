// Lexing a whole range into a TokenStream at once. The parser streams tokens from a Lexer and
// never needs this; the formatter, semantic tokens, the completion context and tests do, because
// they walk the token list back and forth.
import type { DiagSink } from './diag-sink.ts';
import { Lexer, RING_MASK as LEXER_RING_MASK } from './lexer.ts';
import { Flag as FlagEnum, Tok as TokEnum, type TokenStream } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Flag = FlagEnum;
const Tok = TokEnum;
const RING_MASK = LEXER_RING_MASK;

/**
 * Lexes all of `text[from, to)` into a TokenStream whose offsets are offsets in `text`. The
 * parser streams tokens instead; this is for tests and tools that want the whole list. Never
 * throws; errors go to `sink`.
 */
export function lex(text: string, sink: DiagSink, from = 0, to = text.length): TokenStream {
  const lexer = new Lexer(text, sink, from, to);
  let cap = ((to - from) >> 2) + 16;
  let kinds = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let subs = new Uint8Array(cap);
  let flags = new Uint8Array(cap);
  let n = 0;
  let docs: Map<number, string> | undefined;
  for (;;) {
    lexer.scanNext();
    if (n === cap) {
      cap *= 2;
      const k = new Uint8Array(cap);
      k.set(kinds);
      kinds = k;
      const s = new Int32Array(cap);
      s.set(starts);
      starts = s;
      const e = new Int32Array(cap);
      e.set(ends);
      ends = e;
      const u = new Uint8Array(cap);
      u.set(subs);
      subs = u;
      const f = new Uint8Array(cap);
      f.set(flags);
      flags = f;
    }
    const slot = n & RING_MASK;
    kinds[n] = lexer.kinds[slot]!;
    starts[n] = lexer.starts[slot]!;
    ends[n] = lexer.ends[slot]!;
    subs[n] = lexer.subs[slot]!;
    flags[n] = lexer.flags[slot]!;
    if ((flags[n]! & Flag.Doc) !== 0) (docs ??= new Map()).set(n, lexer.docOf(n) ?? '');
    n++;
    if (kinds[n - 1] === Tok.EOF) break;
  }
  return { kinds, starts, ends, subs, flags, count: n, docs };
}
