// `agentgraph/evals`: the eval blocks a spec declares, for the editor's Test Explorer: each eval's
// block and name ranges, its assertions (text and range, so a failure can be shown on its line),
// and its cases, inline ones first and then the dataset's rows, in the order the eval runner
// numbers them. Dataset rows carry the file and the line they are written on. The dataset is read
// through the workspace (an open, unsaved buffer wins over the disk) and only when it resolves
// inside the workspace root, like the checker and the CLI require.

import * as path from 'node:path';
import { constValue } from '../../ir/build.ts';
import { datasetRows } from '../../evals/dataset.ts';
import type { Analysis } from '../../semantics/analyze.ts';
import type { EvalDecl, Expr, Span } from '../../syntax/ast.ts';
import { LineIndex } from '../../util/line-index.ts';
import type { LanguageWorkspace } from '../workspace-api.ts';
import { severityCounts } from './common.ts';
import type { CustomSourceRef, EvalCaseInfo, EvalInfo, EvalsParams, EvalsResult } from './protocol.ts';

type Row = Record<string, unknown>;

export function specEvals(workspace: LanguageWorkspace, params: EvalsParams): EvalsResult {
  const analysis = workspace.getAnalysis(params.uri);
  if (!analysis) return { uri: params.uri, errors: 0, evals: [] };
  const lines = new LineIndex(analysis.unit.text);
  const ref = (span: Span): CustomSourceRef => ({ file: analysis.path, start: lines.positionAt(span.start), end: lines.positionAt(span.end) });
  const evals: EvalInfo[] = [];
  const decls = [...analysis.evals.values()].sort((a, b) => a.sym.decl.start - b.sym.decl.start);
  for (const model of decls) {
    const d = model.sym.decl as EvalDecl;
    if (d.kind !== 'EvalDecl') continue;
    const prop = (key: string): Expr | undefined => d.props.find((p) => p.key.text === key)?.value;
    const num = (key: string): number | undefined => {
      const v = prop(key);
      return v?.kind === 'NumberLit' ? v.value : undefined;
    };
    const info: EvalInfo = {
      name: model.sym.name,
      range: ref(d),
      nameRange: ref(d.name),
      repeat: num('repeat') ?? 1,
      passRate: num('pass_rate') ?? 1,
      asserts: d.asserts.map((a) => ({ text: analysis.unit.text.slice(a.expr.start, a.expr.end), range: ref(a) })),
      cases: [],
    };
    if (model.graph) info.graph = model.graph.name;
    const inline = prop('cases');
    if (inline?.kind === 'ListLit') {
      for (const item of inline.items) {
        if (item.kind !== 'ObjectLit') continue;
        info.cases.push(caseInfo(constValue(item) as Row, info.cases.length, 'inline', ref(item)));
      }
    }
    const dataset = prop('dataset');
    if (dataset?.kind === 'StringLit') addDatasetCases(workspace, analysis, dataset.value, info);
    evals.push(info);
  }
  return { uri: params.uri, errors: severityCounts(analysis).errors, evals };
}

/** Appends the dataset's rows to `info.cases`, or says in `datasetError` why it cannot. */
function addDatasetCases(workspace: LanguageWorkspace, analysis: Analysis, written: string, info: EvalInfo): void {
  const abs = path.resolve(path.dirname(analysis.path), written);
  if (!workspace.program.isInsideRoot(abs)) {
    info.datasetError = `The dataset "${written}" is outside the workspace; its cases are not read. Keep datasets inside the workspace folder.`;
    return;
  }
  info.dataset = abs;
  const text = workspace.program.host.readFile(abs);
  if (text === undefined) {
    info.datasetError = `The dataset "${written}" does not exist.`;
    return;
  }
  let rows: { row: Row; line: number }[];
  try {
    // Read as the runner reads it (a bad line fails the whole dataset); ranges here are 0-based.
    rows = datasetRows(abs, text).map((r) => ({ row: r.row, line: r.line - 1 }));
  } catch (err) {
    info.datasetError = `${written}: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const lineTexts = text.split(/\r?\n/);
  for (const { row, line } of rows) {
    // The row's first line, without its line break.
    const range = { file: abs, start: { line, character: 0 }, end: { line, character: lineTexts[line]?.length ?? 0 } };
    info.cases.push(caseInfo(row, info.cases.length, 'dataset', range));
  }
}

function caseInfo(row: Row, index: number, kind: 'inline' | 'dataset', range: CustomSourceRef): EvalCaseInfo {
  const id = row.id;
  const hasId = typeof id === 'string' || typeof id === 'number';
  return { id: hasId ? String(id) : String(index + 1), index, label: hasId ? String(id) : summary(row), kind, range };
}

/** A one-line summary of a row's first fields (nested objects by their id and subject, title, name or version). */
export function summary(row: Row, max = 60): string {
  const parts: string[] = [];
  for (const [key, v] of Object.entries(row).slice(0, 3)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Row;
      const named = [o.id, o.subject ?? o.title ?? o.name ?? o.version].filter((x) => typeof x === 'string' || typeof x === 'number');
      parts.push(named.length ? named.join(' ') : `${key}: {…}`);
    } else if (Array.isArray(v)) parts.push(`${key}: [${v.length}]`);
    else parts.push(`${key}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  const one = parts.join(', ').replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one || '(empty row)';
}

