// Finding `{{ expression }}` template references in string content. The expression is parsed in
// place, by running the expression parser over the slice of the file between the braces, so
// every node of it carries real file offsets (hover, go-to-definition and diagnostics inside
// prompts need no translation). The parser is reached through TemplateHost to avoid an import
// cycle between this scanner and the expression parser that calls it.
import type { Expr, TemplatePart } from './ast.ts';

/** What the scanner needs from the parser; the ExprParser implements it (no closures). */
export interface TemplateHost {
  /** Parses text[start, end) as one expression; `silent` suppresses its diagnostics. */
  parseTemplateExpr(start: number, end: number, silent: boolean): Expr;
  /** A zero-width error expression at `at` (for an empty template). */
  emptyTemplateExpr(at: number): Expr;
  reportTemplate(code: 'AG1009', message: string, start: number, end: number): void;
}

/**
 * Scans the string content text[from, to) for templates; `hasEscape` says whether it holds a
 * backslash at all. In "…" strings a backslash escapes the
 * next character, so `\{{` is a literal `{{`; in raw """…""" strings only `\{{` and `\"""` are
 * escapes.
 */
export function scanTemplates(
  host: TemplateHost,
  text: string,
  from: number,
  to: number,
  triple: boolean,
  hasEscape: boolean,
): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = from;
  while (i < to) {
    if (!hasEscape) {
      // Without backslashes nothing is escaped, so jump straight to the next `{{`.
      const open = text.indexOf('{{', i);
      if (open < 0 || open + 1 >= to) break;
      i = open;
    }
    const c = text.charCodeAt(i);
    if (c === 92) {
      if (!triple) i += 2;
      else if (text.startsWith('{{', i + 1)) i += 3;
      else if (text.startsWith('"""', i + 1)) i += 4;
      else i++;
      continue;
    }
    if (c !== 123 || i + 1 >= to || text.charCodeAt(i + 1) !== 123) {
      i++;
      continue;
    }
    const open = i;
    const close = findClose(text, open + 2, to);
    if (close < 0) {
      host.reportTemplate(
        'AG1009',
        "Unterminated template: add '}}' to close this '{{' (write \\{{ for a literal '{{').",
        open,
        open + 2,
      );
      // Still parse what follows, quietly, so a half-typed `{{ticket.` offers completions.
      parts.push({ start: open, end: to, expr: host.parseTemplateExpr(open + 2, to, true) });
      break;
    }
    let k = open + 2;
    while (k < close) {
      const d = text.charCodeAt(k);
      if (d !== 32 && d !== 9 && d !== 10 && d !== 13) break;
      k++;
    }
    let expr: Expr;
    if (k === close) {
      host.reportTemplate(
        'AG1009',
        'Empty template: write an expression between the braces, e.g. {{ticket.subject}}.',
        open,
        close + 2,
      );
      expr = host.emptyTemplateExpr(k);
    } else {
      expr = host.parseTemplateExpr(open + 2, close, false);
    }
    parts.push({ start: open, end: close + 2, expr });
    i = close + 2;
  }
  return parts;
}

/** The offset of the first `}}` in text[from, to), or -1; bounded so it never reads past `to`. */
function findClose(text: string, from: number, to: number): number {
  for (let k = from; k + 1 < to; k++) {
    if (text.charCodeAt(k) === 125 && text.charCodeAt(k + 1) === 125) return k;
  }
  return -1;
}
