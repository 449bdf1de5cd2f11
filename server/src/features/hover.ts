// Hover: what the name under the cursor is, in Markdown. Types are expanded with their fields and
// doc comments; agents show their signature, model chain, policies and worst-case cost and latency
// per execution; models their catalog profile; tools their effect, implementation and JSON Schema;
// graphs their budget against the worst case; a node on an edge its signature and worst case in
// that graph. Property keys, providers, strategies and built-in functions show their documentation.

import { DEFAULT_HUMAN_TIMEOUT_MS, DEFAULT_TOOL_TIMEOUT_MS } from '../checks/economics.ts';
import { PROVIDERS } from '../catalog/models.ts';
import type { Analysis } from '../semantics/analyze.ts';
import type { Reference } from '../semantics/context.ts';
import type { AgentInfo, HumanInfo, ModelInfo, ToolInfo } from '../semantics/declarations.ts';
import type { Sym } from '../semantics/program.ts';
import { PROPERTY_SPECS, type BlockKind, type PropertySpec } from '../semantics/property-specs.ts';
import { T, toJsonSchema, type Ty } from '../semantics/types.ts';
import type { Decl, Field, GraphDecl, Node, Param, SourceFile } from '../syntax/ast.ts';
import { nodeAt, walk } from '../syntax/walk.ts';
import {
  budgetUsd,
  capabilityText,
  catalogProfile,
  codeBlock,
  display,
  displayShort,
  formatMs,
  formatTokens,
  formatUsd,
  modelLine,
  namedObjects,
  priceText,
  quietTypes,
  retryText,
  signatureOf,
  toolEffectText,
  typeBlock,
  typeOfExpr,
  worstCaseText,
  type OffsetRange,
} from './common.ts';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  range: OffsetRange;
}

/** Built-in functions of expressions, with signatures and documentation. */
export const BUILTIN_FUNCTIONS: Record<string, { params: { name: string; type: string; doc: string }[]; result: string; doc: string }> = {
  inputs: { params: [{ name: 'node', type: 'node', doc: 'A node of this graph.' }], result: 'object', doc: 'The arguments the node was called with, as an object of its parameters.' },
  visited: { params: [{ name: 'node', type: 'node', doc: 'A node of this graph.' }], result: 'boolean', doc: 'Whether the node has run in this run.' },
  len: { params: [{ name: 'value', type: 'list | map | string', doc: 'What to measure.' }], result: 'integer', doc: 'The number of items of a list or map, or characters of a string.' },
  contains: {
    params: [
      { name: 'haystack', type: 'string | list | map', doc: 'Where to look.' },
      { name: 'needle', type: 'string | element', doc: 'What to look for: a substring, a list element or a map key.' },
    ],
    result: 'boolean',
    doc: 'Whether a string contains a substring, a list an element, or a map a key.',
  },
  matches: {
    params: [
      { name: 'text', type: 'string', doc: 'The text to test.' },
      { name: 'pattern', type: 'string', doc: 'A regular expression, as a string literal (checked here).' },
    ],
    result: 'boolean',
    doc: 'Whether the text matches the regular expression.',
  },
  approx: {
    params: [
      { name: 'actual', type: 'number', doc: 'The value to test.' },
      { name: 'expected', type: 'number', doc: 'The value it should be close to.' },
      { name: 'tolerance', type: 'number', doc: 'The largest allowed difference.' },
    ],
    result: 'boolean',
    doc: 'Whether two numbers differ by at most the tolerance.',
  },
  lower: { params: [{ name: 'text', type: 'string', doc: 'The text.' }], result: 'string', doc: 'The text in lower case.' },
  upper: { params: [{ name: 'text', type: 'string', doc: 'The text.' }], result: 'string', doc: 'The text in upper case.' },
  abs: { params: [{ name: 'value', type: 'number', doc: 'A number.' }], result: 'number', doc: 'The absolute value.' },
  equals: {
    params: [
      { name: 'actual', type: 'any', doc: 'The value to test.' },
      { name: 'expected', type: 'any', doc: 'The value it should equal.' },
    ],
    result: 'boolean',
    doc: 'Deep equality: lists and objects are equal when their items and fields are.',
  },
  is_type: {
    params: [
      { name: 'value', type: 'any', doc: 'The value to test.' },
      { name: 'Type', type: 'type', doc: 'A declared type.' },
    ],
    result: 'boolean',
    doc: 'Eval assertions only: whether the value matches the JSON Schema of a declared type.',
  },
  judge: {
    params: [
      { name: 'text', type: 'string | object', doc: 'What to grade.' },
      { name: 'rubric', type: 'string', doc: 'What a good answer does, as a string literal.' },
      { name: 'min_score', type: 'number', doc: 'The score (0 to 1) needed to pass; 0.7 when omitted.' },
    ],
    result: 'boolean',
    doc: "Eval assertions only: the eval's `judge:` model grades the value against the rubric (score 0 to 1, with reasoning).",
  },
};

export const BACKOFF_DOCS: Record<string, string> = {
  exponential: 'Waits `base × 2^(n-1)` before retry n, capped at `max`.',
  linear: 'Waits `base × n` before retry n, capped at `max`.',
  constant: 'Waits `base` before every retry.',
};

export const STRATEGY_DOCS: Record<string, string> = {
  one_for_one: 'When a child fails, restart only that child.',
  one_for_all: 'When a child fails, restart all children of this supervisor.',
  rest_for_one: 'When a child fails, restart it and the children listed after it.',
};

export const PROVIDER_DOCS: Record<string, string> = {
  openai: 'The OpenAI API (`OPENAI_API_KEY`).',
  azure_openai: 'An Azure OpenAI deployment; set `base_url` to the deployment URL and `api_key_env`.',
  ollama: 'A local Ollama server (OpenAI-compatible endpoint, default `http://localhost:11434/v1`).',
  openai_compatible: 'Any OpenAI-compatible endpoint (vLLM, LM Studio, Gemini, …); set `base_url`.',
  simulated: 'A simulated model for tests and dry runs: no network, deterministic outputs.',
};

export function hover(analysis: Analysis, offset: number): HoverResult | undefined {
  const ref = refAt(analysis.refs, offset);
  if (ref) {
    const contents = refMarkdown(analysis, ref, offset);
    if (contents) return { contents, range: { start: ref.start, end: ref.end } };
  }
  return syntaxHover(analysis, offset);
}

/** The innermost reference whose span contains the offset (or ends right at it). */
function refAt(refs: Reference[], offset: number): Reference | undefined {
  let best: Reference | undefined;
  for (const r of refs) {
    if (r.start <= offset && offset <= r.end && r.end > r.start) {
      if (!best || r.end - r.start < best.end - best.start || (offset < r.end && best.end === offset)) best = r;
    }
  }
  return best;
}

function refMarkdown(analysis: Analysis, ref: Reference, offset: number): string | undefined {
  if (ref.kind === 'field') return fieldMarkdown(analysis, ref);
  if (ref.kind === 'param') return paramMarkdown(analysis, ref);
  if (!ref.sym) return undefined;
  if (!ref.isDecl) {
    const graph = enclosingGraph(analysis.unit.parse.file, offset);
    if (graph && !graph.name.missing) {
      const g = analysis.graphs.get(graph.name.text);
      const node = g?.model.nodes.get(ref.sym.name);
      if (g && node && node.info.sym === ref.sym) return nodeMarkdown(analysis, ref.sym, graph.name.text);
    }
  }
  return symbolMarkdown(analysis, ref.sym);
}

function enclosingGraph(file: SourceFile, offset: number): GraphDecl | undefined {
  for (const d of file.decls) if (d.kind === 'GraphDecl' && d.start <= offset && offset <= d.end) return d;
  return undefined;
}

// ------------------------------------------------------------------ symbols

/** The Markdown description of a declaration (hover, and completion item documentation). */
export function symbolMarkdown(analysis: Analysis, sym: Sym): string {
  const doc = sym.decl.doc;
  const parts: string[] = [];
  switch (sym.kind) {
    case 'type': {
      const t = quietTypes(analysis).ofDecl(sym);
      parts.push(codeBlock(typeBlock(t, sym.name)));
      if (doc) parts.push(doc);
      break;
    }
    case 'model': {
      const m = analysis.decls.model(sym);
      parts.push(codeBlock(`model ${m.name} = ${m.provider}(${JSON.stringify(m.modelId)})`));
      if (doc) parts.push(doc);
      parts.push(modelDetails(m));
      break;
    }
    case 'tool': {
      const t = analysis.decls.tool(sym);
      parts.push(codeBlock(signatureOf(t)));
      if (t.description) parts.push(t.description);
      else if (doc) parts.push(doc);
      parts.push(toolDetails(t));
      break;
    }
    case 'agent': {
      const a = analysis.decls.callable(sym) as AgentInfo;
      parts.push(codeBlock(signatureOf(a)));
      if (doc) parts.push(doc);
      parts.push(agentDetails(analysis, a));
      break;
    }
    case 'human': {
      const h = analysis.decls.human(sym);
      parts.push(codeBlock(signatureOf(h)));
      if (doc) parts.push(doc);
      parts.push(humanDetails(h));
      break;
    }
    case 'graph': {
      const info = analysis.decls.callable(sym)!;
      parts.push(codeBlock(signatureOf(info)));
      if (doc) parts.push(doc);
      const details = graphDetails(analysis, sym);
      if (details) parts.push(details);
      break;
    }
    case 'eval': {
      const d = sym.decl;
      if (d.kind === 'EvalDecl') parts.push(codeBlock(`eval ${sym.name} for ${d.graph.text || '…'}`));
      if (doc) parts.push(doc);
      const e = analysis.evals.get(sym.name);
      if (e && e.caseType.k !== 'any') parts.push(`**Case** \`${displayShort(e.caseType)}\``);
      break;
    }
  }
  return parts.join('\n\n');
}

function bullet(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

export function modelDetails(m: ModelInfo): string {
  const p = m.profile;
  const lines = [
    `**Provider** \`${m.provider}\` · **id** \`${m.modelId}\`${m.inCatalog ? '' : ' (not in the catalog)'}`,
    `**Price** ${priceText(p)}`,
    `**Context window** ${p.contextWindow.toLocaleString('en-US')} tokens · max output ${p.maxOutputTokens.toLocaleString('en-US')}`,
    `**Capabilities** ${capabilityText(p)}`,
    `**Latency** ~${formatMs(p.ttftMs)} to first token · ${p.tokensPerSecond} tokens/s`,
  ];
  const settings: string[] = [];
  if (m.temperature !== undefined) settings.push(`temperature ${m.temperature}`);
  if (m.maxTokens !== undefined) settings.push(`max_tokens ${m.maxTokens}`);
  if (m.baseUrl) settings.push(`base_url \`${m.baseUrl}\``);
  if (m.apiKeyEnv) settings.push(`key from \`$${m.apiKeyEnv}\``);
  if (settings.length) lines.push(`**Settings** ${settings.join(' · ')}`);
  return bullet(lines);
}

function toolDetails(t: ToolInfo): string {
  const lines = [`**Effect** ${toolEffectText(t)}`, `**Timeout** ${formatMs(t.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS)}${t.timeoutMs === undefined ? ' (default)' : ''}`];
  if (t.impl) lines.push(`**Implementation** \`${t.impl.module.split(/[\\/]/).slice(-2).join('/')}#${t.impl.export}\``);
  const schema = JSON.stringify(toJsonSchema(t.inputTy), null, 2);
  return `${bullet(lines)}\n\n**Parameters (JSON Schema)**\n\n\`\`\`json\n${schema}\n\`\`\``;
}

function agentDetails(analysis: Analysis, a: AgentInfo): string {
  const lines: string[] = [];
  if (a.model) lines.push(`**Model** ${modelLine(a.model)}${a.fallback.length ? ` → fallback ${a.fallback.map((m) => `\`${m.name}\``).join(', ')}` : ''}`);
  if (a.tools.length) lines.push(`**Tools** ${a.tools.map((t) => `\`${t.sym.name}\` (${t.effect})`).join(', ')} · up to ${a.maxTurns} turns`);
  const policies = [`**Retry** ${retryText(a)}`];
  if (a.cacheTtlMs !== undefined) policies.push(`**Cache** ${formatMs(a.cacheTtlMs)}`);
  if (a.timeoutMs !== undefined) policies.push(`**Timeout** ${formatMs(a.timeoutMs)}`);
  lines.push(policies.join(' · '));
  if (a.prompt) lines.push(`**Prompt** ${a.prompt.source === 'file' ? `\`${(a.prompt.path ?? '').split(/[\\/]/).slice(-2).join('/')}\`` : 'inline'}${a.prompt.refTypes.length ? `, ${a.prompt.refTypes.length} reference${a.prompt.refTypes.length === 1 ? '' : 's'}` : ''}`);
  const w = analysis.economics.node(a);
  lines.push(`**Worst case per execution** ${worstCaseText(w)}`);
  return bullet(lines);
}

function humanDetails(h: HumanInfo): string {
  const lines = [`**Waits up to** ${formatMs(h.timeoutMs ?? DEFAULT_HUMAN_TIMEOUT_MS)}${h.timeoutMs === undefined ? ' (default)' : ''} for an answer`];
  if (h.prompt?.source === 'inline') lines.push(`**Asks** ${h.prompt.text.length > 160 ? h.prompt.text.slice(0, 160) + '…' : h.prompt.text}`);
  return bullet(lines);
}

function graphDetails(analysis: Analysis, sym: Sym): string | undefined {
  const local = analysis.graphs.get(sym.name);
  const g = local?.model ?? analysis.graphOf(sym.name)?.model;
  if (!g) return undefined;
  const w = local?.worst ?? analysis.economics.node(g.info);
  const b = g.budget;
  const row = (what: string, worst: string, limit: string | undefined, over: boolean) => `| ${what} | ${worst} | ${limit ?? '—'}${over ? ' ⚠' : ''} |`;
  const lines = [
    '| | worst case | budget |',
    '|---|---|---|',
    row('cost', formatUsd(w.costUsd), b.costUsd !== undefined ? budgetUsd(b.costUsd) : undefined, b.costUsd !== undefined && w.costUsd > b.costUsd),
    row('latency', formatMs(w.latencyMs), b.latencyMs !== undefined ? formatMs(b.latencyMs) : undefined, b.latencyMs !== undefined && w.latencyMs > b.latencyMs),
    row('steps', String(w.steps), b.steps !== undefined ? String(b.steps) : undefined, b.steps !== undefined && w.steps > b.steps),
    row('tokens', formatTokens(w.tokens), b.tokens !== undefined ? formatTokens(b.tokens) : undefined, b.tokens !== undefined && w.tokens > b.tokens),
  ];
  const extra: string[] = [`${g.nodes.size} node${g.nodes.size === 1 ? '' : 's'}, ${g.edges.length} edge${g.edges.length === 1 ? '' : 's'}`];
  if (local && g.supervisors.length && local.worstSupervised !== local.worst) {
    extra.push(`with every supervisor restart: ${formatUsd(local.worstSupervised.costUsd)} · ${formatMs(local.worstSupervised.latencyMs)}`);
  }
  if (w.humanWaitMs) extra.push(`plus up to ${formatMs(w.humanWaitMs)} waiting for people`);
  return `${lines.join('\n')}\n\n${extra.join(' · ')}`;
}

/** A node of a graph: its declaration's signature and what it costs in this graph. */
function nodeMarkdown(analysis: Analysis, sym: Sym, graph: string): string {
  const ga = analysis.graphs.get(graph)!;
  const node = ga.model.nodes.get(sym.name)!;
  const info = node.info;
  const parts = [codeBlock(signatureOf(info))];
  if (sym.decl.doc) parts.push(sym.decl.doc);
  const one = analysis.economics.node(info);
  const lines = [`**Worst case per execution** ${worstCaseText(one)}`];
  if (node.mapped) lines.push(`**Fan-out** one run per element, at most ${node.width} wide`);
  const inGraph = ga.worstSupervised.perNode.get(sym.name);
  if (inGraph && (node.mapped || inGraph.costUsd !== one.costUsd || inGraph.steps !== one.steps)) {
    lines.push(`**In ${graph}** (fan-out and restarts included) ${worstCaseText(inGraph)}`);
  }
  if (info.kind === 'agent') {
    const a = info as AgentInfo;
    if (a.model) lines.push(`**Model** ${modelLine(a.model)}${a.fallback.length ? ` → ${a.fallback.map((m) => `\`${m.name}\``).join(', ')}` : ''} · **Retry** ${retryText(a)}`);
  }
  parts.push(bullet(lines));
  return parts.join('\n\n');
}

// ------------------------------------------------------------------ fields and parameters

function unitOf(analysis: Analysis, file: string) {
  return analysis.units.find((u) => u.path === file);
}

function findNode<T extends Node>(root: Node, pred: (n: Node) => n is T): T | undefined {
  let found: T | undefined;
  walk(root, (n) => {
    if (found) return false;
    if (pred(n)) {
      found = n;
      return false;
    }
    return n.kind !== 'Name';
  });
  return found;
}

function fieldMarkdown(analysis: Analysis, ref: Reference): string | undefined {
  const unit = unitOf(analysis, ref.target.file);
  if (!unit) return undefined;
  let owner: string | undefined;
  let field: Field | undefined;
  for (const d of unit.parse.file.decls) {
    if (d.start > ref.target.start || ref.target.start > d.end) continue;
    field = findNode(d, (n): n is Field => n.kind === 'Field' && n.name.start === ref.target.start);
    if (field && d.kind === 'TypeDecl') owner = d.name.text;
    break;
  }
  if (!field) return undefined;
  const ty = quietTypes(analysis).resolve(field.type, ref.target.file);
  const full = field.optional ? T.optional(ty) : ty;
  const parts = [codeBlock(`(field) ${owner ? `${owner}.` : ''}${field.name.text}${field.optional ? '?' : ''}: ${display(ty, 1)}`)];
  if (field.doc) parts.push(field.doc);
  const expanded = expansions(full);
  if (expanded) parts.push(expanded);
  return parts.join('\n\n');
}

function paramMarkdown(analysis: Analysis, ref: Reference): string | undefined {
  const unit = unitOf(analysis, ref.target.file);
  if (!unit) return undefined;
  for (const d of unit.parse.file.decls) {
    if (d.start > ref.target.start || ref.target.start > d.end) continue;
    const param = 'params' in d ? d.params.find((p: Param) => p.name.start === ref.target.start) : undefined;
    if (param) {
      const ty = quietTypes(analysis).resolve(param.type, ref.target.file);
      const owner = d.kind === 'ImportDecl' ? '' : ` of ${declWord(d)} ${d.name.text}`;
      const parts = [codeBlock(`(parameter) ${param.name.text}: ${displayShort(ty)}`), `Parameter${owner}.`];
      const expanded = expansions(ty);
      if (expanded) parts.push(expanded);
      return parts.join('\n\n');
    }
    // A `for x in list` loop variable.
    if (d.kind === 'GraphDecl') {
      const g = analysis.graphs.get(d.name.text);
      for (const item of d.items) {
        if (item.kind !== 'Edge') continue;
        const calls = item.target.kind === 'NodeCall' ? [item.target] : item.target.kind === 'FanOut' ? item.target.calls : [];
        for (const c of calls) {
          if (c.forEach && c.forEach.variable.start === ref.target.start && g) {
            const listT = typeOfExpr(analysis, g.model.scope, c.forEach.list);
            const elem = listT.k === 'list' ? listT.element : listT.k === 'optional' && listT.inner.k === 'list' ? listT.inner.element : T.error;
            const parts = [codeBlock(`(loop variable) ${ref.name}: ${displayShort(elem)}`), `One element of \`${analysis.unit.text.slice(c.forEach.list.start, c.forEach.list.end)}\`; each element gets its own run of \`${c.name.text}\`.`];
            const expanded = expansions(elem);
            if (expanded) parts.push(expanded);
            return parts.join('\n\n');
          }
        }
      }
    }
    break;
  }
  return undefined;
}

function declWord(d: Decl): string {
  return d.kind.replace('Decl', '').toLowerCase();
}

/** The named object types a type refers to, written out with their fields. */
function expansions(t: Ty): string | undefined {
  const named = namedObjects(t);
  if (named.size === 0) return undefined;
  return codeBlock([...named.entries()].slice(0, 3).map(([n, ty]) => typeBlock(ty, n)).join('\n'));
}

// ------------------------------------------------------------------ syntax-based hovers

function blockOf(path: Node[], index: number): { block: BlockKind; table: Record<string, PropertySpec> } | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const n = path[i]!;
    switch (n.kind) {
      case 'ModelDecl':
        return { block: 'model', table: PROPERTY_SPECS.model };
      case 'ToolDecl':
        return { block: 'tool', table: PROPERTY_SPECS.tool };
      case 'AgentDecl':
        return { block: 'agent', table: PROPERTY_SPECS.agent };
      case 'HumanDecl':
        return { block: 'human', table: PROPERTY_SPECS.human };
      case 'GraphDecl':
        return { block: 'graph', table: PROPERTY_SPECS.graph };
      case 'Budget':
        return { block: 'budget', table: PROPERTY_SPECS.budget };
      case 'EvalDecl':
        return { block: 'eval', table: PROPERTY_SPECS.eval };
      case 'ObjectLit': {
        const owner = path[i - 1];
        if (owner?.kind === 'Property') {
          const outer = blockOf(path, i - 1);
          const spec = outer?.table[owner.key.text];
          if (spec?.keys) return { block: outer!.block, table: spec.keys };
        }
        return undefined;
      }
      default:
        continue;
    }
  }
  return undefined;
}

export function propertyMarkdown(key: string, spec: PropertySpec, owner: string): string {
  const range = spec.min !== undefined || spec.max !== undefined ? ` (${spec.min ?? '…'} to ${spec.max ?? '…'})` : '';
  return `${codeBlock(`${key}: ${valueKindText(spec)}`)}\n\n${spec.doc}${range}\n\n*Property of ${owner}${spec.required ? '; required' : ''}.*`;
}

export function valueKindText(spec: PropertySpec): string {
  switch (spec.kind) {
    case 'prompt':
      return 'string | file("…")';
    case 'models':
      return 'list<model>';
    case 'tools':
      return 'list<tool>';
    case 'retry':
      return 'integer backoff strategy(…)';
    case 'cache':
      return 'duration | off';
    case 'effect':
      return 'read | idempotent | irreversible';
    case 'object':
      return `{ ${Object.keys(spec.keys ?? {}).join(', ')} }`;
    default:
      return spec.kind;
  }
}

function syntaxHover(analysis: Analysis, offset: number): HoverResult | undefined {
  const path = nodeAt(analysis.unit.parse.file, offset);
  for (let i = path.length - 1; i >= 1; i--) {
    const n = path[i]!;
    const parent = path[i - 1]!;
    const range = { start: n.start, end: n.end };
    if (n.kind === 'Name' && parent.kind === 'Param' && parent.name === n) {
      const contents = paramMarkdown(analysis, { start: n.start, end: n.end, name: n.text, kind: 'param', target: { file: analysis.path, start: n.start, end: n.end } });
      return contents ? { contents, range } : undefined;
    }
    if (n.kind === 'Name' && parent.kind === 'Field' && parent.name === n) {
      const contents = fieldMarkdown(analysis, { start: n.start, end: n.end, name: n.text, kind: 'field', target: { file: analysis.path, start: n.start, end: n.end } });
      return contents ? { contents, range } : undefined;
    }
    if (n.kind === 'Name' && parent.kind === 'Property' && parent.key === n) {
      const owner = blockOf(path, i - 1);
      const spec = owner?.table[n.text];
      if (owner && spec) return { contents: propertyMarkdown(n.text, spec, owner.block === 'budget' ? 'a graph budget' : `${/^[aeiou]/.test(owner.block) ? 'an' : 'a'} ${owner.block}`), range };
      return undefined;
    }
    if (n.kind === 'StringLit' && parent.kind === 'ModelDecl' && parent.modelId === n) {
      const p = catalogProfile(n.value);
      if (!p) return { contents: `\`${n.value}\` is not in the built-in catalog: give the model a \`price\` and \`context_window\`.`, range };
      const lines = [`**${p.id}** (${p.family})`, `- **Price** ${priceText(p)}`, `- **Context window** ${p.contextWindow.toLocaleString('en-US')} tokens · max output ${p.maxOutputTokens.toLocaleString('en-US')}`, `- **Capabilities** ${capabilityText(p)}`, `- **Latency** ~${formatMs(p.ttftMs)} to first token · ${p.tokensPerSecond} tokens/s`];
      return { contents: lines.join('\n'), range };
    }
    if (n.kind === 'Name' && parent.kind === 'ModelDecl' && parent.provider === n && (PROVIDERS as readonly string[]).includes(n.text)) {
      return { contents: `${codeBlock(`provider ${n.text}`)}\n\n${PROVIDER_DOCS[n.text] ?? ''}`, range };
    }
    if (n.kind === 'Name' && parent.kind === 'Backoff' && parent.strategy === n && BACKOFF_DOCS[n.text]) {
      return { contents: `${codeBlock(`backoff ${n.text}(base: duration, max: duration, jitter: boolean)`)}\n\n${BACKOFF_DOCS[n.text]}`, range };
    }
    if (n.kind === 'Name' && parent.kind === 'Supervise' && parent.strategy === n && STRATEGY_DOCS[n.text]) {
      return { contents: `${codeBlock(`${n.text}(max_restarts: integer, within: duration)`)}\n\n${STRATEGY_DOCS[n.text]} More than \`max_restarts\` restarts \`within\` the period escalate.`, range };
    }
    if (n.kind === 'Name' && parent.kind === 'Call' && parent.callee === n) {
      const b = BUILTIN_FUNCTIONS[n.text];
      if (b) return { contents: `${codeBlock(`${n.text}(${b.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) -> ${b.result}`)}\n\n${b.doc}`, range };
      if (n.text === 'file') return { contents: `${codeBlock('file(path: string)')}\n\nA prompt read from a file, relative to this spec; its \`{{ }}\` references are checked like inline ones.`, range };
    }
    if (n.kind === 'EndTarget' && offset < n.start + 3) {
      const g = path.find((x): x is GraphDecl => x.kind === 'GraphDecl');
      const info = g ? analysis.graphs.get(g.name.text)?.model.info : undefined;
      return { contents: `${codeBlock(`end(value: ${info ? displayShort(info.output) : '…'})`)}\n\nEnds the run with its result.`, range: { start: n.start, end: n.start + 3 } };
    }
    if (n.kind === 'Name' && parent.kind === 'Supervise' && parent.name === n) {
      const g = path.find((x): x is GraphDecl => x.kind === 'GraphDecl');
      const sup = g ? analysis.graphs.get(g.name.text)?.model.supervisors.find((x) => x.ast === parent) : undefined;
      if (sup) {
        const lines = [
          codeBlock(`supervisor ${sup.name} [${sup.children.join(', ')}] ${sup.strategy}(max_restarts: ${sup.maxRestarts}, within: ${formatMs(sup.withinMs)})${sup.escalate ? ` escalate ${sup.escalate.name}` : ''}`),
          `${STRATEGY_DOCS[sup.strategy] ?? ''} More than ${sup.maxRestarts} restart${sup.maxRestarts === 1 ? '' : 's'} within ${formatMs(sup.withinMs)} escalate${sup.escalate ? ` to \`${sup.escalate.name}\`` : ''}. In the worst case each child runs ${1 + sup.maxRestarts}× (times any supervisor above).`,
        ];
        return { contents: lines.join('\n\n'), range };
      }
    }
    if (n.kind === 'StartRef') {
      return { contents: 'The start of the graph: its edges fire first, with the graph\'s parameters in scope.', range };
    }
    if (n.kind === 'NumberLit' && parent.kind === 'Edge' && parent.max === n) {
      return { contents: `Loop bound: this edge fires at most ${n.value} time${n.value === 1 ? '' : 's'} in one run; once spent it counts as not matching.`, range };
    }
    if (n.kind === 'NumberLit' && parent.kind === 'ForEach' && parent.max === n) {
      return { contents: `Fan-out width: at most ${n.value} run${n.value === 1 ? '' : 's'} of this node per firing, ${'`concurrency`'} at a time.`, range };
    }
  }
  return undefined;
}
