// Folding ranges: declarations, blocks (object types and literals, lists, budgets, argument lists
// spanning lines), triple-quoted strings, runs of line comments and block comments, consecutive
// imports, and `// #region` … `// #endregion` markers. A closing bracket or `"""` on its own
// line stays visible when folded, as in other languages.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { Node, SourceFile } from '../syntax/ast.ts';
import { walk } from '../syntax/walk.ts';
import type { LineIndex } from '../util/line-index.ts';
import type { Workspace } from './workspace.ts';

const FOLDABLE = new Set<Node['kind']>([
  'TypeDecl', 'ModelDecl', 'ToolDecl', 'AgentDecl', 'HumanDecl', 'GraphDecl', 'EvalDecl',
  'ObjectType', 'ObjectLit', 'ListLit', 'Budget', 'Call', 'NodeCall', 'FanOut', 'JoinSource', 'Supervise', 'Edge', 'StringLit',
]);

export function foldingRanges(ws: Workspace, uri: string, rangeLimit?: number): FoldingRange[] | null {
  const doc = ws.getDocument(uri);
  if (!doc) return null;
  const unit = ws.program.getUnit(doc.path);
  if (!unit || unit.text !== doc.text) return null;
  const ranges = computeFoldingRanges(doc.text, unit.parse.file, doc.lines);
  return rangeLimit !== undefined && ranges.length > rangeLimit ? ranges.slice(0, rangeLimit) : ranges;
}

export function computeFoldingRanges(text: string, file: SourceFile, lines: LineIndex): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (startLine: number, endLine: number, kind?: FoldingRangeKind) => {
    if (endLine <= startLine) return;
    const r: FoldingRange = { startLine, endLine };
    if (kind) r.kind = kind;
    out.push(r);
  };

  // Tree: every multi-line block.
  walk(file, (n) => {
    if (!FOLDABLE.has(n.kind) || n.end <= n.start) return undefined;
    if (n.kind === 'StringLit' && !n.triple) return undefined;
    const startLine = lines.positionAt(n.start).line;
    add(startLine, lastFoldedLine(text, lines, n.start, n.end));
    return undefined;
  });

  // Consecutive imports.
  let firstImport: number | undefined;
  let lastImport = 0;
  for (const d of file.decls) {
    if (d.kind === 'ImportDecl') {
      firstImport ??= lines.positionAt(d.start).line;
      lastImport = lines.positionAt(d.end).line;
    } else if (firstImport !== undefined) {
      add(firstImport, lastImport, FoldingRangeKind.Imports);
      firstImport = undefined;
    }
  }
  if (firstImport !== undefined) add(firstImport, lastImport, FoldingRangeKind.Imports);

  // Comments and regions.
  const regions: number[] = [];
  let runStart = -1;
  let runEnd = -1;
  const flushRun = () => {
    if (runStart >= 0) add(runStart, runEnd, FoldingRangeKind.Comment);
    runStart = runEnd = -1;
  };
  for (const c of scanComments(text)) {
    const startLine = lines.positionAt(c.start).line;
    const endLine = lines.positionAt(c.end).line;
    if (c.block) {
      flushRun();
      add(startLine, endLine, FoldingRangeKind.Comment);
      continue;
    }
    const body = text.slice(c.start + 2, c.end).trim();
    if (/^#region\b/.test(body)) {
      flushRun();
      regions.push(startLine);
      continue;
    }
    if (/^#endregion\b/.test(body)) {
      flushRun();
      const open = regions.pop();
      if (open !== undefined) add(open, startLine, FoldingRangeKind.Region);
      continue;
    }
    // Only whole-line comments form a foldable run.
    const lineStart = lines.lineStart(startLine);
    const own = text.slice(lineStart, c.start).trim() === '';
    if (own && runStart >= 0 && startLine === runEnd + 1) runEnd = startLine;
    else {
      flushRun();
      if (own) runStart = runEnd = startLine;
    }
  }
  flushRun();

  // One range per start line (the first, i.e. outermost, wins), in order.
  out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  const seen = new Set<number>();
  return out.filter((r) => (seen.has(r.startLine) ? false : (seen.add(r.startLine), true)));
}

/** The last line to hide: the closing line itself unless it holds only the closer. */
function lastFoldedLine(text: string, lines: LineIndex, start: number, end: number): number {
  const startLine = lines.positionAt(start).line;
  const endLine = lines.positionAt(end).line;
  if (endLine <= startLine) return endLine;
  const closerLineStart = lines.lineStart(endLine);
  const before = text.slice(closerLineStart, end).trim();
  // `}` / `]` / `)` / `"""` alone (possibly with a trailing comma) at the start of the last line.
  if (/^("""|[}\])])/.test(before)) return endLine - 1;
  return endLine;
}

export interface CommentSpan {
  start: number;
  end: number;
  block: boolean;
}

/** Comments of a file, skipping string literals (which may contain `//`). */
export function scanComments(text: string): CommentSpan[] {
  const out: CommentSpan[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      if (text.startsWith('"""', i)) {
        i += 3;
        while (i < n && !text.startsWith('"""', i)) i += text.charCodeAt(i) === 92 && text.startsWith('"""', i + 1) ? 4 : 1;
        i += 3;
      } else {
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 92) i += 2;
          else if (d === 34 || d === 10 || d === 13) {
            if (d === 34) i++;
            break;
          } else i++;
        }
      }
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      let j = i;
      while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      out.push({ start: i, end: j, block: false });
      i = j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      const j = close < 0 ? n : close + 2;
      out.push({ start: i, end: j, block: true });
      i = j;
      continue;
    }
    i++;
  }
  return out;
}
