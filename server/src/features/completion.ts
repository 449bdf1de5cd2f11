// Completion: what may be typed at the cursor, by context (see context.ts). Every item has a kind,
// a detail (a signature, a type, a price) and Markdown documentation; declarations and policies
// come as snippets. Items for declarations carry `resolve` so the host can fill in the full
// documentation (worst-case cost and all) only for the item the user looks at.

import * as path from 'node:path';
import { MODEL_CATALOG, PROVIDERS, type ModelProfile } from '../catalog/models.ts';
import type { Analysis } from '../semantics/analyze.ts';
import type { CallableInfo } from '../semantics/declarations.ts';
import { tableScope, type Binding, type Scope } from '../semantics/expr-checker.ts';
import type { Sym, SymbolKind } from '../semantics/program.ts';
import { BACKOFF_STRATEGIES, EFFECTS, PROPERTY_SPECS, SUPERVISION_STRATEGIES, type PropertySpec } from '../semantics/property-specs.ts';
import { T, assignable, literalValues, stripOptional, type Ty } from '../semantics/types.ts';
import type { NodeCall } from '../syntax/ast.ts';
import { parse } from '../syntax/parser.ts';
import { nodeAt } from '../syntax/walk.ts';
import {
  capabilityText,
  codeBlock,
  displayShort,
  evalScope,
  fieldsOf,
  paramScope,
  priceText,
  profileSummary,
  signatureOf,
  typeBlock,
  typeOfExpr,
  typeOfText,
  type OffsetRange,
} from './common.ts';
import { cursorContext, cursorContextFrom, declStartInEditedText, type CallSite, type CursorContext, type CursorInfo, type ScopeRef } from './context.ts';
import { BACKOFF_DOCS, BUILTIN_FUNCTIONS, PROVIDER_DOCS, STRATEGY_DOCS, propertyMarkdown, symbolMarkdown, valueKindText } from './hover.ts';

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

/** Lists longer than this leave `detail` and `documentation` to completionItem/resolve. */
export const LAZY_DETAILS = 200;

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
  const c = new Completer(analysis, text, offset, info, env);
  c.run();
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

class Completer {
  readonly items: CompletionEntry[] = [];
  private readonly range: OffsetRange;
  /** A space to put before inserted text (right after `:`, `->` or `==`). */
  private readonly lead: string;

  constructor(
    private readonly analysis: Analysis,
    private readonly text: string,
    private readonly offset: number,
    private readonly info: CursorInfo,
    private readonly env: CompletionEnv,
  ) {
    this.range = info.replace;
    const before = text.charAt(info.replace.start - 1);
    this.lead = info.replace.start === info.replace.end && (before === ':' || before === '>' || before === '=') ? ' ' : '';
  }

  private add(e: Omit<CompletionEntry, 'range'> & { range?: OffsetRange }): void {
    const entry = e as CompletionEntry;
    if (entry.range === undefined) {
      entry.range = this.range;
      if (this.lead) {
        entry.insertText = this.lead + (entry.insertText ?? entry.label);
        entry.filterText ??= entry.label;
      }
    }
    this.items.push(entry);
  }

  run(): void {
    const c = this.info.context;
    switch (c.kind) {
      case 'none':
        return;
      case 'topLevel':
        return this.topLevel();
      case 'propertyKey':
        return this.propertyKeys(c.keys, c.present, c.block === 'nested' ? 'this object' : c.block === 'budget' ? 'a graph budget' : `${/^[aeiou]/.test(c.block) ? 'an' : 'a'} ${c.block}`, c.allowAssert ?? false);
      case 'propertyValue':
        return this.propertyValue(c.key, c.spec);
      case 'retryTail':
        return this.add({ label: 'backoff', kind: 'keyword', detail: 'backoff strategy(base, max: …)', documentation: 'How long to wait between retries.', insertText: 'backoff ${1|exponential,linear,constant|}(${2:250ms}, max: ${3:4s})', snippet: true });
      case 'backoffStrategy':
        return this.backoffStrategies();
      case 'supervisionStrategy':
        return this.supervisionStrategies();
      case 'escalateKeyword':
        return this.add({ label: 'escalate', kind: 'keyword', detail: 'escalate <human or graph>', documentation: 'Where failures go once restarts are used up: a `human` or a graph.', insertText: 'escalate ', retrigger: true });
      case 'evalFor':
        return this.add({ label: 'for', kind: 'keyword', detail: 'eval name for Graph', documentation: 'The graph under test.', insertText: 'for ', retrigger: true });
      case 'provider':
        return this.providers();
      case 'type':
        return this.types();
      case 'symbols':
        return this.symbols(c.kinds, c.exclude, c.wrapInList ?? false);
      case 'modelId':
        return this.modelIds(c.quoted);
      case 'filePath':
        return this.filePaths(c.mode, c.typed);
      case 'graphItem':
        return this.graphItems(c.graph, c.present);
      case 'edgeTarget':
        return this.edgeTargets(c.graph, c.sources, c.inFanOut);
      case 'edgeModifier':
        return this.edgeModifiers(c.has);
      case 'graphNodes':
        return this.graphNodes(c.graph, c.exclude, c.supervisors);
      case 'namedArgs':
        for (const [i, a] of c.names.entries()) {
          if (c.present.includes(a.name)) continue;
          this.add({ label: a.name, kind: 'property', detail: `${a.name}:`, documentation: a.doc, insertText: a.snippet, snippet: true, sortText: String(i) });
        }
        return;
      case 'nodeArg':
        this.nodeArgs(c.call, c.scope);
        return this.expression(c.scope, false);
      case 'expression':
        if (c.afterOperand) return;
        return this.expression(c.scope, c.inEdgeCondition);
      case 'member':
        return this.members(c.scope, c.object);
      case 'literal':
        return this.literals(c.scope, c.subject, c.quoted);
    }
  }

  // ------------------------------------------------------------------ symbols

  private syms(kinds: readonly SymbolKind[]): Sym[] {
    const out: Sym[] = [];
    for (const s of this.analysis.symbols.values()) if (kinds.includes(s.kind)) out.push(s);
    return out;
  }

  private callable(sym: Sym): CallableInfo | undefined {
    try {
      return this.analysis.decls.callable(sym);
    } catch {
      return undefined;
    }
  }

  /** Detail line of a declaration: its signature or definition. */
  private symDetail(sym: Sym): string {
    switch (sym.kind) {
      case 'agent':
      case 'tool':
      case 'human':
      case 'graph': {
        const info = this.callable(sym);
        return info ? signatureOf(info) : sym.kind;
      }
      case 'model': {
        const m = this.analysis.decls.model(sym);
        return `${m.provider}(${JSON.stringify(m.modelId)}) · ${priceText(m.profile)}`;
      }
      case 'type': {
        const d = sym.decl;
        return d.kind === 'TypeDecl' ? `type ${sym.name}${d.type.kind === 'ObjectType' ? ` { ${d.type.fields.map((f) => f.name.text).slice(0, 4).join(', ')}${d.type.fields.length > 4 ? ', …' : ''} }` : ''}` : 'type';
      }
      case 'eval':
        return 'eval';
    }
  }

  private symEntry(sym: Sym, lazy: boolean, extra: Partial<CompletionEntry> = {}): void {
    this.add({
      label: sym.name,
      kind: sym.kind === 'eval' ? 'eval' : sym.kind,
      detail: lazy ? undefined : this.symDetail(sym),
      documentation: lazy ? undefined : sym.decl.doc,
      resolve: { symbol: sym.name },
      ...extra,
    });
  }

  private symbols(kinds: ('model' | 'tool' | 'agent' | 'human' | 'graph' | 'type')[], exclude: string[], wrap: boolean): void {
    const syms = this.syms(kinds);
    const lazy = syms.length > LAZY_DETAILS;
    for (const s of syms) {
      if (exclude.includes(s.name)) continue;
      this.symEntry(s, lazy, wrap ? { insertText: `[${s.name}]`, filterText: s.name } : {});
    }
  }

  // ------------------------------------------------------------------ declarations

  private topLevel(): void {
    const models = this.syms(['model']).map((s) => s.name);
    const modelChoice = models.length ? `\${5|${models.join(',')}|}` : '${5:model}';
    const graphs = this.syms(['graph']).map((s) => s.name);
    const snippets: [string, string, string, string][] = [
      ['import', 'import "${1}"', 'import "path.agentgraph"', 'Imports the declarations of another spec, relative to this file.'],
      ['type', 'type ${1:Name} {\n  ${2:field}: ${3:string}\n}', 'type Name { field: Type }', 'A record type: the data that flows between agents.'],
      ['model', 'model ${1:name} = ${2|openai,azure_openai,ollama,openai_compatible,simulated|}("${3:gpt-4o-mini}") {\n  temperature: ${4:0}\n  max_tokens: ${5:400}\n}', 'model name = provider("id") { … }', 'A model endpoint with its sampling settings; prices come from the catalog.'],
      ['tool', 'tool ${1:name}(${2:input}: ${3:string}) -> ${4:string} {\n  description: "${5}"\n  effect: ${6|read,idempotent,irreversible|}\n  timeout: ${7:10s}\n  impl: "${8:./tools/module.ts#fn}"\n}', 'tool name(params) -> Result { … }', 'A function agents may call; `effect` says what a retry may do.'],
      ['agent', `agent \${1:name}(\${2:param}: \${3:Type}) -> \${4:Type} {\n  model: ${modelChoice}\n  prompt: """\n    $0\n  """\n}`, 'agent name(params) -> Result { model, prompt }', 'An LLM call with typed input and output, and its reliability policies.'],
      ['human', 'human ${1:name}(${2:param}: ${3:Type}) -> ${4:Type} {\n  prompt: "${5}"\n  timeout: ${6:4h}\n}', 'human name(params) -> Result { … }', 'A person who answers a typed question (approvals, escalations).'],
      ['graph', 'graph ${1:Name}(${2:input}: ${3:Type}) -> ${4:Type} {\n  budget { cost: \\$${5:0.10}, latency: ${6:60s} }\n  start -> ${7:first}(${2})\n  ${7} -> end(${7})\n}', 'graph Name(params) -> Result { edges }', 'Wires agents, humans and tools together, with a budget.'],
      ['eval', `eval \${1:name} for \${2${graphs.length ? `|${graphs.join(',')}|` : ':Graph'}} {\n  dataset: "\${3:evals/cases.jsonl}"\n  assert $0\n}`, 'eval name for Graph { dataset, assert … }', 'Runs a graph over cases and checks assertions.'],
    ];
    for (const [i, [label, body, detail, doc]] of snippets.entries()) {
      this.add({ label, kind: 'snippet', detail, documentation: `${doc}\n\n${codeBlock(body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:?([^}]*)\}/g, '$1').replace(/\$\d/g, '').replace(/\\\$/g, '$'))}`, insertText: body, snippet: true, sortText: `0${i}`, retrigger: label === 'import' });
    }
  }

  // ------------------------------------------------------------------ properties

  private propertyKeys(keys: Record<string, PropertySpec>, present: string[], owner: string, allowAssert: boolean): void {
    let i = 0;
    for (const [key, spec] of Object.entries(keys)) {
      i++;
      if (present.includes(key)) continue;
      const { insert, retrigger } = this.propertySnippet(key, spec);
      this.add({
        label: key,
        kind: 'property',
        detail: `${key}: ${valueKindText(spec)}${spec.required ? ' (required)' : ''}`,
        documentation: propertyMarkdown(key, spec, owner),
        insertText: insert,
        snippet: true,
        retrigger,
        sortText: `${spec.required ? '0' : '1'}${String(i).padStart(2, '0')}`,
      });
    }
    if (allowAssert) this.add({ label: 'assert', kind: 'keyword', detail: 'assert <condition>', documentation: 'A condition every case must satisfy; sees `case`, `output`, `run` and the nodes.', insertText: 'assert ', retrigger: true, sortText: '2' });
  }

  private propertySnippet(key: string, spec: PropertySpec): { insert: string; retrigger?: boolean } {
    const models = this.syms(['model']).map((s) => s.name);
    switch (spec.kind) {
      case 'model':
        return models.length ? { insert: `${key}: \${1|${models.join(',')}|}` } : { insert: `${key}: $1` };
      case 'models':
      case 'tools':
        return { insert: `${key}: [$1]`, retrigger: true };
      case 'prompt':
        return { insert: `${key}: """\n  $0\n"""` };
      case 'retry':
        return { insert: `${key}: \${1:2} backoff \${2|exponential,linear,constant|}(\${3:250ms}, max: \${4:4s})` };
      case 'effect':
        return { insert: `${key}: \${1|read,idempotent,irreversible|}` };
      case 'boolean':
        return { insert: `${key}: \${1|true,false|}` };
      case 'cache':
        return { insert: `${key}: \${1:24h}` };
      case 'duration':
        return { insert: `${key}: \${1:${key === 'latency' ? '60s' : key === 'within' ? '60s' : '30s'}}` };
      case 'money':
        return { insert: `${key}: \\$\${1:0.10}` };
      case 'string':
        return { insert: `${key}: "$1"` };
      case 'object': {
        const parts = Object.entries(spec.keys ?? {}).map(([k, s], i) => `${k}: ${s.kind === 'money' ? '\\$' : ''}\${${i + 1}}`);
        return { insert: `${key}: { ${parts.join(', ')} }` };
      }
      case 'list':
        return { insert: `${key}: [\n  { $1 }\n]` };
      case 'human':
      case 'type':
        return { insert: `${key}: `, retrigger: true };
      default:
        return { insert: `${key}: $1` };
    }
  }

  private propertyValue(key: string, spec: PropertySpec | undefined): void {
    if (!spec) return;
    switch (spec.kind) {
      case 'model':
        return this.symbols(['model'], [], false);
      case 'models':
        return this.symbols(['model'], [], true);
      case 'tools':
        return this.symbols(['tool'], [], true);
      case 'human':
        return this.symbols(['human'], [], false);
      case 'type':
        return this.symbols(['type'], [], false);
      case 'effect': {
        const docs: Record<string, string> = {
          read: 'Only reads; safe to retry and to run again.',
          idempotent: 'Running it twice has the same effect as once (the default).',
          irreversible: 'Must never run twice for one call (payments, emails); needs `approve:` or a human on the path.',
        };
        EFFECTS.forEach((e, i) => this.add({ label: e, kind: 'value', detail: 'effect', documentation: docs[e], sortText: String(i) }));
        return;
      }
      case 'boolean':
        this.add({ label: 'true', kind: 'value' });
        this.add({ label: 'false', kind: 'value' });
        return;
      case 'cache':
        this.add({ label: 'off', kind: 'value', detail: 'no caching', documentation: 'Turn the response cache off.' });
        for (const d of ['1h', '24h', '7d']) this.add({ label: d, kind: 'value', detail: 'cache lifetime' });
        return;
      case 'duration':
        for (const d of key === 'latency' ? ['60s', '5m'] : ['10s', '30s', '2m']) this.add({ label: d, kind: 'value', detail: 'duration' });
        return;
      case 'retry':
        this.add({ label: '2 backoff exponential(…)', kind: 'snippet', detail: 'retry: N backoff strategy(base, max: …)', documentation: 'Retries after a failed attempt, waiting longer each time.', insertText: '${1:2} backoff ${2|exponential,linear,constant|}(${3:250ms}, max: ${4:4s})', snippet: true, filterText: 'backoff' });
        return;
      case 'prompt': {
        const decl = this.info.decl?.name || 'prompt';
        this.add({ label: '"""…"""', kind: 'snippet', detail: 'multi-line prompt', documentation: 'A triple-quoted prompt; `{{ }}` inserts parameters. Common indentation is removed.', insertText: '"""\n  $0\n"""', snippet: true, filterText: '"""', sortText: '0' });
        this.add({ label: 'file("…")', kind: 'snippet', detail: 'prompt from a file', documentation: 'Reads the prompt from a Markdown or text file, relative to this spec.', insertText: `file("\${1:prompts/${decl}.md}")`, snippet: true, filterText: 'file', sortText: '1' });
        this.add({ label: '"…"', kind: 'snippet', detail: 'one-line prompt', insertText: '"$0"', snippet: true, filterText: '"', sortText: '2' });
        return;
      }
      default:
        return;
    }
  }

  private backoffStrategies(): void {
    BACKOFF_STRATEGIES.forEach((s, i) =>
      this.add({ label: s, kind: 'function', detail: `${s}(base, max: …, jitter: …)`, documentation: BACKOFF_DOCS[s], insertText: `${s}(\${1:250ms}, max: \${2:4s})`, snippet: true, sortText: String(i) }),
    );
  }

  private supervisionStrategies(): void {
    SUPERVISION_STRATEGIES.forEach((s, i) =>
      this.add({ label: s, kind: 'function', detail: `${s}(max_restarts, within)`, documentation: STRATEGY_DOCS[s], insertText: `${s}(max_restarts: \${1:3}, within: \${2:60s})`, snippet: true, sortText: String(i) }),
    );
  }

  private providers(): void {
    PROVIDERS.forEach((p, i) => this.add({ label: p, kind: 'module', detail: `${p}("model-id")`, documentation: PROVIDER_DOCS[p], insertText: `${p}("$1")`, snippet: true, retrigger: true, sortText: String(i) }));
  }

  // ------------------------------------------------------------------ types

  private types(): void {
    const prims: [string, string][] = [
      ['string', 'Text.'],
      ['number', 'A number (integer or fraction).'],
      ['integer', 'A whole number; assignable to `number`.'],
      ['boolean', '`true` or `false`.'],
    ];
    for (const [p, doc] of prims) this.add({ label: p, kind: 'keyword', detail: 'primitive type', documentation: doc, sortText: `1${p}` });
    this.add({ label: 'list<…>', kind: 'keyword', detail: 'list<T>', documentation: 'A list of values of one type.', insertText: 'list<$1>', snippet: true, filterText: 'list', sortText: '1list' });
    this.add({ label: 'map<…>', kind: 'keyword', detail: 'map<T>', documentation: 'String keys to values of one type.', insertText: 'map<$1>', snippet: true, filterText: 'map', sortText: '1map' });
    for (const s of this.syms(['type'])) {
      const d = s.decl;
      let doc = d.doc;
      if (d.kind === 'TypeDecl') {
        const t = this.analysis.ctx.types.ofDecl(s);
        doc = `${codeBlock(typeBlock(t, s.name))}${d.doc ? `\n\n${d.doc}` : ''}`;
      }
      this.add({ label: s.name, kind: 'type', detail: this.symDetail(s), documentation: doc, sortText: `0${s.name}` });
    }
  }

  // ------------------------------------------------------------------ models and files

  private modelIds(quoted: boolean): void {
    const provider = this.info.call?.kind === 'provider' ? this.info.call.callee : 'openai';
    const preferred = (p: ModelProfile): number => {
      if (provider === 'ollama') return p.inputPrice === 0 ? 0 : 1;
      if (provider === 'openai' || provider === 'azure_openai') return p.family === 'openai' ? 0 : 1;
      return 0;
    };
    MODEL_CATALOG.forEach((p, i) => {
      const docs = [
        `**${p.id}** (${p.family})`,
        `- **Price** ${priceText(p)}`,
        `- **Context window** ${p.contextWindow.toLocaleString('en-US')} tokens · max output ${p.maxOutputTokens.toLocaleString('en-US')}`,
        `- **Capabilities** ${capabilityText(p)}`,
        `- **Latency** ~${p.ttftMs}ms to first token · ${p.tokensPerSecond} tokens/s`,
      ];
      this.add({
        label: p.id,
        kind: 'value',
        detail: profileSummary(p),
        documentation: docs.join('\n'),
        insertText: quoted ? p.id : JSON.stringify(p.id),
        sortText: `${preferred(p)}${String(i).padStart(2, '0')}`,
      });
    });
  }

  private filePaths(mode: 'prompt' | 'import' | 'dataset', typed: string): void {
    const specDir = path.dirname(this.analysis.path);
    const slash = typed.lastIndexOf('/');
    const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
    const dir = path.resolve(specDir, dirPart || '.');
    const accept = (name: string) =>
      mode === 'prompt' ? /\.(md|txt)$/i.test(name) : mode === 'import' ? name.endsWith('.agentgraph') : /\.(jsonl|csv)$/i.test(name);
    let entries = this.env.listDir?.(dir);
    if (!entries && mode === 'import' && this.env.specPaths) {
      const seen = new Map<string, boolean>();
      for (const p of this.env.specPaths) {
        const rel = path.relative(dir, p);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const [first, ...rest] = rel.split(path.sep);
        if (first) seen.set(first, rest.length > 0);
      }
      entries = [...seen].map(([name, d]) => ({ name, dir: d }));
    }
    for (const e of entries ?? []) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const abs = path.join(dir, e.name);
      if (e.dir) {
        this.add({ label: `${e.name}/`, kind: 'folder', insertText: `${e.name}/`, retrigger: true, sortText: `1${e.name}`, filterText: e.name });
      } else if (accept(e.name) && abs !== this.analysis.path) {
        this.add({ label: e.name, kind: 'file', detail: path.relative(specDir, abs).split(path.sep).join('/'), sortText: `0${e.name}` });
      }
    }
  }

  // ------------------------------------------------------------------ graphs

  private graphScope(graph: string): Scope | undefined {
    const g = this.analysis.graphs.get(graph)?.model ?? this.analysis.graphOf(graph)?.model;
    if (!g) return undefined;
    // Inside the arguments of `… for x in list`, the loop variable is in scope too.
    const file = this.analysis.unit.text === this.text ? this.analysis.unit.parse.file : undefined;
    if (!file) return g.scope;
    const call = nodeAt(file, this.offset).filter((n): n is NodeCall => n.kind === 'NodeCall').pop();
    const fe = call?.forEach;
    if (!fe || fe.variable.missing || this.offset > fe.start) return g.scope;
    const listT = stripOptional(typeOfExpr(this.analysis, g.scope, fe.list));
    const table = new Map<string, Binding>([[fe.variable.text, { ty: listT.k === 'list' ? listT.element : T.error }]]);
    return tableScope(table, g.scope);
  }

  private scopeOf(ref: ScopeRef): Scope | undefined {
    switch (ref.kind) {
      case 'graph':
        return this.graphScope(ref.graph);
      case 'eval':
        return evalScope(this.analysis, ref.eval, ref.graph);
      case 'template': {
        const sym = this.analysis.symbols.get(ref.decl);
        return sym ? paramScope(this.callable(sym)) : undefined;
      }
    }
  }

  private graphItems(graph: string, present: string[]): void {
    const g = this.analysis.graphs.get(graph)?.model;
    this.add({ label: 'start', kind: 'keyword', detail: 'start -> first(…)', documentation: 'The entry of the graph: its first edge.', insertText: 'start -> ', retrigger: true, sortText: '0start' });
    for (const n of g?.nodes.values() ?? []) {
      this.add({ label: n.name, kind: n.info.kind, detail: signatureOf(n.info), documentation: `Edge from node \`${n.name}\`.`, insertText: `${n.name} -> `, retrigger: true, sortText: `1${n.name}`, resolve: { symbol: n.info.sym.name } });
    }
    const hasBudget = g?.budget.span !== undefined;
    if (!hasBudget) this.add({ label: 'budget', kind: 'snippet', detail: 'budget { cost, latency, steps, tokens }', documentation: 'Limits the worst case of one run; exceeding one is an error.', insertText: 'budget { cost: \\$${1:0.10}, latency: ${2:60s}, steps: ${3:20} }', snippet: true, sortText: '2budget' });
    const nodeNames = g ? [...g.nodes.keys()] : [];
    this.add({ label: 'supervise', kind: 'snippet', detail: 'supervise [nodes] strategy(max_restarts, within) escalate target', documentation: 'Erlang/OTP-style restarts of failing nodes, escalating to a person.', insertText: `supervise [\${1${nodeNames.length ? `:${nodeNames.slice(0, 2).join(', ')}` : ''}}] \${2|one_for_one,one_for_all,rest_for_one|}(max_restarts: \${3:3}, within: \${4:60s})`, snippet: true, sortText: '2supervise' });
    for (const [key, spec] of Object.entries(PROPERTY_SPECS.graph)) {
      if (present.includes(key)) continue;
      this.add({ label: key, kind: 'property', detail: `${key}: ${valueKindText(spec)}`, documentation: propertyMarkdown(key, spec, 'a graph'), insertText: this.propertySnippet(key, spec).insert, snippet: true, sortText: `3${key}` });
    }
  }

  private edgeTargets(graph: string, sources: string[], inFanOut: boolean): void {
    const scope = this.graphScope(graph);
    const g = this.analysis.graphs.get(graph)?.model;
    const order: Record<string, number> = { agent: 0, human: 1, tool: 2, graph: 3 };
    const syms = this.syms(['agent', 'human', 'tool', 'graph']);
    // In big workspaces the details come with `resolve`, for the item the user looks at.
    const lazy = syms.length > LAZY_DETAILS;
    for (const s of syms) {
      if (s.name === graph) continue;
      const info = this.callable(s);
      if (!info) continue;
      this.add({
        label: s.name,
        kind: s.kind as EntryKind,
        detail: lazy ? undefined : signatureOf(info),
        documentation: lazy ? undefined : s.decl.doc,
        insertText: `${s.name}(${this.fillArgs(info, scope, sources)})$0`,
        snippet: true,
        filterText: s.name,
        sortText: `${order[s.kind]}${s.name}`,
        resolve: { symbol: s.name },
      });
    }
    if (!inFanOut && g) {
      const result = g.info.output;
      const fits = sources.find((n) => { const b = scope?.lookup(n); return b !== undefined && assignable(b.ty, result); });
      this.add({ label: 'end', kind: 'keyword', detail: `end(value: ${displayShort(result)})`, documentation: 'Ends the run with its result.', insertText: fits ? `end(${fits})` : `end(\${1:value})`, snippet: true, sortText: '5end' });
    }
  }

  /** Arguments for a call: names in scope that fit each parameter, else placeholders. */
  private fillArgs(info: CallableInfo, scope: Scope | undefined, sources: string[]): string {
    const args: string[] = [];
    let tab = 1;
    let named = false;
    for (const p of info.params) {
      let value: string | undefined;
      const same = scope?.lookup(p.name);
      if (same && assignable(same.ty, p.type)) value = p.name;
      else {
        for (const s of sources) {
          const b = scope?.lookup(s);
          if (b && assignable(b.ty, p.type)) {
            value = s;
            break;
          }
        }
      }
      if (value === undefined && p.type.k === 'optional') {
        named = true;
        continue;
      }
      const v = value ?? `\${${tab++}:${p.name}}`;
      args.push(named || (value !== undefined && value !== p.name) ? `${p.name}: ${v}` : v);
    }
    return args.join(', ');
  }

  private edgeModifiers(has: { when: boolean; otherwise: boolean; max: boolean; forEach: boolean; call: boolean }): void {
    if (!has.when && !has.otherwise) {
      this.add({ label: 'when', kind: 'keyword', detail: 'when <condition>', documentation: 'A conditional route: the first matching route from a node fires.', insertText: 'when ', retrigger: true, sortText: '0' });
      this.add({ label: 'otherwise', kind: 'keyword', detail: 'otherwise', documentation: 'The route taken when no `when` condition from this node holds.', sortText: '1' });
    }
    if (!has.max) this.add({ label: 'max', kind: 'keyword', detail: 'max N', documentation: 'Loop bound: this edge fires at most N times in one run.', insertText: 'max ${1:3}', snippet: true, sortText: '2' });
    if (has.call && !has.forEach && !has.when && !has.otherwise) {
      this.add({ label: 'for', kind: 'keyword', detail: 'for x in list max W', documentation: 'Dynamic fan-out: one run per element of a list, at most W wide.', insertText: 'for ${1:x} in ${2:list} max ${3:5}', snippet: true, sortText: '3' });
    }
  }

  private graphNodes(graph: string, exclude: string[], supervisors: boolean): void {
    const g = this.analysis.graphs.get(graph)?.model;
    if (!g) return;
    for (const n of g.nodes.values()) {
      if (exclude.includes(n.name)) continue;
      this.add({ label: n.name, kind: n.info.kind, detail: signatureOf(n.info), resolve: { symbol: n.info.sym.name } });
    }
    if (supervisors) for (const s of g.supervisors) if (s.name && !exclude.includes(s.name)) this.add({ label: s.name, kind: 'variable', detail: `supervisor ${s.name} [${s.children.join(', ')}]` });
  }

  // ------------------------------------------------------------------ expressions

  private nodeArgs(call: CallSite, _scope: ScopeRef): void {
    const sym = this.analysis.symbols.get(call.callee);
    const info = sym ? this.callable(sym) : undefined;
    if (!info) return;
    const filled = new Set<string>();
    let positional = 0;
    for (const name of call.before) {
      if (name) filled.add(name);
      else {
        while (positional < info.params.length && filled.has(info.params[positional]!.name)) positional++;
        const p = info.params[positional++];
        if (p) filled.add(p.name);
      }
    }
    info.params.forEach((p, i) => {
      if (filled.has(p.name)) return;
      this.add({ label: `${p.name}:`, kind: 'field', detail: `${p.name}: ${displayShort(p.type)}`, documentation: `Parameter of ${info.kind} \`${info.sym.name}\`.`, insertText: `${p.name}: `, filterText: p.name, retrigger: true, sortText: `0${i}` });
    });
  }

  private expression(ref: ScopeRef, inEdgeCondition: boolean): void {
    const scope = this.scopeOf(ref);
    if (!scope) return;
    const seen = new Set<string>();
    const names = [...scope.names()];
    const lazy = names.length > LAZY_DETAILS;
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const b = scope.lookup(name);
      if (!b) continue;
      const nodeSym = b.node?.sym;
      this.add({
        label: name,
        kind: nodeSym ? (nodeSym.kind as EntryKind) : 'variable',
        detail: lazy && nodeSym ? undefined : nodeSym ? `${name}: ${displayShort(b.ty)} (output of ${nodeSym.kind} ${nodeSym.name})` : `${name}: ${displayShort(b.ty)}`,
        documentation: name === 'run' ? 'The run being checked: cost, latency, steps, tokens, retries, escalated.' : name === 'case' ? 'The current case row.' : name === 'output' ? "The graph's result." : undefined,
        sortText: `${nodeSym ? 1 : 0}${name}`,
        resolve: nodeSym ? { symbol: nodeSym.name } : undefined,
      });
    }
    for (const [name, f] of Object.entries(BUILTIN_FUNCTIONS)) {
      if (ref.kind === 'template' && (name === 'inputs' || name === 'visited')) continue;
      // These two exist only in eval assertions.
      if (ref.kind !== 'eval' && (name === 'is_type' || name === 'judge')) continue;
      this.add({
        label: name,
        kind: 'function',
        detail: `${name}(${f.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) -> ${f.result}`,
        documentation: f.doc,
        insertText: `${name}($1)`,
        snippet: true,
        sortText: `3${name}`,
      });
    }
    if (ref.kind !== 'template') {
      for (const lit of ['true', 'false', 'null']) this.add({ label: lit, kind: 'keyword', sortText: `4${lit}` });
    }
    void inEdgeCondition;
  }

  private members(ref: ScopeRef, object: string): void {
    const scope = this.scopeOf(ref);
    if (!scope) return;
    const t = typeOfText(this.analysis, scope, object);
    const fields = fieldsOf(t);
    if (!fields) return;
    fields.forEach((f, i) => {
      const ft = f.optional ? T.optional(f.type) : f.type;
      this.add({
        label: f.name,
        kind: 'field',
        detail: `${f.name}${f.optional ? '?' : ''}: ${displayShort(f.type)}`,
        documentation: [f.doc, literalHint(ft)].filter(Boolean).join('\n\n') || undefined,
        sortText: String(i).padStart(3, '0'),
      });
    });
  }

  private literals(ref: ScopeRef, subject: string, quoted: boolean): void {
    const scope = this.scopeOf(ref);
    if (!scope) return;
    const t = typeOfText(this.analysis, scope, subject);
    const values = literalValues(t);
    if (!values) {
      if (!quoted) this.expression(ref, true);
      return;
    }
    values.forEach((v, i) => {
      const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
      if (quoted && typeof v !== 'string') return;
      this.add({ label: text, kind: 'value', detail: `${subject}: ${displayShort(t)}`, sortText: String(i).padStart(3, '0'), filterText: text });
    });
  }
}

function literalHint(t: Ty): string | undefined {
  const values = literalValues(t);
  if (!values || stripOptional(t).k === 'boolean') return undefined;
  return `One of ${values.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}.`;
}
