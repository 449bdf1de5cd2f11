// The Test Explorer's tree for one spec: file → eval → case, built from an `agentgraph/evals`
// answer. Item ids are stable across edits (an eval by its name, a case by its `--case` id), so
// VS Code keeps their last results while the spec changes around them. Every item remembers what
// it stands for in `ItemData`, which the run handler reads.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CustomSourceRef, EvalCaseInfo, EvalInfo, EvalsResult } from '../../../server/src/lsp/custom/protocol.ts';

export type ItemData =
  | { kind: 'file'; uri: vscode.Uri; resolved: boolean }
  | { kind: 'eval'; uri: vscode.Uri; info: EvalInfo }
  | { kind: 'case'; uri: vscode.Uri; eval: EvalInfo; info: EvalCaseInfo };

/** What the tree knows about its items (a WeakMap: items dropped from the tree are forgotten). */
export type ItemDataMap = WeakMap<vscode.TestItem, ItemData>;

export function toRange(r: CustomSourceRef): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** The URI of a file named in a range: the spec's own URI for the spec (it may be unsaved), else a file URI. */
export function uriOf(file: string, spec: vscode.Uri): vscode.Uri {
  return spec.scheme === 'file' && path.resolve(spec.fsPath) === path.resolve(file) ? spec : vscode.Uri.file(file);
}

/** The file item of a spec, created (unresolved, so VS Code asks for its evals when shown) if new. */
export function fileItem(controller: vscode.TestController, data: ItemDataMap, uri: vscode.Uri): vscode.TestItem {
  const id = uri.toString();
  let item = controller.items.get(id);
  if (!item) {
    item = controller.createTestItem(id, vscode.workspace.asRelativePath(uri, true), uri);
    item.canResolveChildren = true;
    data.set(item, { kind: 'file', uri, resolved: false });
    controller.items.add(item);
  }
  return item;
}

const pad = (n: number) => String(n).padStart(6, '0');

/**
 * Replaces a file item's children with the evals and cases in `result`. Evals whose dataset cannot
 * be read carry the reason as the item's error; a spec with errors says so in its description.
 */
export function fillFileItem(controller: vscode.TestController, data: ItemDataMap, file: vscode.TestItem, uri: vscode.Uri, result: EvalsResult): void {
  data.set(file, { kind: 'file', uri, resolved: true });
  file.canResolveChildren = false;
  file.description = result.errors > 0 ? `${result.errors} error${result.errors === 1 ? '' : 's'}: fix them to run its evals` : undefined;
  const evals = result.evals.map((info, n) => {
    const item = controller.createTestItem(`${file.id}/${info.name}`, info.name, uri);
    item.range = toRange(info.range);
    item.sortText = pad(n);
    item.description = [info.graph ? `for ${info.graph}` : undefined, info.repeat > 1 ? `× ${info.repeat}` : undefined, `pass rate ≥ ${Math.round(info.passRate * 1000) / 10}%`]
      .filter(Boolean)
      .join(' · ');
    item.error = info.datasetError;
    data.set(item, { kind: 'eval', uri, info });
    const seen = new Set<string>();
    item.children.replace(
      info.cases.map((c) => {
        // Two rows with the same id are still two items (running either runs both, as `--case` does).
        let id = `${item.id}/${c.id}`;
        if (seen.has(id)) id = `${id}~${c.index}`;
        seen.add(id);
        const label = c.label === c.id ? c.label : `#${c.index + 1} ${c.label}`;
        const caseUri = uriOf(c.range.file, uri);
        const ci = controller.createTestItem(id, label, caseUri);
        ci.range = toRange(c.range);
        ci.sortText = pad(c.index);
        ci.description = c.kind === 'inline' ? 'inline' : `${path.basename(c.range.file)}:${c.range.start.line + 1}`;
        data.set(ci, { kind: 'case', uri, eval: info, info: c });
        return ci;
      }),
    );
    return item;
  });
  file.children.replace(evals);
}
