// Which identifiers are keywords and which suffixes are duration units. The lexer asks once per
// identifier and once per number suffix, so these are switches on the first character and the
// length rather than table lookups that would first slice the word out of the text.
import { Kw as KwEnum, Unit as UnitEnum } from './tokens.ts';

// Copied into module constants: under per-file transpilation every read of an imported binding is
// a getter call, and these are read per identifier.
const Kw = KwEnum;
type Kw = KwEnum;
const Unit = UnitEnum;
type Unit = UnitEnum;

/** The keyword `text[s, s + len)` spells, or Kw.None for an ordinary identifier. */
export function keywordOf(text: string, s: number, len: number): Kw {
  switch (text.charCodeAt(s)) {
    case 97: // a
      if (len === 5 && text.startsWith('agent', s)) return Kw.Agent;
      if (len === 6 && text.startsWith('assert', s)) return Kw.Assert;
      break;
    case 98: // b
      if (len === 6 && text.startsWith('budget', s)) return Kw.Budget;
      if (len === 7) {
        if (text.startsWith('backoff', s)) return Kw.Backoff;
        if (text.startsWith('boolean', s)) return Kw.Boolean;
      }
      break;
    case 101: // e
      if (len === 3 && text.startsWith('end', s)) return Kw.End;
      if (len === 4 && text.startsWith('eval', s)) return Kw.Eval;
      if (len === 8 && text.startsWith('escalate', s)) return Kw.Escalate;
      break;
    case 102: // f
      if (len === 3 && text.startsWith('for', s)) return Kw.For;
      if (len === 5 && text.startsWith('false', s)) return Kw.False;
      break;
    case 103: // g
      if (len === 5 && text.startsWith('graph', s)) return Kw.Graph;
      break;
    case 104: // h
      if (len === 5 && text.startsWith('human', s)) return Kw.Human;
      break;
    case 105: // i
      if (len === 2 && text.charCodeAt(s + 1) === 110) return Kw.In;
      if (len === 6 && text.startsWith('import', s)) return Kw.Import;
      if (len === 7 && text.startsWith('integer', s)) return Kw.Integer;
      break;
    case 108: // l
      if (len === 4 && text.startsWith('list', s)) return Kw.List;
      break;
    case 109: // m
      if (len === 3) {
        if (text.startsWith('max', s)) return Kw.Max;
        if (text.startsWith('map', s)) return Kw.Map;
      } else if (len === 5 && text.startsWith('model', s)) return Kw.Model;
      break;
    case 110: // n
      if (len === 4 && text.startsWith('null', s)) return Kw.Null;
      if (len === 6 && text.startsWith('number', s)) return Kw.Number;
      break;
    case 111: // o
      if (len === 9 && text.startsWith('otherwise', s)) return Kw.Otherwise;
      break;
    case 115: // s
      if (len === 5 && text.startsWith('start', s)) return Kw.Start;
      if (len === 6 && text.startsWith('string', s)) return Kw.String;
      if (len === 9 && text.startsWith('supervise', s)) return Kw.Supervise;
      break;
    case 116: // t
      if (len === 4) {
        if (text.startsWith('type', s)) return Kw.Type;
        if (text.startsWith('tool', s)) return Kw.Tool;
        if (text.startsWith('true', s)) return Kw.True;
      }
      break;
    case 119: // w
      if (len === 4 && text.startsWith('when', s)) return Kw.When;
      break;
  }
  return Kw.None;
}

/** The duration unit `text[s, s + len)` spells (`ms`, `s`, `m`, `h`, `d`), or Unit.None. */
export function unitOf(text: string, s: number, len: number): Unit {
  const c = text.charCodeAt(s);
  if (len === 1) {
    if (c === 115) return Unit.S;
    if (c === 109) return Unit.M;
    if (c === 104) return Unit.H;
    if (c === 100) return Unit.D;
  } else if (len === 2 && c === 109 && text.charCodeAt(s + 1) === 115) return Unit.Ms;
  return Unit.None;
}
