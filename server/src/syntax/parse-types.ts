// Type expressions (`string`, literals, `list<T>`, `map<T>`, `T?`, unions, inline objects, names),
// object-type field lists with their doc comments, and parameter lists.
import type { Field, Name, ObjectType, Param, TypeExpr } from './ast.ts';
import { MAX_DEPTH as BASE_MAX_DEPTH } from './parse-base.ts';
import { ExprParser } from './parse-exprs.ts';
import { cookPlain, cookTriple } from './parse-strings.ts';
import { Kw as KwEnum, Str as StrEnum, Tok as TokEnum } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Kw = KwEnum;
type Kw = KwEnum;
const Str = StrEnum;
const Tok = TokEnum;
type Tok = TokEnum;
const MAX_DEPTH = BASE_MAX_DEPTH;

export class TypeParser extends ExprParser {
  /** True for tokens that can begin a type (used to decide whether to try one after an error). */
  protected canStartType(k: Tok): boolean {
    switch (k) {
      case Tok.Ident:
      case Tok.String:
      case Tok.TripleString:
      case Tok.Number:
      case Tok.LBrace:
      case Tok.LParen:
      case Tok.Pipe:
      case Tok.Minus:
        return true;
      default:
        return false;
    }
  }

  /** A type expression; unions bind loosest, then `T?`, then primary types. */
  parseType(): TypeExpr {
    if (this.depth >= MAX_DEPTH) {
      if (!this.canStartType(this.tok())) return this.expectedType();
      const start = this.tokStart();
      this.skipTooDeep(true);
      return { kind: 'ErrorType', start, end: this.prevEnd };
    }
    this.depth++;
    const start = this.tokStart();
    const leadingPipe = this.tok() === Tok.Pipe;
    if (leadingPipe) this.next();
    const first = this.parseOptionalType();
    let result: TypeExpr = first;
    if (leadingPipe || this.tok() === Tok.Pipe) {
      const mark = this.mark();
      this.pushItem(first);
      while (this.tok() === Tok.Pipe) {
        this.next();
        this.pushItem(this.parseOptionalType());
      }
      const members = this.popItems<TypeExpr>(mark);
      const unionStart = leadingPipe ? start : first.start;
      result = { kind: 'UnionType', start: unionStart < first.start ? unionStart : first.start, end: this.prevEnd, members };
    }
    this.depth--;
    return result;
  }

  private parseOptionalType(): TypeExpr {
    const first = this.tokStart();
    const inner = this.parsePrimaryType();
    if (this.tok() !== Tok.Question) return inner;
    // `T??` means the same as `T?`; repeated marks extend one node instead of nesting, which
    // also keeps a long run of them from building a deep tree. The node starts at a '(' that
    // wraps the inner type.
    while (this.tok() === Tok.Question) this.next();
    return { kind: 'OptionalType', start: inner.start < first ? inner.start : first, end: this.prevEnd, inner };
  }

  private expectedType(): TypeExpr {
    this.errorMissing(
      'AG1007',
      `Expected a type (string, number, integer, boolean, list<T>, map<T>, a literal, { … } or a type name), found ${this.describeTok()}.`,
    );
    return { kind: 'ErrorType', start: this.prevEnd, end: this.prevEnd };
  }

  private parsePrimaryType(): TypeExpr {
    const start = this.tokStart();
    switch (this.tok()) {
      case Tok.Ident: {
        const kw = this.sub() as Kw;
        const end = this.tokEnd();
        switch (kw) {
          case Kw.String:
          case Kw.Number:
          case Kw.Integer:
          case Kw.Boolean: {
            const name = kw === Kw.String ? 'string' : kw === Kw.Number ? 'number' : kw === Kw.Integer ? 'integer' : 'boolean';
            this.next();
            return { kind: 'PrimitiveType', start, end, name };
          }
          case Kw.True:
          case Kw.False:
            this.next();
            return { kind: 'LiteralType', start, end, value: kw === Kw.True };
          case Kw.List:
          case Kw.Map:
            if (this.peek(1) === Tok.Lt) return this.genericType(kw === Kw.List);
            break;
          default:
            if (kw !== Kw.None && this.isDeclStart(0)) return this.expectedType();
        }
        // `name:` or `name?:` is the next field or parameter, so this type is missing.
        const next = this.peek(1);
        if (next === Tok.Colon || (next === Tok.Question && this.peek(2) === Tok.Colon)) return this.expectedType();
        const name = this.takeName();
        return { kind: 'NamedType', start, end, name };
      }
      case Tok.String:
      case Tok.TripleString: {
        const end = this.tokEnd();
        const sub = this.sub();
        const triple = this.tok() === Tok.TripleString;
        const quote = triple ? 3 : 1;
        const to = (sub & Str.Unterminated) !== 0 ? end : end - quote;
        const escape = (sub & Str.Escape) !== 0;
        const value = triple
          ? cookTriple(this.text, start + quote, to, escape)
          : cookPlain(this.text, start + quote, to, escape);
        this.next();
        return { kind: 'LiteralType', start, end, value };
      }
      case Tok.Number: {
        const lit = this.numberLit();
        return { kind: 'LiteralType', start, end: lit.end, value: lit.value };
      }
      case Tok.Minus:
        if (this.peek(1) === Tok.Number) {
          this.next();
          const lit = this.numberLit();
          return { kind: 'LiteralType', start, end: lit.end, value: -lit.value };
        }
        return this.expectedType();
      case Tok.LBrace:
        return this.objectType(undefined);
      case Tok.LParen: {
        this.next();
        const inner = this.parseType();
        if (this.tok() === Tok.RParen) this.next();
        else this.errorMissing('AG1004', "Expected ')' to close the parenthesised type.");
        return inner;
      }
      default:
        return this.expectedType();
    }
  }

  /** `list<T>` or `map<T>`; the current token is `list` or `map` and the next is '<'. */
  private genericType(isList: boolean): TypeExpr {
    const start = this.tokStart();
    this.next();
    this.next();
    const arg = this.parseType();
    if (this.tok() === Tok.Gt) this.next();
    else this.errorMissing('AG1004', `Expected '>' to close '${isList ? 'list' : 'map'}<'.`);
    return isList
      ? { kind: 'ListType', start, end: this.prevEnd, element: arg }
      : { kind: 'MapType', start, end: this.prevEnd, value: arg };
  }

  /**
   * `{ field, … }`; the current token is '{'. `owner` names the type declaration whose body this
   * is, for the message about a missing '}'.
   */
  protected objectType(owner: Name | undefined): ObjectType {
    const start = this.tokStart();
    this.next();
    const mark = this.mark();
    for (;;) {
      switch (this.tok()) {
        case Tok.RBrace:
          this.next();
          return { kind: 'ObjectType', start, end: this.prevEnd, fields: this.popItems<Field>(mark) };
        case Tok.Comma:
          this.next();
          continue;
        case Tok.EOF:
          this.errorMissing('AG1004', this.closeTypeMessage(owner));
          return { kind: 'ObjectType', start, end: this.prevEnd, fields: this.popItems<Field>(mark) };
        case Tok.Ident:
          if (this.isDeclStart(0)) {
            this.errorMissing('AG1004', this.closeTypeMessage(owner));
            return { kind: 'ObjectType', start, end: this.prevEnd, fields: this.popItems<Field>(mark) };
          }
          this.pushItem(this.parseField());
          continue;
        default:
          this.errorHere('AG1004', `Expected a field 'name: type' or '}', found ${this.describeTok()}.`);
          this.skip();
          while (this.tok() !== Tok.Ident && this.tok() !== Tok.RBrace && this.tok() !== Tok.EOF) this.skip();
      }
    }
  }

  private closeTypeMessage(owner: Name | undefined): string {
    return owner === undefined || owner.missing
      ? "Expected '}' to close the object type."
      : `Expected '}' to close the body of type '${owner.text}'.`;
  }

  /** `name: T` or `name?: T`, with the doc comment above it; the current token is the name. */
  private parseField(): Field {
    const doc = this.docHere();
    const name = this.takeName();
    let optional = false;
    if (this.tok() === Tok.Question) {
      optional = true;
      this.next();
    }
    let type: TypeExpr;
    if (this.tok() === Tok.Colon) {
      this.next();
      type = this.parseType();
    } else {
      this.errorMissing('AG1004', `Expected ':' and a type after field '${name.text}'.`);
      type =
        this.canStartType(this.tok()) && this.tok() !== Tok.LBrace && !this.atLineStart() && !this.isKeyColon(0)
          ? this.parseType()
          : { kind: 'ErrorType', start: this.prevEnd, end: this.prevEnd };
    }
    const field: Field = { kind: 'Field', start: name.start, end: this.prevEnd, name, optional, type };
    if (doc !== undefined) field.doc = doc;
    return field;
  }

  /**
   * `( name: T, … )`; the current token is '('. `ownerKind`/`owner` name the declaration for
   * messages. Stops without consuming at '->' or '{' when the ')' is missing.
   */
  protected parseParams(ownerKind: string, owner: Name): Param[] {
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
      if (k === Tok.Ident && !this.isDeclStart(0)) {
        this.pushItem(this.parseParam());
        if (this.tok() === Tok.Comma || this.tok() === Tok.RParen) continue;
        if (this.tok() === Tok.Ident && this.peek(1) === Tok.Colon && !this.isDeclStart(0)) {
          this.errorMissing('AG1004', "Expected ',' between parameters.");
          continue;
        }
      }
      this.errorMissing('AG1004', `Expected ')' to close the parameter list of ${ownerKind} '${owner.text}'.`);
      // Resume at the next ',' or ')', but never skip past '->' or '{', which start the rest of
      // the declaration.
      while (
        this.tok() !== Tok.Comma &&
        this.tok() !== Tok.RParen &&
        this.tok() !== Tok.Arrow &&
        this.tok() !== Tok.LBrace &&
        this.tok() !== Tok.RBrace &&
        this.tok() !== Tok.EOF &&
        !this.isDeclStart(0)
      ) {
        this.skip();
      }
      if (this.tok() !== Tok.Comma && this.tok() !== Tok.RParen) break;
    }
    return this.popItems<Param>(mark);
  }

  private parseParam(): Param {
    const name = this.takeName();
    let type: TypeExpr;
    if (this.tok() === Tok.Colon) {
      this.next();
      type = this.parseType();
    } else {
      this.errorMissing('AG1004', `Expected ':' and a type after parameter '${name.text}'.`);
      type =
        this.tok() === Tok.Ident && !this.atLineStart()
          ? this.parseType()
          : { kind: 'ErrorType', start: this.prevEnd, end: this.prevEnd };
    }
    return { kind: 'Param', start: name.start, end: this.prevEnd, name, type };
  }
}
