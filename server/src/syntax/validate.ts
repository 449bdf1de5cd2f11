// Checks the structural promises of a parse result: every node's range lies inside the text and
// inside its parent's, siblings come in source order without overlapping, invented names are
// empty and zero-width, and no two diagnostics start at the same offset. The parser's tests and
// property tests use it; it is cheap enough to run in other phases' tests as well.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Node } from './ast.ts';
import { forEachChild, walk } from './walk.ts';

/** Returns a description of every broken invariant (an empty list when all hold). */
export function validateParse(text: string, root: Node, diagnostics: readonly Diagnostic[]): string[] {
  const problems: string[] = [];
  const len = text.length;
  const describe = (n: Node): string => `${n.kind} [${n.start}, ${n.end})`;
  walk(root, (node, parent) => {
    if (!(Number.isInteger(node.start) && Number.isInteger(node.end))) problems.push(`${describe(node)}: offsets are not integers`);
    if (node.start < 0 || node.end > len || node.start > node.end) problems.push(`${describe(node)}: outside the text [0, ${len})`);
    if (parent !== undefined && (node.start < parent.start || node.end > parent.end)) {
      problems.push(`${describe(node)}: outside its parent ${describe(parent)}`);
    }
    if (node.kind === 'Name' && node.missing && (node.text !== '' || node.start !== node.end)) {
      problems.push(`${describe(node)}: a missing name must be empty and zero-width`);
    }
    let prev: Node | undefined;
    forEachChild(node, (child) => {
      if (prev !== undefined && child.start < prev.end) {
        problems.push(`${describe(child)}: overlaps or precedes its sibling ${describe(prev)} in ${describe(node)}`);
      }
      prev = child;
      return undefined;
    });
    return true;
  });
  const starts = new Set<number>();
  for (const d of diagnostics) {
    if (d.start < 0 || d.end > len || d.start > d.end) problems.push(`diagnostic ${d.code} [${d.start}, ${d.end}): outside the text`);
    if (starts.has(d.start)) problems.push(`diagnostic ${d.code} at ${d.start}: a second diagnostic at the same offset`);
    starts.add(d.start);
  }
  return problems;
}
