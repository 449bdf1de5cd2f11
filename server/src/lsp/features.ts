// Protocol adapters of the editor features: completion (+ resolve), hover, signature help, inlay
// hints, document and range formatting, and quick fixes. The features themselves live in
// server/src/features and work on offsets and analyses; this file only converts between them and
// LSP types (positions, ranges, Markdown, workspace edits) and registers the handlers.

import { readdirSync } from 'node:fs';
import {
  CodeActionKind,
  CompletionItemKind,
  InlayHintKind,
  InsertTextFormat,
  MarkupKind,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type Hover,
  type InlayHint,
  type Range,
  type ServerCapabilities,
  type SignatureHelp,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  type CreateFile,
} from 'vscode-languageserver/node';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Analysis } from '../semantics/analyze.ts';
import { complete, resolveEntry, type CompletionEntry, type EntryKind } from '../features/completion.ts';
import { formatEdits } from '../features/format.ts';
import { hover } from '../features/hover.ts';
import { inlayHints } from '../features/inlay-hints.ts';
import { quickFixes, type QuickFix } from '../features/quick-fixes.ts';
import { signatureHelp } from '../features/signature-help.ts';
import { LineIndex } from '../util/line-index.ts';
import { fromRange, toOffset, toRange } from './convert.ts';
import type { LanguageWorkspace, OpenDocument } from './workspace-api.ts';

/** Largest change in length since the last analysis for which completion still uses it. */
const MAX_STALE_EDIT = 2000;

export const COMPLETION_TRIGGERS = ['.', '"', '/', ':', ' ', '(', '[', ',', '{', '<', '|', '>', '='];

const KINDS: Record<EntryKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  property: CompletionItemKind.Property,
  model: CompletionItemKind.Constant,
  tool: CompletionItemKind.Method,
  agent: CompletionItemKind.Class,
  human: CompletionItemKind.Interface,
  graph: CompletionItemKind.Module,
  type: CompletionItemKind.Struct,
  field: CompletionItemKind.Field,
  value: CompletionItemKind.EnumMember,
  function: CompletionItemKind.Function,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
  variable: CompletionItemKind.Variable,
  eval: CompletionItemKind.Event,
  module: CompletionItemKind.Module,
};

interface ResolveData {
  uri: string;
  symbol: string;
}

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

function listDir(dir: string): { name: string; dir: boolean }[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  } catch {
    return undefined;
  }
}

/** Registers the feature handlers on `connection`; returns the capabilities they provide. */
export function registerLanguageFeatures(connection: Connection, workspace: LanguageWorkspace): ServerCapabilities {
  /**
   * For completion and signature help: the last analysis of the document even if an edit made it
   * stale, so a keystroke is answered at once instead of after re-checking the whole file (the
   * features take the cursor's context from the current text). Only when the workspace offers it
   * (Workspace.lastAnalysis), and only for small edits since that analysis; else the current one.
   */
  const quickState = (uri: string): { doc: OpenDocument; analysis: Analysis } | undefined => {
    const doc = workspace.getDocument(uri);
    if (!doc) return undefined;
    const last = (workspace as { lastAnalysis?(p: string): { analysis?: Analysis } | undefined }).lastAnalysis?.(doc.path)?.analysis;
    if (last && last.unit.text !== doc.text && Math.abs(last.unit.text.length - doc.text.length) <= MAX_STALE_EDIT) return { doc, analysis: last };
    const analysis = workspace.getAnalysis(uri);
    return analysis ? { doc, analysis } : undefined;
  };
  /** The open document and its current analysis. */
  const state = (uri: string): { doc: OpenDocument; analysis: Analysis } | undefined => {
    const doc = workspace.getDocument(uri);
    if (!doc) return undefined;
    const analysis = workspace.getAnalysis(uri);
    if (!analysis) return undefined;
    return { doc, analysis };
  };

  connection.onCompletion((params): CompletionList | null => {
    const uri = params.textDocument.uri;
    const s = quickState(uri);
    if (!s) return null;
    const { doc } = s;
    const offset = toOffset(doc.lines, doc.text, params.position);
    const env = { triggerCharacter: params.context?.triggerCharacter, listDir, specPaths: workspace.allSpecPaths() };
    let result = complete(s.analysis, doc.text, offset, env);
    // Nothing from an older analysis (say, a parameter just declared): ask the current one.
    if (result.items.length === 0 && result.context !== 'none' && s.analysis.unit.text !== doc.text) {
      const current = workspace.getAnalysis(uri);
      if (current) result = complete(current, doc.text, offset, env);
    }
    const ranges = new Map<string, Range>();
    const rangeOf = (start: number, end: number): Range => {
      const key = `${start}:${end}`;
      let r = ranges.get(key);
      if (!r) ranges.set(key, (r = toRange(doc.lines, start, end)));
      return r;
    };
    return { isIncomplete: false, items: result.items.map((e) => toCompletionItem(e, rangeOf, uri)) };
  });

  connection.onCompletionResolve((item): CompletionItem => {
    const data = item.data as ResolveData | undefined;
    if (!data?.symbol || !data.uri) return item;
    const analysis = workspace.getAnalysis(data.uri);
    if (!analysis) return item;
    const r = resolveEntry(analysis, data.symbol);
    const out: CompletionItem = { ...item };
    if (!out.detail && r.detail) out.detail = r.detail;
    if (r.documentation) out.documentation = markdown(r.documentation);
    return out;
  });

  connection.onHover((params): Hover | null => {
    const s = state(params.textDocument.uri);
    if (!s) return null;
    const offset = toOffset(s.doc.lines, s.doc.text, params.position);
    const h = hover(s.analysis, offset);
    if (!h) return null;
    return { contents: markdown(h.contents), range: toRange(s.doc.lines, h.range.start, h.range.end) };
  });

  connection.onSignatureHelp((params): SignatureHelp | null => {
    const s = quickState(params.textDocument.uri);
    if (!s) return null;
    const offset = toOffset(s.doc.lines, s.doc.text, params.position);
    const help = signatureHelp(s.analysis, s.doc.text, offset);
    if (!help) return null;
    return {
      activeSignature: help.activeSignature,
      activeParameter: help.activeParameter,
      signatures: help.signatures.map((sig) => ({
        label: sig.label,
        documentation: sig.documentation ? markdown(sig.documentation) : undefined,
        parameters: sig.parameters.map((p) => ({ label: p.label, documentation: p.documentation ? markdown(p.documentation) : undefined })),
      })),
    };
  });

  connection.languages.inlayHint.on((params): InlayHint[] | null => {
    const s = state(params.textDocument.uri);
    if (!s) return null;
    const range = fromRange(s.doc.lines, s.doc.text, params.range);
    return inlayHints(s.analysis, range).map((h) => ({
      position: s.doc.lines.positionAt(h.offset),
      label: h.label,
      kind: h.kind === 'type' ? InlayHintKind.Type : InlayHintKind.Parameter,
      paddingLeft: h.paddingLeft,
      paddingRight: h.paddingRight,
      tooltip: h.tooltip ? markdown(h.tooltip) : undefined,
    }));
  });

  connection.onDocumentFormatting((params): TextEdit[] | null => {
    const doc = workspace.getDocument(params.textDocument.uri);
    if (!doc) return null;
    const edits = formatEdits(doc.text);
    if (!edits) {
      workspace.log(`Formatting skipped for ${doc.path}: the file has syntax errors.`);
      return [];
    }
    return edits.map((e) => ({ range: toRange(doc.lines, e.start, e.end), newText: e.newText }));
  });

  connection.onDocumentRangeFormatting((params): TextEdit[] | null => {
    const doc = workspace.getDocument(params.textDocument.uri);
    if (!doc) return null;
    const edits = formatEdits(doc.text, fromRange(doc.lines, doc.text, params.range));
    if (!edits) return [];
    return edits.map((e) => ({ range: toRange(doc.lines, e.start, e.end), newText: e.newText }));
  });

  connection.onCodeAction((params): CodeAction[] | null => {
    const only = params.context.only;
    if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
    const s = state(params.textDocument.uri);
    if (!s || params.context.diagnostics.length === 0) return [];
    const { doc, analysis } = s;
    // The request's diagnostics, matched to the analysis's own (which carry the fix hints).
    const wanted: { core: Diagnostic; lsp: LspDiagnostic }[] = [];
    for (const ld of params.context.diagnostics) {
      const span = fromRange(doc.lines, doc.text, ld.range);
      const core =
        analysis.diagnostics.find((d) => d.code === ld.code && d.start === span.start && d.end === span.end) ??
        (typeof ld.code === 'string' ? { code: ld.code, severity: 'error' as const, message: typeof ld.message === 'string' ? ld.message : ld.message.value, start: span.start, end: span.end, data: (ld.data ?? undefined) as Record<string, unknown> | undefined } : undefined);
      if (core) wanted.push({ core, lsp: ld });
    }
    const fixes = quickFixes(analysis, wanted.map((w) => w.core));
    return fixes.map((f) => toCodeAction(f, wanted.find((w) => w.core === f.diagnostic)?.lsp, workspace));
  });

  return {
    completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: true },
    hoverProvider: true,
    signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
    inlayHintProvider: { resolveProvider: false },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  };
}

function toCompletionItem(e: CompletionEntry, rangeOf: (start: number, end: number) => Range, uri: string): CompletionItem {
  const item: CompletionItem = {
    label: e.label,
    kind: KINDS[e.kind],
    textEdit: { range: rangeOf(e.range.start, e.range.end), newText: e.insertText ?? e.label },
  };
  if (e.detail) item.detail = e.detail;
  if (e.documentation) item.documentation = markdown(e.documentation);
  if (e.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  if (e.filterText) item.filterText = e.filterText;
  if (e.sortText) item.sortText = e.sortText;
  if (e.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  if (e.resolve) item.data = { uri, symbol: e.resolve.symbol } satisfies ResolveData;
  return item;
}

function toCodeAction(f: QuickFix, diagnostic: LspDiagnostic | undefined, workspace: LanguageWorkspace): CodeAction {
  const byFile = new Map<string, QuickFix['edits']>();
  for (const e of f.edits) {
    const list = byFile.get(e.path) ?? [];
    list.push(e);
    byFile.set(e.path, list);
  }
  const created = new Set(f.createFiles ?? []);
  const linesOf = (p: string): { lines: LineIndex; version: number | null } => {
    if (created.has(p)) return { lines: new LineIndex(''), version: null };
    const doc = workspace.getDocument(workspace.pathToUri(p));
    return doc ? { lines: doc.lines, version: doc.version >= 0 ? doc.version : null } : { lines: new LineIndex(''), version: null };
  };
  let edit: WorkspaceEdit;
  if (created.size > 0) {
    const changes: (CreateFile | TextDocumentEdit)[] = [];
    for (const p of created) changes.push({ kind: 'create', uri: workspace.pathToUri(p), options: { ignoreIfExists: true } });
    for (const [p, edits] of byFile) {
      const { lines, version } = linesOf(p);
      changes.push({ textDocument: { uri: workspace.pathToUri(p), version }, edits: edits.map((e) => ({ range: toRange(lines, e.start, e.end), newText: e.newText })) });
    }
    edit = { documentChanges: changes };
  } else {
    const changes: Record<string, TextEdit[]> = {};
    for (const [p, edits] of byFile) {
      const { lines } = linesOf(p);
      changes[workspace.pathToUri(p)] = edits.map((e) => ({ range: toRange(lines, e.start, e.end), newText: e.newText }));
    }
    edit = { changes };
  }
  const action: CodeAction = { title: f.title, kind: CodeActionKind.QuickFix, edit };
  if (diagnostic) action.diagnostics = [diagnostic];
  if (f.isPreferred) action.isPreferred = true;
  return action;
}
