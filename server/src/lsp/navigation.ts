// Navigation: go to definition, find references, document highlights and rename. All of them start
// from the analysis's resolved references (every name the checker resolved, with its declaration
// site) and, for the cross-file ones, search every workspace spec that can see the declaration
// (the declaring file and everything that imports it, directly or not).

import * as path from 'node:path';
import {
  DocumentHighlightKind,
  ErrorCodes,
  ResponseError,
  type CancellationToken,
  type DefinitionParams,
  type DocumentHighlight,
  type DocumentHighlightParams,
  type Location,
  type LocationLink,
  type PrepareRenameParams,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Analysis } from '../semantics/analyze.ts';
import type { DeclSite, Reference } from '../semantics/context.ts';
import type { Expr, GraphDecl, Node, SourceFile } from '../syntax/ast.ts';
import { parseTemplateText } from '../syntax/templates.ts';
import { nodeAt, walk } from '../syntax/walk.ts';
import { toOffset, toRange } from './convert.ts';
import { checkCancelled, yieldAndCheck } from './safety.ts';
import type { Workspace } from './workspace.ts';

/** Words the grammar reserves somewhere; none of them can name a declaration, field or parameter. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'import', 'type', 'model', 'tool', 'agent', 'human', 'graph', 'eval', 'for', 'in', 'when', 'otherwise', 'max',
  'start', 'end', 'supervise', 'escalate', 'assert', 'budget', 'backoff', 'true', 'false', 'null',
  'list', 'map', 'string', 'number', 'integer', 'boolean',
]);
/** Names the language defines: built-in functions and the names an eval's assertions see. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  'inputs', 'len', 'contains', 'matches', 'visited', 'approx', 'lower', 'upper', 'abs', 'equals', 'is_type', 'judge', 'file', 'case', 'output', 'run',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const article = (w: string) => (/^[aeiou]/.test(w) ? 'an' : 'a');

export interface NavigationOptions {
  /** The client accepts LocationLink results for definitions. */
  linkSupport: boolean;
}

// ------------------------------------------------------------------ lookups

/**
 * The resolved name under the cursor: one containing it, else one ending exactly at it. The
 * declaring names of fields, parameters and loop variables (which the checker records only as
 * targets) count as references to themselves.
 */
export function refAt(analysis: Analysis, offset: number): Reference | undefined {
  let touching: Reference | undefined;
  for (const r of analysis.refs) {
    if (r.start <= offset && offset < r.end) return r;
    if (r.end === offset && r.start < offset) touching = r;
  }
  return touching ?? localDeclAt(analysis, offset);
}

function localDeclAt(analysis: Analysis, offset: number): Reference | undefined {
  const chain = nodeAt(analysis.unit.parse.file, offset);
  const name = chain[chain.length - 1];
  const owner = chain[chain.length - 2];
  if (!name || name.kind !== 'Name' || name.missing || !owner) return undefined;
  let kind: Reference['kind'];
  if (owner.kind === 'Field' && owner.name === name) kind = 'field';
  else if (owner.kind === 'Param' && owner.name === name) kind = 'param';
  else if (owner.kind === 'ForEach' && owner.variable === name) kind = 'param';
  else return undefined;
  const target = { file: analysis.path, start: name.start, end: name.end };
  return { start: name.start, end: name.end, name: name.text, kind, target, isDecl: true };
}

export function sameSite(a: DeclSite, b: DeclSite): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end;
}

/** The identifier-like word around an offset. */
export function wordAt(text: string, offset: number): { start: number; end: number; text: string } | undefined {
  const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  let s = offset;
  let e = offset;
  while (s > 0 && isWord(text.charCodeAt(s - 1))) s--;
  while (e < text.length && isWord(text.charCodeAt(e))) e++;
  return s < e ? { start: s, end: e, text: text.slice(s, e) } : undefined;
}

interface Target {
  analysis: Analysis;
  offset: number;
  ref: Reference;
}

function targetAt(ws: Workspace, uri: string, position: { line: number; character: number }): Target | undefined {
  const doc = ws.getDocument(uri);
  if (!doc) return undefined;
  const analysis = ws.analyze(doc.path).analysis;
  if (!analysis) return undefined;
  const offset = toOffset(doc.lines, doc.text, position);
  const ref = refAt(analysis, offset);
  return ref ? { analysis, offset, ref } : undefined;
}

// ------------------------------------------------------------------ definition

export function definition(ws: Workspace, params: DefinitionParams, options: NavigationOptions): Location[] | LocationLink[] | null {
  const doc = ws.getDocument(params.textDocument.uri);
  if (!doc) return null;
  const analysis = ws.analyze(doc.path).analysis;
  if (!analysis) return null;
  const offset = toOffset(doc.lines, doc.text, params.position);
  const ref = refAt(analysis, offset);
  if (ref) {
    const lines = ws.linesOf(ref.target.file);
    if (!lines) return null;
    const uri = ws.pathToUri(ref.target.file);
    const selection = toRange(lines, ref.target.start, ref.target.end);
    if (!options.linkSupport) return [{ uri, range: selection }];
    const decl = ref.sym && ref.sym.file === ref.target.file && ref.sym.decl.name.start === ref.target.start ? ref.sym.decl : undefined;
    return [
      {
        originSelectionRange: toRange(doc.lines, ref.start, ref.end),
        targetUri: uri,
        targetRange: decl ? toRange(lines, decl.start, decl.end) : selection,
        targetSelectionRange: selection,
      },
    ];
  }
  // Paths: `import "x.agentgraph"` and `file("prompts/x.md")` open the file.
  const file = linkedFileAt(analysis.unit.parse.file, offset, doc.path);
  if (file && ws.documentAt(file.path)) {
    const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const uri = ws.pathToUri(file.path);
    if (!options.linkSupport) return [{ uri, range: zero }];
    return [{ originSelectionRange: toRange(doc.lines, file.start, file.end), targetUri: uri, targetRange: zero, targetSelectionRange: zero }];
  }
  return null;
}

/** The file a string under the cursor names: an import path or a `file("…")` argument. */
function linkedFileAt(root: SourceFile, offset: number, from: string): { path: string; start: number; end: number } | undefined {
  const chain = nodeAt(root, offset);
  const str = chain[chain.length - 1];
  if (!str || str.kind !== 'StringLit') return undefined;
  const parent = chain[chain.length - 2];
  const grand = chain[chain.length - 3];
  const isImport = parent?.kind === 'ImportDecl';
  const isFileCall = parent?.kind === 'Arg' && grand?.kind === 'Call' && grand.callee.text === 'file';
  if (!isImport && !isFileCall) return undefined;
  return { path: path.resolve(path.dirname(from), str.value), start: str.start, end: str.end };
}

// ------------------------------------------------------------------ references

export interface Occurrence {
  file: string;
  start: number;
  end: number;
  isDecl: boolean;
}

/** Every occurrence of the declaration `site` in the workspace files that can see it. */
export async function findOccurrences(ws: Workspace, site: DeclSite, token?: CancellationToken): Promise<Occurrence[]> {
  const out = new Map<string, Occurrence>();
  const add = (o: Occurrence) => {
    const key = `${o.file}:${o.start}:${o.end}`;
    const prev = out.get(key);
    if (!prev || (o.isDecl && !prev.isDecl)) out.set(key, o);
  };
  add({ file: site.file, start: site.start, end: site.end, isDecl: true });
  const files = ws.filesSeeing(site.file);
  for (const f of files) {
    // Yield between files (those not analysed yet may take a while) so cancellation gets through.
    if (files.length > 1) await yieldAndCheck(token);
    const analysis = ws.analyze(f).analysis;
    if (!analysis) continue;
    for (const r of analysis.refs) {
      if (!sameSite(r.target, site)) continue;
      add({ file: f, start: r.start, end: r.end, isDecl: r.isDecl === true || (f === site.file && r.start === site.start && r.end === site.end) });
    }
  }
  return [...out.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
}

export async function references(ws: Workspace, params: ReferenceParams, token?: CancellationToken): Promise<Location[] | null> {
  const t = targetAt(ws, params.textDocument.uri, params.position);
  if (!t) return null;
  const out: Location[] = [];
  for (const o of await findOccurrences(ws, t.ref.target, token)) {
    if (o.isDecl && !params.context.includeDeclaration) continue;
    const lines = ws.linesOf(o.file);
    if (lines) out.push({ uri: ws.pathToUri(o.file), range: toRange(lines, o.start, o.end) });
  }
  return out;
}

// ------------------------------------------------------------------ highlights

export function documentHighlight(ws: Workspace, params: DocumentHighlightParams): DocumentHighlight[] | null {
  const doc = ws.getDocument(params.textDocument.uri);
  const t = targetAt(ws, params.textDocument.uri, params.position);
  if (!doc || !t) return null;
  const site = t.ref.target;
  const seen = new Set<string>();
  const out: DocumentHighlight[] = [];
  const add = (start: number, end: number, write: boolean) => {
    const key = `${start}:${end}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ range: toRange(doc.lines, start, end), kind: write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read });
  };
  if (site.file === doc.path) add(site.start, site.end, true);
  for (const r of t.analysis.refs) {
    if (sameSite(r.target, site)) add(r.start, r.end, r.isDecl === true || (site.file === doc.path && r.start === site.start));
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

// ------------------------------------------------------------------ rename

function refuse(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidRequest, message);
}

export function prepareRename(ws: Workspace, params: PrepareRenameParams): { range: Range; placeholder: string } {
  const doc = ws.getDocument(params.textDocument.uri);
  if (!doc) throw refuse('This document is not part of the workspace.');
  const analysis = ws.analyze(doc.path).analysis;
  const offset = toOffset(doc.lines, doc.text, params.position);
  const ref = analysis ? refAt(analysis, offset) : undefined;
  if (!ref) {
    const w = wordAt(doc.text, offset);
    if (w && KEYWORDS.has(w.text)) throw refuse(`'${w.text}' is a keyword of the language and cannot be renamed.`);
    if (w && BUILTIN_NAMES.has(w.text)) throw refuse(`'${w.text}' is built into the language and cannot be renamed.`);
    throw refuse('Place the cursor on the name of a declaration, field or parameter to rename it.');
  }
  if (!ws.documentAt(ref.target.file)) throw refuse(`The declaration of '${ref.name}' is in a file that cannot be read.`);
  return { range: toRange(doc.lines, ref.start, ref.end), placeholder: doc.text.slice(ref.start, ref.end) };
}

export interface RenameOptions {
  /** The client takes versioned `documentChanges` (edits to a document that changed meanwhile are refused). */
  documentChanges: boolean;
}

export async function rename(ws: Workspace, params: RenameParams, token?: CancellationToken, options: RenameOptions = { documentChanges: false }): Promise<WorkspaceEdit> {
  const doc = ws.getDocument(params.textDocument.uri);
  if (!doc) throw refuse('This document is not part of the workspace.');
  const analysis = ws.analyze(doc.path).analysis;
  const offset = toOffset(doc.lines, doc.text, params.position);
  const ref = analysis ? refAt(analysis, offset) : undefined;
  if (!ref) {
    prepareRename(ws, params); // Throws the precise refusal.
    throw refuse('Nothing to rename here.');
  }
  const newName = params.newName.trim();
  if (!IDENTIFIER.test(newName)) {
    throw refuse(`'${params.newName}' is not a valid name: use letters, digits and underscores, starting with a letter or underscore.`);
  }
  if (KEYWORDS.has(newName)) throw refuse(`'${newName}' is a keyword of the language; choose another name.`);
  const oldName = ref.name;
  if (newName === oldName) return options.documentChanges ? { documentChanges: [] } : { changes: {} };

  const site = ref.target;
  const occurrences = await findOccurrences(ws, site, token);
  checkCancelled(token);
  const clash = findClash(ws, ref, newName, occurrences);
  if (clash) throw refuse(clash);

  const edits = new Map<string, TextEdit[]>();
  const push = (file: string, start: number, end: number) => {
    const lines = ws.linesOf(file);
    if (!lines) return;
    let list = edits.get(file);
    if (!list) edits.set(file, (list = []));
    list.push({ range: toRange(lines, start, end), newText: newName });
  };
  for (const o of occurrences) push(o.file, o.start, o.end);
  // Parameters are also named inside prompt files: `{{ticket.body}}` in prompts/x.md.
  if (ref.kind === 'param') {
    for (const e of promptFileMentions(ws, site, oldName)) push(e.file, e.start, e.end);
  }
  if (options.documentChanges) {
    const documentChanges: TextDocumentEdit[] = [];
    for (const [file, list] of edits) {
      const open = ws.isOpenPath(file) ? ws.documentAt(file) : undefined;
      documentChanges.push({ textDocument: { uri: ws.pathToUri(file), version: open ? open.version : null }, edits: list });
    }
    return { documentChanges };
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const [file, list] of edits) changes[ws.pathToUri(file)] = list;
  return { changes };
}

/** Why renaming `ref` to `newName` would change what some name means, if it would. */
function findClash(ws: Workspace, ref: Reference, newName: string, occurrences: Occurrence[]): string | undefined {
  const site = ref.target;
  const unit = ws.program.getUnit(site.file);
  if (!unit) return `The declaration of '${ref.name}' cannot be read.`;
  const chain = nodeAt(unit.parse.file, site.start);
  const nameNode = chain[chain.length - 1];
  const owner = chain[chain.length - 2];
  if (!nameNode || nameNode.kind !== 'Name' || !owner) return undefined;

  if (ref.kind === 'field') {
    const obj = chain[chain.length - 3];
    if (obj?.kind === 'ObjectType') {
      const other = obj.fields.find((f) => f.name.text === newName);
      if (other) return `This type already has a field named '${newName}'.`;
    }
    return undefined;
  }

  if (ref.kind === 'param') {
    if (owner.kind === 'Param') {
      const decl = chain[chain.length - 3];
      if (decl && 'params' in decl && Array.isArray(decl.params)) {
        if (decl.params.some((p) => p !== owner && p.name.text === newName)) return `'${newName}' is already a parameter of '${(decl as { name: { text: string } }).name.text}'.`;
        if (decl.kind === 'GraphDecl') return graphScopeClash(decl, newName);
      }
      return undefined;
    }
    if (owner.kind === 'ForEach') {
      const graph = chain.find((n): n is GraphDecl => n.kind === 'GraphDecl');
      return graph ? graphScopeClash(graph, newName) : undefined;
    }
    return undefined;
  }

  // A top-level declaration: names are shared by a file and everything it imports.
  const files = new Set(occurrences.map((o) => o.file));
  files.add(site.file);
  for (const f of ws.filesSeeing(site.file)) files.add(f);
  for (const f of files) {
    const a = ws.analyze(f).analysis;
    const other = a?.symbols.get(newName);
    if (other) {
      const where = other.file === site.file ? '' : ` in ${path.basename(other.file)}`;
      return `'${newName}' is already declared${where} as ${article(other.kind)} ${other.kind}; names are shared across a file and its imports.`;
    }
  }
  const nodeLike = ref.kind === 'agent' || ref.kind === 'tool' || ref.kind === 'human' || ref.kind === 'graph';
  if (nodeLike && BUILTIN_NAMES.has(newName)) return `'${newName}' is a built-in name in expressions and evals; choose another name.`;
  if (nodeLike) {
    // A node's name shares a graph's scope with its parameters and loop variables.
    for (const f of files) {
      const u = ws.program.getUnit(f);
      if (!u) continue;
      for (const d of u.parse.file.decls) {
        if (d.kind !== 'GraphDecl' || !usesNode(d, ref.name)) continue;
        const names = graphLocalNames(d);
        if (names.has(newName)) return `Graph '${d.name.text}' already has a parameter or loop variable named '${newName}', which would clash with the node.`;
      }
    }
  }
  return undefined;
}

function graphScopeClash(g: GraphDecl, newName: string): string | undefined {
  if (graphLocalNames(g).has(newName)) return `'${newName}' is already a parameter or loop variable of graph '${g.name.text}'.`;
  if (usesNode(g, newName)) return `'${newName}' is already a node of graph '${g.name.text}'.`;
  return undefined;
}

function graphLocalNames(g: GraphDecl): Set<string> {
  const names = new Set(g.params.map((p) => p.name.text));
  walk(g, (n) => {
    if (n.kind === 'ForEach') names.add(n.variable.text);
  });
  return names;
}

function usesNode(g: GraphDecl, name: string): boolean {
  let found = false;
  walk(g, (n) => {
    if (found) return false;
    if ((n.kind === 'NodeCall' || n.kind === 'NodeRef') && n.name.text === name) found = true;
    return undefined;
  });
  return found;
}

/** `{{param…}}` mentions of a parameter in the prompt files of the callable declaring it. */
function promptFileMentions(ws: Workspace, site: DeclSite, name: string): Occurrence[] {
  const unit = ws.program.getUnit(site.file);
  if (!unit) return [];
  const chain = nodeAt(unit.parse.file, site.start);
  const decl = chain[chain.length - 3];
  if (!decl || (decl.kind !== 'AgentDecl' && decl.kind !== 'HumanDecl' && decl.kind !== 'ToolDecl')) return [];
  const out: Occurrence[] = [];
  for (const p of decl.props) {
    const v = p.value;
    if (v.kind !== 'Call' || v.callee.text !== 'file') continue;
    const arg = v.args[0]?.value;
    if (arg?.kind !== 'StringLit') continue;
    const file = path.resolve(path.dirname(site.file), arg.value);
    if (!ws.program.isInsideRoot(file)) continue;
    const text = ws.documentAt(file)?.text;
    if (text === undefined) continue;
    for (const t of parseTemplateText(text).templates) {
      const root = rootIdent(t.expr);
      if (root && root.name === name) out.push({ file, start: root.start, end: root.end, isDecl: false });
    }
  }
  return out;
}

function rootIdent(e: Expr): (Node & { kind: 'Ident' }) | undefined {
  let cur: Expr = e;
  while (cur.kind === 'Member' || cur.kind === 'Index') cur = cur.object;
  return cur.kind === 'Ident' ? cur : undefined;
}
