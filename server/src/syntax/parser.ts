// Entry points of the `.agentgraph` parser. `parse` turns a whole file into a SourceFile and its
// syntax diagnostics; `parseExpression` parses a lone expression (debug console, eval inputs).
// Neither ever throws: broken input yields a complete tree with invented nodes where text is
// missing (see parse-base.ts for the conventions) plus diagnostics that say what to fix.
//
// The parser is split by subject into a chain of classes, each adding one layer:
// parse-base.ts (tokens, errors, recovery) → parse-exprs.ts (expressions, property blocks) →
// parse-types.ts (types, fields, parameters) → parse-graph.ts (graph bodies) → parse-decls.ts
// (declarations and the file).
import type { Expr, SourceFile } from './ast.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { DiagSink } from './diag-sink.ts';
import { ExprParser } from './parse-exprs.ts';
import { DeclParser } from './parse-decls.ts';

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

/** Parses a whole `.agentgraph` file. */
export function parse(text: string): ParseResult {
  const sink = new DiagSink();
  const parser = new DeclParser(text, sink, 0, text.length, 0);
  const file = parser.parseFile();
  return { file, diagnostics: sink.sorted() };
}

/** Parses `text` as a single expression; anything after it is reported. */
export function parseExpression(text: string): { expr: Expr; diagnostics: Diagnostic[] } {
  const sink = new DiagSink();
  const parser = new ExprParser(text, sink, 0, text.length, 0);
  const expr = parser.parseStandalone();
  return { expr, diagnostics: sink.sorted() };
}
