// Selection ranges (expand / shrink selection): the chain of syntax nodes under the cursor, from
// the innermost outwards, with the `{{ … }}` template around an expression inside a prompt and
// the contents of a string (without its quotes) as extra steps. Equal consecutive ranges are
// merged so every expansion step grows the selection.

import type { Position, SelectionRange } from 'vscode-languageserver/node';
import type { Node, SourceFile } from '../syntax/ast.ts';
import { nodeAt } from '../syntax/walk.ts';
import type { LineIndex } from '../util/line-index.ts';
import { toOffset, toRange } from './convert.ts';
import type { Workspace } from './workspace.ts';

interface Step {
  start: number;
  end: number;
}

export function selectionRanges(ws: Workspace, uri: string, positions: Position[]): SelectionRange[] | null {
  const doc = ws.getDocument(uri);
  if (!doc) return null;
  const unit = ws.program.getUnit(doc.path);
  if (!unit || unit.text !== doc.text) return null;
  return positions.map((p) => selectionAt(doc.text, unit.parse.file, doc.lines, toOffset(doc.lines, doc.text, p)));
}

export function selectionAt(text: string, file: SourceFile, lines: LineIndex, offset: number): SelectionRange {
  const chain = nodeAt(file, offset);
  const steps: Step[] = [{ start: 0, end: text.length }];
  for (let i = 0; i < chain.length; i++) {
    const n = chain[i]!;
    const next = chain[i + 1];
    pushStep(steps, n);
    if (n.kind === 'StringLit') {
      // The template around the next expression, and the string's contents.
      const q = n.triple ? 3 : 1;
      const inner = { start: Math.min(n.start + q, n.end), end: Math.max(n.start + q, n.end - q) };
      if (text.slice(n.end - q, n.end) === '"'.repeat(q)) pushStep(steps, inner);
      const t = next ? n.templates.find((x) => x.start <= next.start && next.end <= x.end) : undefined;
      if (t) {
        pushStep(steps, t);
        // `{{ ticket.body }}` → `ticket.body` without the padding.
        pushStep(steps, { start: t.expr.start, end: t.expr.end });
      }
    }
  }
  // Innermost last in `steps`; build the linked list from the outside in.
  let parent: SelectionRange | undefined;
  for (const s of steps) {
    if (s.start > offset || s.end < offset) continue;
    const range = toRange(lines, s.start, s.end);
    parent = parent ? { range, parent } : { range };
  }
  return parent ?? { range: toRange(lines, offset, offset) };
}

function pushStep(steps: Step[], n: Step | Node): void {
  const last = steps[steps.length - 1];
  // Only ranges nested in the previous one, and only growing ones.
  if (last && (n.start < last.start || n.end > last.end)) return;
  if (last && last.start === n.start && last.end === n.end) return;
  if (n.end < n.start) return;
  steps.push({ start: n.start, end: n.end });
}
