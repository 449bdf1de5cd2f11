// Top-level declarations: import, type, model, tool, agent, human, graph and eval. The file loop
// resynchronises on a declaration keyword or a `///` doc comment after anything it cannot use,
// so one broken declaration never hides the ones after it.
import type {
  AgentDecl,
  Assert,
  Decl,
  EvalDecl,
  GraphDecl,
  GraphItem,
  HumanDecl,
  ImportDecl,
  ModelDecl,
  Name,
  Param,
  Property,
  SourceFile,
  StringLit,
  ToolDecl,
  TypeDecl,
  TypeExpr,
} from './ast.ts';
import { GraphParser } from './parse-graph.ts';
import { Flag as FlagEnum, Kw as KwEnum, Tok as TokEnum } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Flag = FlagEnum;
const Kw = KwEnum;
const Tok = TokEnum;

export class DeclParser extends GraphParser {
  parseFile(): SourceFile {
    const decls: Decl[] = [];
    while (this.tok() !== Tok.EOF) {
      if (this.atDeclKeyword()) {
        decls.push(this.parseDecl());
        continue;
      }
      this.errorHere(
        'AG1005',
        this.tok() === Tok.RBrace
          ? "Unexpected '}' at the top level: remove it, or check the braces of the declaration above."
          : `Expected a declaration (import, type, model, tool, agent, human, graph or eval), found ${this.describeTok()}.`,
      );
      this.skip();
      while (this.tok() !== Tok.EOF && !this.atDeclKeyword() && (this.curFlags() & Flag.Doc) === 0) this.skip();
    }
    return { kind: 'SourceFile', start: 0, end: this.text.length, decls };
  }

  private parseDecl(): Decl {
    const doc = this.docHere();
    let decl: Decl;
    switch (this.kw()) {
      case Kw.Import:
        decl = this.parseImport();
        break;
      case Kw.Type:
        return this.parseTypeDecl(doc);
      case Kw.Model:
        decl = this.parseModel();
        break;
      case Kw.Graph:
        decl = this.parseGraph();
        break;
      case Kw.Eval:
        decl = this.parseEval();
        break;
      default:
        return this.parseCallable(doc);
    }
    if (doc !== undefined) decl.doc = doc;
    return decl;
  }

  /** The declared name after the keyword (already consumed). */
  private declName(word: string): Name {
    return this.nameOr('AG1004', `Expected a name after '${word}'.`);
  }

  private parseImport(): ImportDecl {
    const start = this.tokStart();
    this.next();
    let path: StringLit;
    if (this.tok() === Tok.String || this.tok() === Tok.TripleString) path = this.stringLit();
    else {
      this.errorMissing('AG1004', `Expected a path string after 'import', e.g. import "models.agentgraph".`);
      path = { kind: 'StringLit', start: this.prevEnd, end: this.prevEnd, value: '', triple: false, templates: [] };
    }
    return { kind: 'ImportDecl', start, end: this.prevEnd, path };
  }

  /** Types, agents and tools are the declarations that usually carry docs; they are built with it. */
  private parseTypeDecl(doc: string | undefined): TypeDecl {
    const start = this.tokStart();
    this.next();
    const name = this.declName('type');
    let type: TypeExpr;
    if (this.tok() === Tok.LBrace) type = this.objectType(name);
    else if (this.tok() === Tok.Eq) {
      this.next();
      type = this.parseType();
    } else {
      this.errorMissing('AG1004', `Expected '{' with fields or '=' and a type after 'type ${name.text}'.`);
      type = { kind: 'ErrorType', start: this.prevEnd, end: this.prevEnd };
    }
    const end = this.prevEnd;
    return doc === undefined ? { kind: 'TypeDecl', start, end, name, type } : { kind: 'TypeDecl', start, end, doc, name, type };
  }

  private parseModel(): ModelDecl {
    const start = this.tokStart();
    this.next();
    const name = this.declName('model');
    const example = 'e.g. model fast = openai("gpt-4o-mini")';
    let provider: Name;
    if (this.tok() === Tok.Eq) {
      this.next();
      provider = this.nameOr('AG1004', `Expected a provider after '=', ${example}.`);
    } else {
      this.errorMissing('AG1004', `Expected '=' and a provider after 'model ${name.text}', ${example}.`);
      provider = this.tok() === Tok.Ident && !this.atLineStart() && !this.isDeclStart(0) ? this.takeName() : this.missingName();
    }
    let modelId: StringLit | undefined;
    if (this.tok() === Tok.LParen) {
      this.next();
      if (this.tok() === Tok.String || this.tok() === Tok.TripleString) modelId = this.stringLit();
      else this.errorMissing('AG1004', `Expected the model id as a string, ${example}.`);
      if (this.tok() === Tok.RParen) this.next();
      else {
        this.errorMissing('AG1004', `Expected ')' after the model id, ${example}.`);
        this.skipToCloseParen();
      }
    } else if (!provider.missing) {
      this.errorMissing('AG1004', `Expected '(' and the model id after '${provider.text}', ${example}.`);
    }
    let props: Property[] = [];
    if (this.tok() === Tok.LBrace) {
      this.next();
      props = this.parseBlock(undefined, 'model', name);
    }
    const decl: ModelDecl = { kind: 'ModelDecl', start, end: this.prevEnd, name, provider, props };
    if (modelId !== undefined) decl.modelId = modelId;
    return decl;
  }

  /** Recovery inside `( … )` on one line: skip to the ')' (consumed) unless a '{' or new line comes first. */
  private skipToCloseParen(): void {
    while (this.tok() !== Tok.EOF && this.tok() !== Tok.LBrace && this.tok() !== Tok.RBrace && !this.atLineStart()) {
      if (this.tok() === Tok.RParen) {
        this.skip();
        return;
      }
      this.skip();
    }
  }

  /** `(params) -> Result` shared by tools, agents, humans and graphs. */
  private signature(word: string, name: Name): { params: Param[]; result: TypeExpr } {
    let params: Param[];
    if (this.tok() === Tok.LParen) params = this.parseParams(word, name);
    else {
      this.errorMissing('AG1004', `Expected '(' and the parameters of ${word} '${name.text}' (write () for none).`);
      params = [];
    }
    let result: TypeExpr;
    if (this.tok() === Tok.Arrow) {
      this.next();
      result = this.parseType();
    } else {
      this.errorMissing('AG1004', `Expected '->' and a result type after the parameters of ${word} '${name.text}'.`);
      result =
        this.tok() === Tok.Ident && !this.atLineStart() && !this.isDeclStart(0)
          ? this.parseType()
          : { kind: 'ErrorType', start: this.prevEnd, end: this.prevEnd };
    }
    return { params, result };
  }

  private parseCallable(doc: string | undefined): ToolDecl | AgentDecl | HumanDecl {
    const start = this.tokStart();
    const kw = this.kw();
    const word = kw === Kw.Tool ? 'tool' : kw === Kw.Human ? 'human' : 'agent';
    this.next();
    const name = this.declName(word);
    const { params, result } = this.signature(word, name);
    let props: Property[] = [];
    if (this.tok() === Tok.LBrace) {
      this.next();
      props = this.parseBlock(undefined, word, name);
    } else if (kw !== Kw.Human) {
      this.errorMissing('AG1004', `Expected '{' to start the block of ${word} '${name.text}'.`);
    }
    const kind = kw === Kw.Tool ? 'ToolDecl' : kw === Kw.Human ? 'HumanDecl' : 'AgentDecl';
    const end = this.prevEnd;
    return doc === undefined
      ? { kind, start, end, name, params, result, props }
      : { kind, start, end, doc, name, params, result, props };
  }

  private parseGraph(): GraphDecl {
    const start = this.tokStart();
    this.next();
    const name = this.declName('graph');
    const { params, result } = this.signature('graph', name);
    let items: GraphItem[] = [];
    if (this.tok() === Tok.LBrace) {
      this.next();
      items = this.parseGraphBody(name);
    } else {
      this.errorMissing('AG1004', `Expected '{' to start the body of graph '${name.text}'.`);
    }
    return { kind: 'GraphDecl', start, end: this.prevEnd, name, params, result, items };
  }

  private parseEval(): EvalDecl {
    const start = this.tokStart();
    this.next();
    const name = this.declName('eval');
    let graph: Name;
    if (this.tok() === Tok.Ident && this.sub() === Kw.For) {
      this.next();
      graph = this.nameOr('AG1004', "Expected the name of the graph under test after 'for'.");
    } else {
      this.errorMissing(
        'AG1004',
        `Expected 'for' and the graph under test after 'eval ${name.text}', e.g. eval triage for Support { … }.`,
      );
      graph = this.tok() === Tok.Ident && !this.atLineStart() && !this.isDeclStart(0) ? this.takeName() : this.missingName();
    }
    let props: Property[] = [];
    const asserts: Assert[] = [];
    if (this.tok() === Tok.LBrace) {
      this.next();
      props = this.parseBlock(asserts, 'eval', name);
    } else {
      this.errorMissing('AG1004', `Expected '{' to start the block of eval '${name.text}'.`);
    }
    return { kind: 'EvalDecl', start, end: this.prevEnd, name, graph, props, asserts };
  }
}
