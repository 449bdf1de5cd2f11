// Graph bodies: `budget { … }`, properties, edges (`SOURCE -> TARGET [when EXPR | otherwise]
// [max N]`, including joins, fan-outs, `for … in … max W` and `end(…)`) and `supervise` clauses.
// Every edge keyword is contextual: a word followed by ':' is always a property.
import type {
  Budget,
  Edge,
  EdgeSource,
  EdgeTarget,
  EndTarget,
  Expr,
  FanOut,
  ForEach,
  GraphItem,
  Name,
  NodeCall,
  NodeRef,
  NumberLit,
  Span,
  Supervise,
} from './ast.ts';
import { TypeParser } from './parse-types.ts';
import { Flag as FlagEnum, Kw as KwEnum, Tok as TokEnum } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Flag = FlagEnum;
const Kw = KwEnum;
const Tok = TokEnum;

export class GraphParser extends TypeParser {
  /**
   * The items of a graph body after its '{', up to and including the closing '}' (reported,
   * naming the graph, when missing).
   */
  protected parseGraphBody(graph: Name): GraphItem[] {
    const mark = this.mark();
    for (;;) {
      const k = this.tok();
      if (k === Tok.RBrace) {
        this.next();
        return this.popItems<GraphItem>(mark);
      }
      if (k === Tok.Comma) {
        this.next();
        continue;
      }
      if (k === Tok.EOF) {
        this.errorMissing('AG1004', this.closeGraphMessage(graph));
        return this.popItems<GraphItem>(mark);
      }
      if (k === Tok.LBracket) {
        this.pushItem(this.parseEdge());
        continue;
      }
      if (k === Tok.Ident) {
        const next = this.peek(1);
        if (next === Tok.Colon) {
          this.pushItem(this.parseProperty());
          continue;
        }
        if (next === Tok.Arrow) {
          this.pushItem(this.parseEdge());
          continue;
        }
        const kw = this.kw();
        if (kw === Kw.Budget && next === Tok.LBrace) {
          this.pushItem(this.parseBudget());
          continue;
        }
        if (kw === Kw.Supervise) {
          this.pushItem(this.parseSupervise());
          continue;
        }
        if (this.isDeclStart(0)) {
          this.errorMissing('AG1004', this.closeGraphMessage(graph));
          return this.popItems<GraphItem>(mark);
        }
        if ((next === Tok.Ident || next === Tok.LBracket) && !this.flagNewlineAt(1)) {
          // `a b(x)`: an edge missing its arrow; parseEdge reports it and reads the target.
          this.pushItem(this.parseEdge());
          continue;
        }
      }
      this.errorHere(
        'AG1004',
        `Expected an edge 'source -> target(…)', a property 'name: value', 'budget { … }' or 'supervise …', found ${this.describeTok()}.`,
      );
      this.skip();
      this.recoverInGraph();
    }
  }

  private closeGraphMessage(graph: Name): string {
    return graph.missing ? "Expected '}' to close the graph." : `Expected '}' to close the body of graph '${graph.text}'.`;
  }

  private flagNewlineAt(ahead: number): boolean {
    return (this.flagsAt(ahead) & Flag.Newline) !== 0;
  }

  /** Skips to something that can start a graph item: a word or '[' on a new line, `key:`, `a ->`, '}'. */
  private recoverInGraph(): void {
    for (;;) {
      const k = this.tok();
      if (k === Tok.RBrace || k === Tok.EOF) return;
      if (k === Tok.Ident || k === Tok.LBracket) {
        if (this.atLineStart()) return;
        const next = this.peek(1);
        if (k === Tok.Ident && (next === Tok.Colon || next === Tok.Arrow || this.isDeclStart(0))) return;
      }
      this.skip();
    }
  }

  private parseBudget(): Budget {
    const start = this.tokStart();
    this.next();
    this.next();
    const props = this.parseBlock(undefined, 'budget', undefined);
    return { kind: 'Budget', start, end: this.prevEnd, props };
  }

  // ------------------------------------------------------------------ edges

  private parseEdge(): Edge {
    const start = this.tokStart();
    let source: EdgeSource;
    if (this.tok() === Tok.LBracket) {
      const bracketStart = this.tokStart();
      const nodes = this.parseNodeRefList('join');
      source = { kind: 'JoinSource', start: bracketStart, end: this.prevEnd, nodes };
    } else if (this.kw() === Kw.Start) {
      source = { kind: 'StartRef', start, end: this.tokEnd() };
      this.next();
    } else {
      const name = this.takeName();
      source = { kind: 'NodeRef', start: name.start, end: name.end, name };
    }
    let target: EdgeTarget;
    if (this.tok() === Tok.Arrow) {
      this.next();
      target = this.parseTarget();
    } else {
      this.errorMissing('AG1004', "Expected '->' after the edge source, e.g. classify -> billing(ticket).");
      // Read a target written on the same line (`a b(x)`); otherwise leave it missing.
      target =
        (this.tok() === Tok.Ident || this.tok() === Tok.LBracket) && !this.atLineStart() && !this.isKeyColon(0)
          ? this.parseTarget()
          : this.missingTarget();
    }
    // Modifiers in any order, each at most once. A modifier word followed by ':' is a property.
    let when: Expr | undefined;
    let otherwise: Span | undefined;
    let max: NumberLit | undefined;
    for (;;) {
      if (this.tok() !== Tok.Ident || this.peek(1) === Tok.Colon) break;
      const kw = this.kw();
      if (kw === Kw.When && when === undefined && otherwise === undefined) {
        this.next();
        when = this.parseExpr();
      } else if (kw === Kw.Otherwise && when === undefined && otherwise === undefined) {
        otherwise = { start: this.tokStart(), end: this.tokEnd() };
        this.next();
      } else if (kw === Kw.Max && max === undefined) {
        this.next();
        max = this.maxBound();
        if (max === undefined) break;
      } else break;
    }
    // Built in one go with only the fields present: adding properties to a finished object
    // literal would give it a second, out-of-object property store.
    const end = this.prevEnd;
    if (when !== undefined) {
      return max !== undefined
        ? { kind: 'Edge', start, end, source, target, when, max }
        : { kind: 'Edge', start, end, source, target, when };
    }
    if (otherwise !== undefined) {
      return max !== undefined
        ? { kind: 'Edge', start, end, source, target, otherwise, max }
        : { kind: 'Edge', start, end, source, target, otherwise };
    }
    return max !== undefined ? { kind: 'Edge', start, end, source, target, max } : { kind: 'Edge', start, end, source, target };
  }

  /** The number after `max` (the current token), or undefined after reporting its absence. */
  private maxBound(): NumberLit | undefined {
    if (this.tok() === Tok.Number) return this.numberLit();
    this.errorMissing('AG1004', `Expected a whole number after 'max', e.g. max 3, found ${this.describeTok()}.`);
    return undefined;
  }

  private missingTarget(): NodeCall {
    return { kind: 'NodeCall', start: this.prevEnd, end: this.prevEnd, name: this.missingName(), args: [] };
  }

  private parseTarget(): EdgeTarget {
    if (this.tok() === Tok.LBracket) return this.parseFanOut();
    // A word followed by '->' or ':' starts the next edge or property: the target is missing.
    if (this.tok() === Tok.Ident && !this.isDeclStart(0) && !this.isKeyColon(0) && this.peek(1) !== Tok.Arrow) {
      if (this.kw() === Kw.End) return this.parseEnd();
      return this.parseNodeCall(true);
    }
    this.errorMissing(
      'AG1004',
      `Expected a target after '->': a call such as billing(ticket), a fan-out [a(…), b(…)] or end(value), found ${this.describeTok()}.`,
    );
    return this.missingTarget();
  }

  private parseEnd(): EndTarget {
    const start = this.tokStart();
    this.next();
    if (this.tok() !== Tok.LParen) {
      this.errorMissing('AG1004', "Expected '(' after 'end': write end(value) or end().");
      return { kind: 'EndTarget', start, end: this.prevEnd };
    }
    this.next();
    if (this.tok() === Tok.RParen) {
      this.next();
      return { kind: 'EndTarget', start, end: this.prevEnd };
    }
    const value: Expr = this.parseExpr();
    if (this.tok() === Tok.RParen) this.next();
    else this.errorMissing('AG1004', "Expected ')' to close 'end('.");
    return { kind: 'EndTarget', start, end: this.prevEnd, value };
  }

  /** `name(args)`, and when `allowFor`, an optional `for x in list [max W]`. */
  private parseNodeCall(allowFor: boolean): NodeCall {
    const name = this.takeName();
    let args: NodeCall['args'];
    if (this.tok() === Tok.LParen) args = this.parseArgs();
    else {
      this.errorMissing('AG1004', `Expected '(' and arguments after '${name.text}', e.g. ${name.text}(…).`);
      args = [];
    }
    const call: NodeCall = { kind: 'NodeCall', start: name.start, end: this.prevEnd, name, args };
    if (allowFor && this.tok() === Tok.Ident && this.sub() === Kw.For && this.peek(1) !== Tok.Colon) {
      call.forEach = this.parseForEach();
      call.end = this.prevEnd;
    }
    return call;
  }

  private parseForEach(): ForEach {
    const start = this.tokStart();
    this.next();
    let variable: Name;
    if (this.tok() === Tok.Ident && this.sub() !== Kw.In) variable = this.takeName();
    else {
      this.errorMissing('AG1004', "Expected a loop variable after 'for', e.g. for t in plan.topics.");
      variable = this.missingName();
    }
    let list: Expr;
    if (this.tok() === Tok.Ident && this.sub() === Kw.In) {
      this.next();
      list = this.parseExpr();
    } else {
      this.errorMissing('AG1004', `Expected 'in' and a list after 'for ${variable.text}'.`);
      list = this.canStartExpr(this.tok()) && !this.atLineStart() ? this.parseExpr() : this.errorExpr();
    }
    const forEach: ForEach = { kind: 'ForEach', start, end: this.prevEnd, variable, list };
    if (this.tok() === Tok.Ident && this.sub() === Kw.Max && this.peek(1) !== Tok.Colon) {
      this.next();
      const max = this.maxBound();
      if (max !== undefined) forEach.max = max;
      forEach.end = this.prevEnd;
    }
    return forEach;
  }

  private parseFanOut(): FanOut {
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
      if (k === Tok.Ident && !this.isDeclStart(0) && !(this.atLineStart() && this.isKeyColon(0))) {
        this.pushItem(this.parseNodeCall(false));
        if (this.tok() === Tok.Comma || this.tok() === Tok.RBracket) continue;
      }
      this.errorMissing('AG1004', `Expected ']' to close the fan-out, found ${this.describeTok()}.`);
      if (!this.recoverInList(Tok.RBracket)) break;
    }
    const calls = this.popItems<NodeCall>(mark);
    return { kind: 'FanOut', start, end: this.prevEnd, calls };
  }

  /** `[a, b, …]` of node names (a join source or supervised children); the current token is '['. */
  private parseNodeRefList(what: 'join' | 'children'): NodeRef[] {
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
      if (k === Tok.Ident && !this.isDeclStart(0) && !(this.atLineStart() && this.isKeyColon(0))) {
        const name = this.takeName();
        const ref: NodeRef = { kind: 'NodeRef', start: name.start, end: name.end, name };
        this.pushItem(ref);
        if (this.tok() === Tok.Comma || this.tok() === Tok.RBracket) continue;
      }
      this.errorMissing(
        'AG1004',
        what === 'join'
          ? `Expected ']' to close the list of joined nodes, found ${this.describeTok()}.`
          : `Expected ']' to close the list of supervised children, found ${this.describeTok()}.`,
      );
      if (!this.recoverInList(Tok.RBracket)) break;
    }
    return this.popItems<NodeRef>(mark);
  }

  // ------------------------------------------------------------------ supervise

  private missingStrategy(): Name {
    this.errorMissing('AG1004', 'Expected a restart strategy: one_for_one(…), one_for_all(…) or rest_for_one(…).');
    return this.missingName();
  }

  private parseSupervise(): Supervise {
    const start = this.tokStart();
    this.next();
    let name: Name | undefined;
    if (this.tok() === Tok.Ident && this.peek(1) === Tok.LBracket) name = this.takeName();
    let children: NodeRef[];
    if (this.tok() === Tok.LBracket) children = this.parseNodeRefList('children');
    else {
      this.errorMissing(
        'AG1004',
        "Expected '[' and the supervised children, e.g. supervise [a, b] one_for_one(max_restarts: 3, within: 60s).",
      );
      children = [];
    }
    // The strategy may sit on the next line, but a `key:` or `a ->` there starts the next item.
    const strategy =
      this.tok() === Tok.Ident &&
      this.kw() !== Kw.Escalate &&
      !this.isKeyColon(0) &&
      this.peek(1) !== Tok.Arrow &&
      !this.isDeclStart(0)
        ? this.takeName()
        : this.missingStrategy();
    const args = this.tok() === Tok.LParen && !strategy.missing ? this.parseArgs() : [];
    const node: Supervise = { kind: 'Supervise', start, end: this.prevEnd, children, strategy, args };
    if (name !== undefined) node.name = name;
    if (this.tok() === Tok.Ident && this.sub() === Kw.Escalate && this.peek(1) !== Tok.Colon) {
      this.next();
      const target = this.nameOr('AG1004', "Expected the human or graph to escalate to after 'escalate'.");
      node.escalate = { kind: 'NodeRef', start: target.start, end: target.end, name: target };
    }
    node.end = this.prevEnd;
    return node;
  }
}
