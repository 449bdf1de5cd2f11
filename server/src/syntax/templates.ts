// Template references `{{ expression }}`: the scanner used for string literals (re-exported from
// template-scan.ts) and `parseTemplateText`, which finds and parses the templates of a whole
// prompt file (`file("prompts/x.md")`) the same way the parser does for """…""" strings.
import type { TemplatePart } from './ast.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { DiagSink } from './diag-sink.ts';
import { ExprParser } from './parse-exprs.ts';
import { scanTemplates } from './template-scan.ts';

export { scanTemplates, type TemplateHost } from './template-scan.ts';

/**
 * Parses the templates in a standalone text such as a prompt file. The text is taken raw, like a
 * """…""" string (`\{{` is a literal `{{`); offsets in the result are offsets in `text`.
 */
export function parseTemplateText(text: string): { templates: TemplatePart[]; diagnostics: Diagnostic[] } {
  const sink = new DiagSink();
  // The host parser lexes nothing of its own (an empty range); it only parses template slices.
  const host = new ExprParser(text, sink, 0, 0, 0);
  const templates = scanTemplates(host, text, 0, text.length, true, text.includes('\\'));
  return { templates, diagnostics: sink.sorted() };
}
