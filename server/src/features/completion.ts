// Completion: what may be typed at the cursor, by context (see context.ts). Every item has a kind,
// a detail (a signature, a type, a price) and Markdown documentation; declarations and policies
// come as snippets. Items for declarations carry `resolve` so the host can fill in the full
// documentation (worst-case cost and all) only for the item the user looks at.
//
// This file holds the public shapes and entry points and picks the item builder for the cursor
// context: completion-declarations.ts (declarations, properties, types, model ids, paths),
// completion-graphs.ts (graph bodies and edges) and completion-expressions.ts (expressions), all
// adding to the collector of completion-collector.ts.

import type { Analysis } from '../semantics/analyze.ts';
import { parse } from '../syntax/parser.ts';
import { priceText, signatureOf, type OffsetRange } from './common.ts';
import { CompletionCollector } from './completion-collector.ts';
import { backoffStrategies, filePaths, modelIds, propertyKeys, propertyValue, providers, supervisionStrategies, topLevel, types } from './completion-declarations.ts';
import { expression, literals, members, nodeArgs } from './completion-expressions.ts';
import { edgeModifiers, edgeTargets, graphItems, graphNodes } from './completion-graphs.ts';
import { cursorContext, cursorContextFrom, declStartInEditedText, type CursorContext, type CursorInfo } from './context.ts';
import { symbolMarkdown } from './hover.ts';

export type EntryKind =
  | 'keyword'
  | 'snippet'
  | 'property'
  | 'model'
  | 'tool'
  | 'agent'
  | 'human'
  | 'graph'
  | 'type'
  | 'field'
  | 'value'
  | 'function'
  | 'file'
  | 'folder'
  | 'variable'
  | 'eval'
  | 'module';

export interface CompletionEntry {
  label: string;
  kind: EntryKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert (the label when absent); a snippet when `snippet` is set. */
  insertText?: string;
  snippet?: boolean;
  /** The range the insert text replaces. */
  range: OffsetRange;
  filterText?: string;
  sortText?: string;
  /** Ask the editor to suggest again right after inserting (e.g. after a folder or `->`). */
  retrigger?: boolean;
  /** A declaration whose full documentation the host may resolve lazily. */
  resolve?: { symbol: string };
}

export interface CompletionEnv {
  /** The character that triggered completion, when one did. */
  triggerCharacter?: string;
  /** Entries of a directory (absolute path), for `file("…")` and `import "…"`. */
  listDir?(absDir: string): { name: string; dir: boolean }[] | undefined;
  /** Every spec of the workspace (absolute paths), used for imports when listDir is unavailable. */
  specPaths?: string[];
}

export interface CompletionResult {
  items: CompletionEntry[];
  /** The context the items were computed for (for tests and logging). */
  context: CursorContext['kind'];
}

/** Which contexts a trigger character opens completion in (others: none, to stay out of the way). */
const TRIGGERS: Record<string, ReadonlySet<CursorContext['kind']>> = {
  '.': new Set(['member']),
  '"': new Set(['modelId', 'filePath', 'literal']),
  '/': new Set(['filePath']),
  ':': new Set(['propertyValue', 'type']),
  ' ': new Set(['propertyValue', 'edgeTarget', 'literal', 'backoffStrategy', 'supervisionStrategy', 'symbols', 'retryTail', 'evalFor', 'provider', 'type']),
  '(': new Set(['nodeArg', 'namedArgs', 'modelId', 'graphNodes', 'expression']),
  '[': new Set(['symbols', 'graphNodes', 'edgeTarget']),
  ',': new Set(['nodeArg', 'namedArgs', 'symbols', 'graphNodes', 'edgeTarget']),
  '{': new Set(['expression', 'member']),
  '<': new Set(['type']),
  '|': new Set(['type']),
  '>': new Set(['edgeTarget', 'type']),
  '=': new Set(['literal', 'provider']),
};

export { LAZY_DETAILS } from './completion-collector.ts';

/**
 * Completions at `offset` of `text`. The analysis may be of an older version of the text (the one
 * the server holds while the newest edit is still being checked): names and types come from it,
 * the cursor's context from the current text.
 */
export function complete(analysis: Analysis, text: string, offset: number, env: CompletionEnv = {}): CompletionResult {
  const info = contextFor(analysis, text, offset);
  const kind = info.context.kind;
  const allowed = env.triggerCharacter !== undefined ? TRIGGERS[env.triggerCharacter] : undefined;
  if (allowed && !allowed.has(kind)) return { items: [], context: kind };
  if (env.triggerCharacter === ' ' && kind === 'type' && !/(->|:|\||=)\s$/.test(text.slice(Math.max(0, offset - 3), offset))) return { items: [], context: kind };
  const c = new CompletionCollector(analysis, text, offset, info, env);
  fill(c);
  return { items: c.items, context: kind };
}

/** The detail and documentation of a declaration's item, filled in lazily (completionItem/resolve). */
export function resolveEntry(analysis: Analysis, symbol: string): { detail?: string; documentation?: string } {
  const sym = analysis.symbols.get(symbol);
  if (!sym) return {};
  let detail: string | undefined;
  if (sym.kind === 'model') {
    const m = analysis.decls.model(sym);
    detail = `${m.provider}(${JSON.stringify(m.modelId)}) · ${priceText(m.profile)}`;
  } else if (sym.kind !== 'type' && sym.kind !== 'eval') {
    const info = analysis.decls.callable(sym);
    if (info) detail = signatureOf(info);
  } else detail = `${sym.kind} ${sym.name}`;
  return { detail, documentation: symbolMarkdown(analysis, sym) };
}

/** The cursor context in `text`, with declaration boundaries from the (possibly older) analysis. */
export function contextFor(analysis: Analysis, text: string, offset: number): CursorInfo {
  const old = analysis.unit;
  if (old.text === text) return cursorContext(text, old.parse.file, offset);
  const from = declStartInEditedText(old.text, old.parse.file, text, offset);
  return from !== undefined ? cursorContextFrom(text, from, offset) : cursorContext(text, parse(text).file, offset);
}
/** Adds the items of the cursor context, from the builder that serves it. */
function fill(out: CompletionCollector): void {
  const c = out.info.context;
  switch (c.kind) {
    case 'none':
      return;
    case 'topLevel':
      return topLevel(out);
    case 'propertyKey':
      return propertyKeys(out, c.keys, c.present, c.block === 'nested' ? 'this object' : c.block === 'budget' ? 'a graph budget' : `${/^[aeiou]/.test(c.block) ? 'an' : 'a'} ${c.block}`, c.allowAssert ?? false);
    case 'propertyValue':
      return propertyValue(out, c.key, c.spec);
    case 'retryTail':
      return out.add({ label: 'backoff', kind: 'keyword', detail: 'backoff strategy(base, max: …)', documentation: 'How long to wait between retries.', insertText: 'backoff ${1|exponential,linear,constant|}(${2:250ms}, max: ${3:4s})', snippet: true });
    case 'backoffStrategy':
      return backoffStrategies(out);
    case 'supervisionStrategy':
      return supervisionStrategies(out);
    case 'escalateKeyword':
      return out.add({ label: 'escalate', kind: 'keyword', detail: 'escalate <human or graph>', documentation: 'Where failures go once restarts are used up: a `human` or a graph.', insertText: 'escalate ', retrigger: true });
    case 'evalFor':
      return out.add({ label: 'for', kind: 'keyword', detail: 'eval name for Graph', documentation: 'The graph under test.', insertText: 'for ', retrigger: true });
    case 'provider':
      return providers(out);
    case 'type':
      return types(out);
    case 'symbols':
      return out.symbols(c.kinds, c.exclude, c.wrapInList ?? false);
    case 'modelId':
      return modelIds(out, c.quoted);
    case 'filePath':
      return filePaths(out, c.mode, c.typed);
    case 'graphItem':
      return graphItems(out, c.graph, c.present);
    case 'edgeTarget':
      return edgeTargets(out, c.graph, c.sources, c.inFanOut);
    case 'edgeModifier':
      return edgeModifiers(out, c.has);
    case 'graphNodes':
      return graphNodes(out, c.graph, c.exclude, c.supervisors);
    case 'namedArgs':
      for (const [i, a] of c.names.entries()) {
        if (c.present.includes(a.name)) continue;
        out.add({ label: a.name, kind: 'property', detail: `${a.name}:`, documentation: a.doc, insertText: a.snippet, snippet: true, sortText: String(i) });
      }
      return;
    case 'nodeArg':
      nodeArgs(out, c.call, c.scope);
      return expression(out, c.scope, false);
    case 'expression':
      if (c.afterOperand) return;
      return expression(out, c.scope, c.inEdgeCondition);
    case 'member':
      return members(out, c.scope, c.object);
    case 'literal':
      return literals(out, c.scope, c.subject, c.quoted);
  }
}
