// Which diagram node the cursor is on: the innermost declaration extent (from the server's
// diagram result) that holds the position. Pure, so it is unit-tested without a VS Code.

import * as path from 'node:path';
import type { DiagramResult } from '../../server/src/lsp/custom/protocol.ts';
import type { SourceRef } from '../../webview/src/protocol.ts';

const contains = (r: SourceRef, line: number, character: number) =>
  (r.start.line < line || (r.start.line === line && r.start.character <= character)) && (line < r.end.line || (line === r.end.line && character <= r.end.character));
const size = (r: SourceRef) => (r.end.line - r.start.line) * 100_000 + (r.end.character - r.start.character);

/**
 * The node whose declaration extent holds the position in the document `docUri` (file path
 * `fsPath`); the innermost when several do.
 */
export function nodeAt(result: DiagramResult | undefined, docUri: string, fsPath: string, line: number, character: number): string | undefined {
  if (!result) return undefined;
  let best: { id: string; size: number } | undefined;
  for (const [id, r] of Object.entries(result.extents)) {
    const sameFile = result.uris[r.file] !== undefined ? result.uris[r.file] === docUri : path.normalize(r.file) === path.normalize(fsPath);
    if (!sameFile || !contains(r, line, character)) continue;
    const s = size(r);
    if (!best || s < best.size) best = { id, size: s };
  }
  return best?.id;
}
