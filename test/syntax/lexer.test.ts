// Lexer tests: token kinds and spans, keyword ids, flags (line breaks, doc comments, junk) and
// literal validation, using the whole-file `lex` API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagSink } from '../../server/src/syntax/diag-sink.ts';
import { lex } from '../../server/src/syntax/token-list.ts';
import {
  FLAG_DOC,
  FLAG_JUNK,
  FLAG_NEWLINE,
  Kw,
  NUM_INTEGER,
  NUM_INVALID,
  STR_ESCAPE,
  STR_TEMPLATE,
  STR_UNTERMINATED,
  Tok,
  Unit,
  UNIT_MASK,
  tokKindText,
} from '../../server/src/syntax/tokens.ts';

interface T {
  kind: string;
  text: string;
  sub: number;
  flags: number;
}

function tokens(text: string): { toks: T[]; codes: string[] } {
  const sink = new DiagSink();
  const s = lex(text, sink);
  const toks: T[] = [];
  for (let i = 0; i < s.count; i++) {
    toks.push({ kind: tokKindText(s.kinds[i]! as Tok), text: text.slice(s.starts[i]!, s.ends[i]!), sub: s.subs[i]!, flags: s.flags[i]! });
  }
  return { toks, codes: sink.sorted().map((d) => d.code) };
}

describe('lexer', () => {
  test('punctuation and operators', () => {
    const { toks, codes } = tokens('{}()[],:.?|= == != ! < <= > >= + - * / && || ->');
    assert.deepEqual(codes, []);
    assert.deepEqual(
      toks.map((t) => t.text),
      ['{', '}', '(', ')', '[', ']', ',', ':', '.', '?', '|', '=', '==', '!=', '!', '<', '<=', '>', '>=', '+', '-', '*', '/', '&&', '||', '->', ''],
    );
    assert.equal(toks.at(-1)?.kind, 'end of file');
  });

  test('words carry their keyword id', () => {
    const { toks } = tokens('agent agents model budget in int integer otherwise _x x1');
    assert.deepEqual(
      toks.slice(0, -1).map((t) => t.sub),
      [Kw.Agent, Kw.None, Kw.Model, Kw.Budget, Kw.In, Kw.None, Kw.Integer, Kw.Otherwise, Kw.None, Kw.None],
    );
  });

  test('numbers, durations and money', () => {
    const { toks, codes } = tokens('12 0.5 1e6 2E-3 250ms 5s 2m 4h 1d $0.10 $3 1.');
    assert.deepEqual(codes, []);
    assert.deepEqual(
      toks.map((t) => t.kind),
      ['number', 'number', 'number', 'number', 'duration', 'duration', 'duration', 'duration', 'duration', 'money amount', 'money amount', 'number', "'.'", 'end of file'],
    );
    assert.equal(toks[0]!.sub & NUM_INTEGER, NUM_INTEGER);
    assert.equal(toks[1]!.sub & NUM_INTEGER, 0);
    assert.equal(toks[4]!.sub & UNIT_MASK, Unit.Ms);
    assert.equal(toks[8]!.sub & UNIT_MASK, Unit.D);
  });

  test('invalid numbers are one flagged token each', () => {
    const { toks, codes } = tokens('5x 1.2.3 $ $5s 3min');
    assert.deepEqual(codes, ['AG1008', 'AG1008', 'AG1008', 'AG1008', 'AG1008']);
    assert.deepEqual(
      toks.slice(0, -1).map((t) => [t.text, (t.sub & NUM_INVALID) !== 0]),
      [
        ['5x', true],
        ['1.2.3', true],
        ['$', true],
        ['$5s', true],
        ['3min', true],
      ],
    );
  });

  test('strings and their flags', () => {
    const { toks, codes } = tokens('"a" "b\\n" "{{x}}" """c""" "open\n"""never');
    assert.deepEqual(codes, ['AG1002', 'AG1002']);
    assert.equal(toks[0]!.sub, 0);
    assert.equal(toks[1]!.sub, STR_ESCAPE);
    assert.equal(toks[2]!.sub, STR_TEMPLATE);
    assert.equal(toks[3]!.kind, 'string');
    assert.equal(toks[4]!.text, '"open');
    assert.equal(toks[4]!.sub & STR_UNTERMINATED, STR_UNTERMINATED);
    assert.equal(toks[5]!.text, '"""never');
  });

  test('unknown escapes are reported', () => {
    assert.deepEqual(tokens('"\\q"').codes, ['AG1001']);
    assert.deepEqual(tokens('"\\" \\\\ \\n \\t \\r \\{ \\}"').codes, []);
  });

  test('comments, line breaks and doc comments', () => {
    const { toks, codes } = tokens('a // c\n/* x\n y */ b /* z */ c\n/// d1\n/// d2\nd //// not doc\ne');
    assert.deepEqual(codes, []);
    assert.deepEqual(
      toks.map((t) => t.text),
      ['a', 'b', 'c', 'd', 'e', ''],
    );
    assert.equal(toks[0]!.flags & FLAG_NEWLINE, 0);
    assert.equal(toks[1]!.flags & FLAG_NEWLINE, FLAG_NEWLINE);
    assert.equal(toks[2]!.flags & FLAG_NEWLINE, 0);
    assert.equal(toks[3]!.flags & FLAG_DOC, FLAG_DOC);
    assert.equal(toks[4]!.flags & FLAG_DOC, 0);
    const sink = new DiagSink();
    const s = lex('/// d1\n///d2\nx', sink);
    assert.equal(s.docs?.get(0), 'd1\nd2');
  });

  test('unexpected characters are grouped and flag the next token', () => {
    const { toks, codes } = tokens('a ### b & c 😀 d');
    assert.deepEqual(codes, ['AG1001', 'AG1001', 'AG1001']);
    assert.deepEqual(
      toks.map((t) => t.text),
      ['a', 'b', 'c', 'd', ''],
    );
    assert.equal(toks[1]!.flags & FLAG_JUNK, FLAG_JUNK);
  });

  test('an unterminated block comment', () => {
    assert.deepEqual(tokens('a /* b').codes, ['AG1003']);
  });

  test('a byte-order mark and no-break spaces are whitespace', () => {
    const { toks, codes } = tokens('\ufeffa\u00a0b');
    assert.deepEqual(codes, []);
    assert.deepEqual(
      toks.map((t) => t.text),
      ['a', 'b', ''],
    );
  });

  test('ranges can be lexed in place', () => {
    const sink = new DiagSink();
    const text = 'xx "{{ a.b }}" yy';
    const s = lex(text, sink, 6, 11);
    assert.deepEqual(Array.from(s.starts.slice(0, s.count)), [7, 8, 9, 11]);
  });
});
