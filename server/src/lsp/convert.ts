// Conversions between the core's terms (UTF-16 offsets, absolute paths, core diagnostics) and
// LSP protocol types. Only server/src/lsp speaks the protocol, and every handler converts here, so
// position arithmetic lives in one place. Shared by the navigation handlers and the feature
// handlers (completion, hover, …).

import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type Location,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.ts';
import type { LineIndex } from '../util/line-index.ts';

export interface Span {
  start: number;
  end: number;
}

/** The protocol position of a UTF-16 offset. */
export function toPosition(lines: LineIndex, offset: number): Position {
  return lines.positionAt(offset);
}

/**
 * The UTF-16 offset of a protocol position. A character past the end of its line means the end
 * of that line (before its line break), as the protocol specifies; a line past the end of the text
 * means the end of the text.
 */
export function toOffset(lines: LineIndex, text: string, pos: Position): number {
  if (pos.line < 0) return 0;
  if (pos.line >= lines.lineCount) return text.length;
  const start = lines.lineStart(pos.line);
  let end = pos.line + 1 < lines.lineCount ? lines.lineStart(pos.line + 1) : text.length;
  // Exclude the line break itself (\n, \r\n or \r).
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return Math.min(start + Math.max(0, pos.character), end);
}

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.positionAt(start), end: lines.positionAt(Math.max(start, end)) };
}

export function spanToRange(lines: LineIndex, span: Span): Range {
  return toRange(lines, span.start, span.end);
}

/** Offsets of a protocol range, ordered. */
export function fromRange(lines: LineIndex, text: string, range: Range): Span {
  const a = toOffset(lines, text, range.start);
  const b = toOffset(lines, text, range.end);
  return a <= b ? { start: a, end: b } : { start: b, end: a };
}

/** True when `offset` lies in the span or touches its end (a cursor just after a name). */
export function touches(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/** The default home of the diagnostics reference; `#ag4001` anchors each code. */
export const DEFAULT_DOCS_BASE_URL = 'https://agentgraph.dev/docs/diagnostics';

/** The documentation link of a code: `<base>#<code in lower case>`. */
export function docsHref(code: string, baseUrl: string = DEFAULT_DOCS_BASE_URL): string {
  const base = baseUrl.replace(/#.*$/, '');
  return `${base}#${code.toLowerCase()}`;
}

/** Codes whose range is dead weight the editor should render faded. */
const UNNECESSARY_CODES = new Set(['AG4002', 'AG4008', 'AG2012']);

export interface DiagnosticContext {
  /** Line index of the file the diagnostic is in. */
  lines: LineIndex;
  /** Base URL for `codeDescription.href` (see docsHref). */
  docsBaseUrl?: string;
  /** URI of another file (for related information). */
  uriOf(path: string): string;
  /** Line index of another file (for related information); undefined when unreadable. */
  linesOf(path: string): LineIndex | undefined;
}

/** A core diagnostic as a protocol diagnostic: code, docs link, related information, tags, data. */
export function toLspDiagnostic(d: Diagnostic, cx: DiagnosticContext): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(cx.lines, d.start, d.end),
    severity: toSeverity(d.severity),
    code: d.code,
    codeDescription: { href: docsHref(d.code, cx.docsBaseUrl) },
    source: 'agentgraph',
    message: d.message,
  };
  const tags = new Set<DiagnosticTag>();
  for (const t of d.tags ?? []) tags.add(t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated);
  if (UNNECESSARY_CODES.has(d.code)) tags.add(DiagnosticTag.Unnecessary);
  if (tags.size > 0) out.tags = [...tags];
  if (d.related && d.related.length > 0) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const r of d.related) {
      const lines = r.file === d.file || !r.file ? cx.lines : cx.linesOf(r.file);
      if (!lines) continue;
      related.push({ location: { uri: cx.uriOf(r.file), range: toRange(lines, r.start, r.end) }, message: r.message });
    }
    if (related.length > 0) out.relatedInformation = related;
  }
  if (d.data !== undefined) out.data = d.data;
  return out;
}

export function location(uri: string, lines: LineIndex, start: number, end: number): Location {
  return { uri, range: toRange(lines, start, end) };
}
