// The formatter: ONE canonical layout, applied by re-emitting the token stream with canonical
// whitespace. Tokens (and so string literals, triple-quoted prompts included) and comments are
// never changed, only the whitespace between them, so formatting cannot change what a spec means;
// a final check re-lexes and re-parses the result and refuses to format if anything differs.
//
// The style:
// - 2 spaces of indentation per open block; one declaration per line group, multi-line
//   declarations separated by one blank line; at most one blank line kept where the user put one.
// - `key: value` (no space before ':', one after), spaces around `->`, `=`, `|` and binary
//   operators, none after unary `!`/`-`, none inside `( )` and `[ ]`, none before `,`.
// - A `{ … }` block written on one line stays on one line (`{ a: 1, b: 2 }`); a block with any line
//   break inside puts each item on its own line (graph bodies always do: one edge per line).
// - `( … )` and `[ … ]` whose first element starts on a new line put each element on its own line;
//   otherwise they stay as written, with continuation lines indented one step.
// - A file with syntax errors is not formatted (no edits), since its structure is uncertain.

import { DiagSink } from '../syntax/diag-sink.ts';
import { lex } from '../syntax/token-list.ts';
import { parse } from '../syntax/parser.ts';
import type { Node, SourceFile } from '../syntax/ast.ts';
import { Kw, Tok, type TokenStream } from '../syntax/tokens.ts';
import { walk } from '../syntax/walk.ts';
import type { OffsetRange } from './common.ts';

export interface TextEditEntry {
  start: number;
  end: number;
  newText: string;
}

const INDENT = '  ';

interface Element {
  start: number;
  end: number;
  /** Token index, or -1 for a comment. */
  tok: number;
  lineComment: boolean;
}

interface Frame {
  open: number;
  close: Tok;
  exploded: boolean;
  /** Indentation level of the line holding the opening bracket. */
  indent: number;
}

/** Keywords after which a '(' is a parenthesised expression, not a call. */
const SPACE_BEFORE_PAREN = new Set([Kw.When, Kw.In, Kw.Assert, Kw.Otherwise, Kw.For, Kw.Max, Kw.Escalate, Kw.Backoff, Kw.Supervise, Kw.Import]);

/**
 * The edits that format `text` (or only the declarations overlapping `range`). Undefined when the
 * text has syntax errors (formatting refused); an empty list when it is already formatted.
 */
export function formatEdits(text: string, range?: OffsetRange): TextEditEntry[] | undefined {
  const parsed = parse(text);
  if (parsed.diagnostics.length > 0) return undefined;
  const f = new Formatter(text, parsed.file);
  const edits = f.edits();
  if (!verify(text, applyEdits(text, edits), parsed.file)) return undefined;
  if (!range) return edits;
  // Range formatting: the declarations the range touches, whole.
  let lo = range.start;
  let hi = range.end;
  for (const d of parsed.file.decls) {
    if (d.end < range.start || d.start > range.end) continue;
    lo = Math.min(lo, d.start);
    hi = Math.max(hi, d.end);
  }
  return edits.filter((e) => e.start >= lo && e.end <= hi);
}

/** The formatted text, or undefined when the text has syntax errors. */
export function formatText(text: string): string | undefined {
  const edits = formatEdits(text);
  return edits === undefined ? undefined : applyEdits(text, edits);
}

export function applyEdits(text: string, edits: readonly TextEditEntry[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Token kinds and texts, for comparing two texts modulo whitespace and comments. */
export function tokenSignature(text: string): string[] {
  const s = lex(text, new DiagSink());
  const out: string[] = [];
  for (let i = 0; i < s.count - 1; i++) out.push(`${s.kinds[i]}:${text.slice(s.starts[i]!, s.ends[i]!)}`);
  return out;
}

/** A fingerprint of a tree without offsets: node kinds, names and values in order. */
function shape(file: SourceFile): string {
  const parts: string[] = [];
  walk(file, (n: Node) => {
    parts.push(n.kind);
    if (n.kind === 'Name') parts.push(n.text);
    else if ('value' in n && (typeof n.value === 'string' || typeof n.value === 'number' || typeof n.value === 'boolean')) parts.push(String(n.value));
    else if (n.kind === 'Binary' || n.kind === 'Unary') parts.push(n.op);
  });
  return parts.join(' ');
}

function verify(before: string, after: string, tree: SourceFile): boolean {
  const a = tokenSignature(before);
  const b = tokenSignature(after);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) return false;
  const reparsed = parse(after);
  if (reparsed.diagnostics.length > 0) return false;
  return shape(reparsed.file) === shape(tree);
}

class Formatter {
  private readonly s: TokenStream;
  private readonly n: number;
  private readonly elements: Element[] = [];
  private readonly eol: string;
  /** Offsets of tokens that start an item of a list-like construct (properties, edges, args, …). */
  private readonly itemStarts = new Set<number>();
  /** Offsets of '[' that index (no space before). */
  private readonly indexBrackets = new Set<number>();
  /** Offsets of prefix operators (`!`, unary `-`). */
  private readonly unaryOps = new Set<number>();
  /** Offsets of the '<' and '>' of `list<…>` and `map<…>`. */
  private readonly angles = new Set<number>();
  /** Declaration starts, and whether each declaration spans several lines. */
  private readonly declStarts: number[] = [];
  private readonly declMulti = new Map<number, boolean>();
  private readonly declEnds = new Map<number, boolean>();
  /** For each opening bracket token index: whether it is exploded (one item per line). */
  private readonly exploded = new Map<number, boolean>();
  /** Line breaks in the whitespace before each element. */
  private readonly newlines: number[] = [];

  constructor(
    private readonly text: string,
    private readonly file: SourceFile,
  ) {
    this.s = lex(text, new DiagSink());
    this.n = this.s.count - 1;
    const nl = text.indexOf('\n');
    this.eol = nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
    this.collectElements();
    this.collectTree();
    this.collectBrackets();
  }

  // ------------------------------------------------------------------ input

  /** Tokens and the comments in the gaps between them, in order. */
  private collectElements(): void {
    const text = this.text;
    let prevEnd = 0;
    const gap = (from: number, to: number) => {
      let i = from;
      let lines = 0;
      while (i < to) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 0x2028 || c === 0x2029) {
          lines++;
          i++;
        } else if (c === 13) {
          lines++;
          i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
        } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
          let e = i;
          while (e < to && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13 && text.charCodeAt(e) !== 0x2028 && text.charCodeAt(e) !== 0x2029) e++;
          // Trailing spaces of a comment go, except in `///` doc comments, whose text is meaning.
          const doc = text.startsWith('///', i) && !text.startsWith('////', i);
          let end = e;
          if (!doc) while (end > i + 2 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
          this.push({ start: i, end, tok: -1, lineComment: true }, lines);
          lines = 0;
          i = e;
        } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
          const close = text.indexOf('*/', i + 2);
          const end = close < 0 ? to : close + 2;
          this.push({ start: i, end, tok: -1, lineComment: false }, lines);
          lines = 0;
          i = end;
        } else i++;
      }
      return lines;
    };
    for (let t = 0; t < this.n; t++) {
      const lines = gap(prevEnd, this.s.starts[t]!);
      this.push({ start: this.s.starts[t]!, end: this.s.ends[t]!, tok: t, lineComment: false }, lines);
      prevEnd = this.s.ends[t]!;
    }
    gap(prevEnd, text.length);
  }

  private push(e: Element, lines: number): void {
    this.elements.push(e);
    this.newlines.push(lines);
  }

  private collectTree(): void {
    const items = this.itemStarts;
    const add = (list: readonly { start: number }[]) => {
      for (const x of list) items.add(x.start);
    };
    for (const d of this.file.decls) {
      this.declStarts.push(d.start);
      // Multi-line once formatted: a line break inside, or a graph body (always one edge per line).
      const multi = /[\r\n\u2028\u2029]/.test(this.text.slice(d.start, d.end)) || (d.kind === 'GraphDecl' && d.items.length > 0);
      this.declMulti.set(d.start, multi);
      this.declEnds.set(d.end, multi);
    }
    walk(this.file, (n: Node) => {
      switch (n.kind) {
        case 'ModelDecl':
        case 'ToolDecl':
        case 'AgentDecl':
        case 'HumanDecl':
        case 'Budget':
          add(n.props);
          if ('params' in n) add(n.params);
          break;
        case 'GraphDecl':
          add(n.params);
          add(n.items);
          break;
        case 'EvalDecl':
          add(n.props);
          add(n.asserts);
          break;
        case 'ObjectLit':
          add(n.entries);
          break;
        case 'ObjectType':
          add(n.fields);
          break;
        case 'ListLit':
          add(n.items);
          break;
        case 'Call':
        case 'NodeCall':
        case 'Backoff':
        case 'Supervise':
          add(n.args);
          if (n.kind === 'Supervise') add(n.children);
          break;
        case 'JoinSource':
          add(n.nodes);
          break;
        case 'FanOut':
          add(n.calls);
          break;
        case 'Index':
          this.indexBrackets.add(this.tokenAfter(n.object.end));
          break;
        case 'Unary':
          this.unaryOps.add(n.start);
          break;
        case 'LiteralType':
          if (this.text.charCodeAt(n.start) === 45) this.unaryOps.add(n.start);
          break;
        case 'ListType':
        case 'MapType':
          this.angles.add(this.tokenAfter(n.start + (n.kind === 'ListType' ? 4 : 3)));
          this.angles.add(n.end - 1);
          break;
      }
    });
  }

  /** Start offset of the first token at or after `offset`. */
  private tokenAfter(offset: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.s.starts[mid]! >= offset) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found < 0 ? -1 : this.s.starts[found]!;
  }

  /** Decides, for each bracket pair, whether it is laid out one item per line. */
  private collectBrackets(): void {
    const stack: { el: number; kind: Tok }[] = [];
    const els = this.elements;
    for (let i = 0; i < els.length; i++) {
      const e = els[i]!;
      if (e.tok < 0) continue;
      const k = this.s.kinds[e.tok]! as Tok;
      if (k === Tok.LBrace || k === Tok.LParen || k === Tok.LBracket) {
        stack.push({ el: i, kind: k });
        continue;
      }
      if (k !== Tok.RBrace && k !== Tok.RParen && k !== Tok.RBracket) continue;
      const open = stack.pop();
      if (!open) continue;
      const openTok = els[open.el]!.tok;
      if (i === open.el + 1) {
        this.exploded.set(openTok, false);
        continue;
      }
      let exploded: boolean;
      if (open.kind === Tok.LBrace) {
        exploded = this.isGraphBody(els[open.el]!.start);
        for (let j = open.el + 1; j <= i && !exploded; j++) if (this.newlines[j]! > 0 || els[j - 1]!.lineComment) exploded = true;
      } else {
        exploded = false;
        for (let j = open.el + 1; j <= i; j++) {
          if (this.newlines[j]! > 0) exploded = true;
          if (els[j]!.tok >= 0) break;
        }
      }
      this.exploded.set(openTok, exploded);
    }
  }

  private isGraphBody(braceStart: number): boolean {
    for (const d of this.file.decls) {
      if (d.kind !== 'GraphDecl' || d.start > braceStart || braceStart > d.end) continue;
      return d.items.length > 0 && (d.result.end <= braceStart) && !d.items.some((it) => it.start < braceStart);
    }
    return false;
  }

  // ------------------------------------------------------------------ layout

  private kind(el: Element): Tok {
    return el.tok >= 0 ? (this.s.kinds[el.tok]! as Tok) : Tok.EOF;
  }

  private kw(el: Element): Kw {
    return el.tok >= 0 && this.s.kinds[el.tok] === Tok.Ident ? (this.s.subs[el.tok]! as Kw) : Kw.None;
  }

  /** The whitespace between two tokens on one line. */
  private space(prev: Element, cur: Element): string {
    if (prev.tok < 0 || cur.tok < 0) return ' ';
    const P = this.kind(prev);
    const C = this.kind(cur);
    if (C === Tok.Comma || C === Tok.Colon || C === Tok.Question || C === Tok.Dot || P === Tok.Dot) return '';
    if (C === Tok.RParen || C === Tok.RBracket || P === Tok.LParen || P === Tok.LBracket) return '';
    if (C === Tok.RBrace) return P === Tok.LBrace ? '' : ' ';
    if (P === Tok.LBrace) return ' ';
    if (this.angles.has(cur.start) || (this.angles.has(prev.start) && P === Tok.Lt)) return '';
    if (P === Tok.Bang || this.unaryOps.has(prev.start)) return '';
    if (C === Tok.LParen) return P === Tok.Ident && !SPACE_BEFORE_PAREN.has(this.kw(prev)) ? '' : ' ';
    if (C === Tok.LBracket) return this.indexBrackets.has(cur.start) ? '' : ' ';
    return ' ';
  }

  edits(): TextEditEntry[] {
    const els = this.elements;
    const text = this.text;
    const seps: string[] = [];
    const frames: Frame[] = [];
    let lineLevel = 0;
    let declEnded: boolean | undefined; // set after a declaration's last token: whether it was multi-line
    let declIdx = 0;
    const innermostExploded = (): Frame | undefined => {
      for (let j = frames.length - 1; j >= 0; j--) if (frames[j]!.exploded) return frames[j];
      return undefined;
    };
    for (let i = 0; i < els.length; i++) {
      const cur = els[i]!;
      const prev = els[i - 1];
      const k = this.kind(cur);
      const origNl = this.newlines[i]!;
      const top = frames[frames.length - 1];
      const closesTop = top !== undefined && cur.tok >= 0 && k === top.close;
      while (declIdx < this.declStarts.length && this.declStarts[declIdx]! < cur.start) declIdx++;
      const declStart = frames.length === 0 && cur.tok >= 0 && this.declStarts[declIdx] === cur.start;

      let sep: string;
      if (!prev) sep = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
      else {
        let forced = false;
        let level: number | undefined;
        if (cur.tok >= 0) {
          if (declStart) {
            forced = true;
            level = 0;
          } else if (closesTop && top.exploded) {
            forced = true;
            level = top.indent;
          } else if (top?.exploded && (prev.tok === top.open || this.itemStarts.has(cur.start))) {
            forced = true;
            level = top.indent + 1;
          }
        }
        // A comma stays at the end of the line of what it follows.
        const comma = k === Tok.Comma && !prev.lineComment;
        const newline = !comma && (forced || origNl > 0 || prev.lineComment);
        if (!newline) sep = cur.tok < 0 ? ' ' : this.space(prev, cur);
        else {
          let lines = Math.max(1, Math.min(origNl, 2));
          if (cur.tok >= 0 && closesTop && top.exploded) lines = 1;
          if (top?.exploded && prev.tok === top.open) lines = 1;
          if (frames.length === 0 && declEnded !== undefined) {
            // The first line after a declaration: a blank line around multi-line declarations.
            const next = this.declStarts[declIdx];
            if (declEnded || (next !== undefined && this.declMulti.get(next))) lines = 2;
          }
          if (frames.length === 0 && declEnded !== undefined) declEnded = undefined;
          if (level === undefined) {
            const ex = innermostExploded();
            const base = ex ? ex.indent + 1 : 0;
            level = cur.tok < 0 ? base : base + 1;
          }
          lineLevel = level;
          sep = this.eol.repeat(lines) + INDENT.repeat(level);
        }
      }
      seps.push(sep);

      // Update the frames after placing the element.
      if (cur.tok >= 0) {
        if (k === Tok.LBrace || k === Tok.LParen || k === Tok.LBracket) {
          frames.push({ open: cur.tok, close: k === Tok.LBrace ? Tok.RBrace : k === Tok.LParen ? Tok.RParen : Tok.RBracket, exploded: this.exploded.get(cur.tok) ?? false, indent: lineLevel });
        } else if (closesTop) frames.pop();
        if (frames.length === 0 && this.declEnds.has(cur.end)) declEnded = this.declEnds.get(cur.end)!;
      }
    }

    // Edits: only gaps that differ.
    const edits: TextEditEntry[] = [];
    let prevEnd = 0;
    for (let i = 0; i < els.length; i++) {
      const e = els[i]!;
      if (text.slice(prevEnd, e.start) !== seps[i]) edits.push({ start: prevEnd, end: e.start, newText: seps[i]! });
      prevEnd = e.end;
    }
    const tail = els.length ? this.eol : '';
    if (text.slice(prevEnd) !== tail) edits.push({ start: prevEnd, end: text.length, newText: tail });
    return edits;
  }
}
