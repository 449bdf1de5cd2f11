// Expressions, literals, argument lists and property blocks (`{ key: value … }`), which object
// literals share with declaration blocks. Binary operators use precedence climbing with one loop
// per level, unary operators are collected iteratively, and every recursion into a nested
// expression passes the depth guard, so hostile input cannot overflow the stack.
import type {
  Arg,
  Assert,
  Backoff,
  BinaryOp,
  Expr,
  ListLit,
  Name,
  NumberLit,
  ObjectLit,
  Property,
  StringLit,
  TemplatePart,
} from './ast.ts';
import { numberValue } from './number-literals.ts';
import { MAX_DEPTH as BASE_MAX_DEPTH, ParserBase } from './parse-base.ts';
import { cookPlain, cookTriple } from './parse-strings.ts';
import { scanTemplates, type TemplateHost } from './template-scan.ts';
import { Kw as KwEnum, Num as NumEnum, Str as StrEnum, Tok as TokEnum, Unit as UnitEnum } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Kw = KwEnum;
type Kw = KwEnum;
const Num = NumEnum;
const Str = StrEnum;
const Tok = TokEnum;
type Tok = TokEnum;
const MAX_DEPTH = BASE_MAX_DEPTH;
const Unit = UnitEnum;
type Unit = UnitEnum;

/** Binding power of binary operators by token kind; 0 for tokens that are not one. */
const PRECEDENCE = new Uint8Array(64);
PRECEDENCE[Tok.OrOr] = 1;
PRECEDENCE[Tok.AndAnd] = 2;
PRECEDENCE[Tok.EqEq] = 3;
PRECEDENCE[Tok.BangEq] = 3;
PRECEDENCE[Tok.Lt] = 4;
PRECEDENCE[Tok.LtEq] = 4;
PRECEDENCE[Tok.Gt] = 4;
PRECEDENCE[Tok.GtEq] = 4;
PRECEDENCE[Tok.Plus] = 5;
PRECEDENCE[Tok.Minus] = 5;
PRECEDENCE[Tok.Star] = 6;
PRECEDENCE[Tok.Slash] = 6;

const BINARY_OP: BinaryOp[] = [];
BINARY_OP[Tok.OrOr] = '||';
BINARY_OP[Tok.AndAnd] = '&&';
BINARY_OP[Tok.EqEq] = '==';
BINARY_OP[Tok.BangEq] = '!=';
BINARY_OP[Tok.Lt] = '<';
BINARY_OP[Tok.LtEq] = '<=';
BINARY_OP[Tok.Gt] = '>';
BINARY_OP[Tok.GtEq] = '>=';
BINARY_OP[Tok.Plus] = '+';
BINARY_OP[Tok.Minus] = '-';
BINARY_OP[Tok.Star] = '*';
BINARY_OP[Tok.Slash] = '/';

const UNIT_NAME = ['ms', 'ms', 's', 'm', 'h', 'd'] as const;
const UNIT_MS = [1, 1, 1000, 60_000, 3_600_000, 86_400_000];

/** Pooled parsers for template expressions, one per nesting level (see parseTemplateExpr). */
const templateParsers: ExprParser[] = [];
let templateLevel = 0;

/** How a block is named in "Expected '}' to close …" messages. */
export function blockOwner(kind: string, name: Name | undefined): string {
  if (kind === '') return 'the object';
  if (name === undefined || name.missing) return `the ${kind}`;
  return `the block of ${kind} '${name.text}'`;
}

export class ExprParser extends ParserBase implements TemplateHost {
  // ------------------------------------------------------------------ expressions

  /** Parses one expression; on a token that cannot start one, reports AG1006 and returns ErrorExpr. */
  parseExpr(): Expr {
    if (this.depth >= MAX_DEPTH) {
      if (!this.canStartExpr(this.tok())) return this.expectedExpr();
      const start = this.tokStart();
      this.skipTooDeep(false);
      return { kind: 'ErrorExpr', start, end: this.prevEnd };
    }
    this.depth++;
    const e = this.parseBinary(1);
    this.depth--;
    return e;
  }

  private parseBinary(minPrec: number): Expr {
    const first = this.tokStart();
    let left = this.parseUnary();
    const start = left.start < first ? left.start : first;
    const savedDepth = this.depth;
    let tooDeep = false;
    for (;;) {
      const prec = PRECEDENCE[this.tok()]!;
      if (prec < minPrec || prec === 0) break;
      const op = BINARY_OP[this.tok()]!;
      // A long operator chain nests as deeply as brackets do, so it counts against the limit.
      // Beyond it, the rest of the chain is still consumed (so it causes no follow-up errors)
      // but no longer becomes nodes.
      if (this.depth >= MAX_DEPTH) {
        if (!tooDeep) {
          this.errorHere('AG1010', `Nesting is too deep (more than ${MAX_DEPTH} operators in one chain). Split the expression.`);
          tooDeep = true;
        }
        this.skip();
        this.parseBinary(prec + 1);
        continue;
      }
      this.depth++;
      this.next();
      const right = this.parseBinary(prec + 1);
      left = { kind: 'Binary', start, end: this.prevEnd, op, left, right };
    }
    this.depth = savedDepth;
    return left;
  }

  private parseUnary(): Expr {
    if (this.tok() !== Tok.Bang && this.tok() !== Tok.Minus) return this.parsePostfix();
    // Collect the operators first and build the nodes afterwards, innermost first, so a long run
    // of operators needs no recursion.
    const firstStart = this.tokStart();
    const ops: ('!' | '-')[] = [];
    const starts: number[] = [];
    while (this.tok() === Tok.Bang || this.tok() === Tok.Minus) {
      ops.push(this.tok() === Tok.Bang ? '!' : '-');
      starts.push(this.tokStart());
      this.next();
    }
    const count = ops.length;
    const room = MAX_DEPTH - this.depth;
    if (count > room) {
      this.report(
        'AG1010',
        `Nesting is too deep (more than ${MAX_DEPTH} operators in a row). Remove the repeated operators.`,
        firstStart,
        this.prevEnd,
      );
    }
    const used = Math.max(0, Math.min(count, room));
    const saved = this.depth;
    this.depth += used;
    let e = this.parsePostfix();
    this.depth = saved;
    const end = this.prevEnd;
    const innermost = count - used;
    for (let i = count - 1; i >= innermost; i--) {
      // The outermost node covers any operators beyond the limit that were not given a node.
      const start = i === innermost ? firstStart : starts[i]!;
      e = { kind: 'Unary', start, end, op: ops[i]!, operand: e };
    }
    return e;
  }

  private parsePostfix(): Expr {
    const first = this.tokStart();
    let e = this.parsePrimary();
    if (this.tok() !== Tok.Dot && this.tok() !== Tok.LBracket) return e;
    const start = e.start < first ? e.start : first;
    const saved = this.depth;
    for (;;) {
      if (this.depth >= MAX_DEPTH) {
        this.errorHere('AG1010', `Nesting is too deep (more than ${MAX_DEPTH} levels of '.' and '[…]'). Split the expression.`);
        this.skipPostfixChain();
        break;
      }
      if (this.tok() === Tok.Dot) {
        this.depth++;
        this.next();
        const property = this.tok() === Tok.Ident ? this.takeName() : this.missingMember();
        e = { kind: 'Member', start, end: this.prevEnd, object: e, property };
      } else if (this.tok() === Tok.LBracket && !this.atLineStart()) {
        // An index must start on the same line: a '[' at the start of a line in a graph body
        // begins a join edge, not an index into the previous edge's condition.
        this.depth++;
        this.next();
        const index = this.parseExpr();
        if (this.tok() === Tok.RBracket) this.next();
        else this.errorMissing('AG1004', "Expected ']' to close the index.");
        e = { kind: 'Index', start, end: this.prevEnd, object: e, index };
      } else break;
    }
    this.depth = saved;
    return e;
  }

  /** Discards the rest of a `.name` / `[index]` chain once it is too deep to build. */
  private skipPostfixChain(): void {
    for (;;) {
      if (this.tok() === Tok.Dot) {
        this.skip();
        if (this.tok() === Tok.Ident) this.skip();
      } else if (this.tok() === Tok.LBracket && !this.atLineStart()) this.skipBalanced();
      else return;
    }
  }

  private missingMember(): Name {
    this.errorMissing('AG1004', "Expected a field name after '.'.");
    return this.missingName();
  }

  private expectedExpr(): Expr {
    this.errorMissing('AG1006', `Expected an expression (a value, a name or a call), found ${this.describeTok()}.`);
    return this.errorExpr();
  }

  private parsePrimary(): Expr {
    const start = this.tokStart();
    switch (this.tok()) {
      case Tok.Number:
        return this.numberLit();
      case Tok.Duration: {
        const sub = this.sub();
        const unit = (sub & Num.UnitMask) as Unit;
        const end = this.tokEnd();
        const value = this.numericValue(start, end - (unit === Unit.Ms ? 2 : 1));
        this.next();
        return { kind: 'DurationLit', start, end, ms: value * UNIT_MS[unit]!, unit: UNIT_NAME[unit]! };
      }
      case Tok.Money: {
        const end = this.tokEnd();
        const usd = this.numericValue(start + 1, end);
        this.next();
        return { kind: 'MoneyLit', start, end, usd };
      }
      case Tok.String:
      case Tok.TripleString:
        return this.stringLit();
      case Tok.Ident: {
        const kw = this.sub() as Kw;
        if (kw === Kw.True || kw === Kw.False) {
          const end = this.tokEnd();
          this.next();
          return { kind: 'BoolLit', start, end, value: kw === Kw.True };
        }
        if (kw === Kw.Null) {
          const end = this.tokEnd();
          this.next();
          return { kind: 'NullLit', start, end };
        }
        if (kw !== Kw.None && this.isDeclStart(0)) return this.expectedExpr();
        const next = this.peek(1);
        // `key:` never continues an expression: it is the next property, so the value is missing.
        if (next === Tok.Colon) return this.expectedExpr();
        if (next === Tok.LParen) {
          const callee = this.takeName();
          const args = this.parseArgs();
          return { kind: 'Call', start, end: this.prevEnd, callee, args };
        }
        const end = this.tokEnd();
        const name = this.wordText();
        this.next();
        return { kind: 'Ident', start, end, name };
      }
      case Tok.LBracket:
        return this.listLit();
      case Tok.LBrace: {
        this.next();
        const entries = this.parseBlock(undefined, '', undefined);
        const lit: ObjectLit = { kind: 'ObjectLit', start, end: this.prevEnd, entries };
        return lit;
      }
      case Tok.LParen: {
        this.next();
        const inner = this.parseExpr();
        if (this.tok() === Tok.RParen) this.next();
        else this.errorMissing('AG1004', "Expected ')' to close the parenthesised expression.");
        return inner;
      }
      default:
        return this.expectedExpr();
    }
  }

  // ------------------------------------------------------------------ literals

  /** The value of the number text[from, to) (which may be malformed: its valid prefix counts). */
  private numericValue(from: number, to: number): number {
    const v = numberValue(this.text, from, to);
    if (!Number.isFinite(v)) {
      this.errorHere('AG1008', `The number '${this.text.slice(from, to)}' is too large.`);
    }
    return v;
  }

  /** The current Number token as a NumberLit, consumed. */
  protected numberLit(): NumberLit {
    const start = this.tokStart();
    const end = this.tokEnd();
    const sub = this.sub();
    const value = this.numericValue(start, end);
    this.next();
    // A malformed number (`1.2.3`) reports its integer-ness from the prefix that was used.
    const integer = (sub & Num.Invalid) !== 0 ? Number.isInteger(value) : (sub & Num.Integer) !== 0;
    return { kind: 'NumberLit', start, end, value, integer };
  }

  /** The current String or TripleString token as a StringLit, consumed (templates included). */
  protected stringLit(): StringLit {
    const start = this.tokStart();
    const end = this.tokEnd();
    const sub = this.sub();
    const triple = this.tok() === Tok.TripleString;
    const quote = triple ? 3 : 1;
    const from = start + quote;
    const to = (sub & Str.Unterminated) !== 0 ? end : end - quote;
    const escape = (sub & Str.Escape) !== 0;
    const value = triple ? cookTriple(this.text, from, to, escape) : cookPlain(this.text, from, to, escape);
    // Consume first, so errors inside the templates are not swallowed by an earlier panic.
    this.next();
    const templates: TemplatePart[] =
      (sub & Str.Template) !== 0 ? scanTemplates(this, this.text, from, to, triple, escape) : [];
    return { kind: 'StringLit', start, end, value, triple, templates };
  }

  private listLit(): ListLit {
    const start = this.tokStart();
    this.next();
    const mark = this.mark();
    for (;;) {
      const k = this.tok();
      if (k === Tok.RBracket) {
        this.next();
        break;
      }
      if (k === Tok.Comma) {
        this.next();
        continue;
      }
      if (!this.canStartExpr(k) || this.isDeclStart(0)) {
        this.errorMissing('AG1004', `Expected ']' to close the list, found ${this.describeTok()}.`);
        if (!this.recoverInList(Tok.RBracket)) break;
        continue;
      }
      const before = this.pos;
      this.pushItem(this.parseExpr());
      // An item that consumed nothing (a `key:` where a value belongs) was reported already.
      if (this.pos === before) {
        if (!this.recoverInList(Tok.RBracket)) break;
        continue;
      }
      if (this.tok() === Tok.Comma || this.tok() === Tok.RBracket) continue;
      if (this.canStartExpr(this.tok()) && !(this.atLineStart() && this.isKeyColon(0)) && !this.isDeclStart(0)) {
        this.errorMissing('AG1004', "Expected ',' between list items.");
        continue;
      }
      this.errorMissing('AG1004', "Expected ']' to close the list.");
      if (!this.recoverInList(Tok.RBracket)) break;
    }
    const items = this.popItems<Expr>(mark);
    return { kind: 'ListLit', start, end: this.prevEnd, items };
  }

  /**
   * Skips to the next ',' or `closer` of a bracketed list. Returns false when it stopped at a
   * token that belongs to an outer construct instead (then the list is left unclosed).
   */
  protected recoverInList(closer: Tok): boolean {
    for (;;) {
      const k = this.tok();
      if (k === Tok.Comma || k === closer) return true;
      // Another closer, an arrow or a declaration belongs to the construct around the list.
      if (k === Tok.EOF || k === Tok.RBrace || k === Tok.RParen || k === Tok.RBracket || k === Tok.Arrow) return false;
      if (this.isDeclStart(0)) return false;
      if (k === Tok.Ident && this.atLineStart()) {
        // A line that starts a property, an edge or a graph clause ends the broken list.
        const next = this.peek(1);
        const kw = this.kw();
        if (next === Tok.Colon || next === Tok.Arrow || kw === Kw.Supervise || kw === Kw.Budget) return false;
      }
      this.skip();
    }
  }

  // ------------------------------------------------------------------ arguments

  /** `( arg, … )`; the current token is '('. */
  protected parseArgs(): Arg[] {
    this.next();
    const mark = this.mark();
    for (;;) {
      const k = this.tok();
      if (k === Tok.RParen) {
        this.next();
        break;
      }
      if (k === Tok.Comma) {
        this.next();
        continue;
      }
      if (!this.canStartExpr(k) || this.isDeclStart(0)) {
        this.errorMissing('AG1004', `Expected ')' to close the argument list, found ${this.describeTok()}.`);
        if (!this.recoverInList(Tok.RParen)) break;
        continue;
      }
      const before = this.pos;
      this.pushItem(this.parseArg());
      if (this.pos === before) {
        if (!this.recoverInList(Tok.RParen)) break;
        continue;
      }
      if (this.tok() === Tok.Comma || this.tok() === Tok.RParen) continue;
      if (this.canStartExpr(this.tok()) && !(this.atLineStart() && this.isKeyColon(0)) && !this.isDeclStart(0)) {
        this.errorMissing('AG1004', "Expected ',' between arguments.");
        continue;
      }
      this.errorMissing('AG1004', "Expected ')' to close the argument list.");
      if (!this.recoverInList(Tok.RParen)) break;
    }
    return this.popItems<Arg>(mark);
  }

  private parseArg(): Arg {
    if (this.tok() === Tok.Ident && this.peek(1) === Tok.Colon) {
      const name = this.takeName();
      this.next();
      const value = this.parseExpr();
      return { kind: 'Arg', start: name.start, end: this.prevEnd, name, value };
    }
    const value = this.parseExpr();
    return { kind: 'Arg', start: value.start, end: value.end, value };
  }

  // ------------------------------------------------------------------ property blocks

  /**
   * The properties of a `{ … }` block after its '{': `key: value` (commas optional) and, when
   * `asserts` is given (eval blocks), `assert expr` lines, which are added to it. Consumes the
   * closing '}'; when it is missing, reports it, naming the owner (`ownerKind` '' means an object
   * literal).
   */
  protected parseBlock(asserts: Assert[] | undefined, ownerKind: string, owner: Name | undefined): Property[] {
    const mark = this.mark();
    for (;;) {
      switch (this.tok()) {
        case Tok.RBrace:
          this.next();
          return this.popItems<Property>(mark);
        case Tok.Comma:
          this.next();
          continue;
        case Tok.EOF:
          this.errorMissing('AG1004', `Expected '}' to close ${blockOwner(ownerKind, owner)}.`);
          return this.popItems<Property>(mark);
        case Tok.Ident: {
          const next = this.peek(1);
          if (next === Tok.Colon) {
            this.pushItem(this.parseProperty());
            continue;
          }
          if (asserts !== undefined && this.kw() === Kw.Assert) {
            asserts.push(this.parseAssert());
            continue;
          }
          // An `assert` line inside an object literal means its '}' is missing (say, in an eval's
          // `variants: { … }`): close it here so the eval keeps its assertions.
          if (this.isDeclStart(0) || (ownerKind === '' && this.kw() === Kw.Assert)) {
            this.errorMissing('AG1004', `Expected '}' to close ${blockOwner(ownerKind, owner)}.`);
            return this.popItems<Property>(mark);
          }
          this.pushItem(this.parseProperty());
          continue;
        }
        default:
          this.errorHere(
            'AG1004',
            `Expected a property 'name: value' or '}' to close ${blockOwner(ownerKind, owner)}, found ${this.describeTok()}.`,
          );
          this.skip();
          this.recoverInBlock();
      }
    }
  }

  /** Skips to the next thing that can continue a block: a `key:`, a word on a new line, or '}'. */
  private recoverInBlock(): void {
    for (;;) {
      const k = this.tok();
      if (k === Tok.RBrace || k === Tok.EOF) return;
      if (k === Tok.Ident && (this.peek(1) === Tok.Colon || this.atLineStart() || this.isDeclStart(0))) return;
      this.skip();
    }
  }

  /** `key: value [backoff strategy(args)]`; the current token is the key word. */
  protected parseProperty(): Property {
    const key = this.takeName();
    let value: Expr;
    if (this.tok() === Tok.Colon) {
      this.next();
      value = this.parseExpr();
    } else {
      this.errorMissing('AG1004', `Expected ':' after '${key.text}'.`);
      // Take a value that follows on the same line (`model fast`); otherwise leave it missing.
      value =
        this.canStartExpr(this.tok()) && !this.atLineStart() && !this.isKeyColon(0) && !this.isDeclStart(0)
          ? this.parseExpr()
          : this.errorExpr();
    }
    if (this.tok() === Tok.Ident && this.sub() === Kw.Backoff && this.peek(1) !== Tok.Colon) {
      const backoff = this.parseBackoff();
      return { kind: 'Property', start: key.start, end: this.prevEnd, key, value, backoff };
    }
    return { kind: 'Property', start: key.start, end: this.prevEnd, key, value };
  }

  private parseBackoff(): Backoff {
    const start = this.tokStart();
    this.next();
    const strategy = this.nameOr(
      'AG1004',
      "Expected a backoff strategy after 'backoff': exponential(…), linear(…) or constant(…).",
    );
    const args = this.tok() === Tok.LParen && !strategy.missing ? this.parseArgs() : [];
    return { kind: 'Backoff', start, end: this.prevEnd, strategy, args };
  }

  private parseAssert(): Assert {
    const start = this.tokStart();
    this.next();
    const expr = this.parseExpr();
    return { kind: 'Assert', start, end: this.prevEnd, expr };
  }

  /** One expression filling the whole input (parseExpression); trailing tokens are reported. */
  parseStandalone(): Expr {
    const expr = this.parseExpr();
    if (this.tok() !== Tok.EOF) {
      this.errorHere('AG1004', `Expected the end of the expression, found ${this.describeTok()}.`);
    }
    return expr;
  }

  // ------------------------------------------------------------------ templates (TemplateHost)

  parseTemplateExpr(start: number, end: number, silent: boolean): Expr {
    // A spec has thousands of templates, so their parsers are pooled. Template parsers nest only
    // through strings inside template expressions, so one parser per nesting level is enough: a
    // level's parser is free again once it has returned, and nothing in between can throw.
    const level = templateLevel++;
    let sub = templateParsers[level];
    if (sub === undefined) {
      sub = new ExprParser(this.text, this.sink, start, end, this.depth);
      templateParsers[level] = sub;
    } else sub.restart(this.text, this.sink, start, end, this.depth);
    sub.silent = silent;
    const expr = sub.parseExpr();
    if (sub.tok() !== Tok.EOF) {
      sub.errorHere('AG1004', `Expected '}}' after the template expression, found ${sub.describeTok()}.`);
    }
    templateLevel--;
    return expr;
  }

  emptyTemplateExpr(at: number): Expr {
    return { kind: 'ErrorExpr', start: at, end: at };
  }

  reportTemplate(code: 'AG1009', message: string, start: number, end: number): void {
    if (!this.silent) this.sink.add(code, message, start, end);
  }
}
