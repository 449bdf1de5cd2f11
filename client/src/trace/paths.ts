// Where trace files live and how the source paths they record are resolved. Pure (node:path
// only), so the unit tests check it without a VS Code.

import * as path from 'node:path';

/** `<root>/.agentgraph/runs/<run-id>/trace.jsonl` → `<root>`; undefined for other paths. */
export function traceRoot(tracePath: string): string | undefined {
  const runDir = path.dirname(tracePath);
  const runs = path.dirname(runDir);
  const dotDir = path.dirname(runs);
  if (path.basename(runs) !== 'runs' || path.basename(dotDir) !== '.agentgraph') return undefined;
  return path.dirname(dotDir);
}

/**
 * A span's `agentgraph.source.file` as a path on this machine: absolute paths stay as they are;
 * relative ones (traces normalised for sharing) are taken from the workspace root the trace
 * belongs to, else from the first workspace folder.
 */
export function resolveSourceFile(file: string, root: string | undefined): string | undefined {
  if (path.isAbsolute(file)) return file;
  if (!root) return undefined;
  return path.join(root, file);
}
