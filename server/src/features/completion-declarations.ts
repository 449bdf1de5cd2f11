// Completion items for writing declarations: the top-level declaration snippets, property keys
// and values of each block (with snippets shaped by the property's kind), backoff and supervision
// strategies, providers, types, model ids from the catalog and file paths. Each function serves
// one cursor context (see completion.ts, which picks it) and adds its items to the collector.

import * as path from 'node:path';
import { MODEL_CATALOG, PROVIDERS, type ModelProfile } from '../catalog/models.ts';
import { BACKOFF_STRATEGIES, EFFECTS, SUPERVISION_STRATEGIES, type PropertySpec } from '../semantics/property-specs.ts';
import { capabilityText, codeBlock, priceText, profileSummary, typeBlock } from './common.ts';
import type { CompletionCollector } from './completion-collector.ts';
import { BACKOFF_DOCS, PROVIDER_DOCS, STRATEGY_DOCS, propertyMarkdown, valueKindText } from './hover.ts';

export function topLevel(c: CompletionCollector): void {
  const models = c.syms(['model']).map((s) => s.name);
  const modelChoice = models.length ? `\${5|${models.join(',')}|}` : '${5:model}';
  const graphs = c.syms(['graph']).map((s) => s.name);
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
    c.add({ label, kind: 'snippet', detail, documentation: `${doc}\n\n${codeBlock(body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:?([^}]*)\}/g, '$1').replace(/\$\d/g, '').replace(/\\\$/g, '$'))}`, insertText: body, snippet: true, sortText: `0${i}`, retrigger: label === 'import' });
  }
}

// ------------------------------------------------------------------ properties

export function propertyKeys(c: CompletionCollector, keys: Record<string, PropertySpec>, present: string[], owner: string, allowAssert: boolean): void {
  let i = 0;
  for (const [key, spec] of Object.entries(keys)) {
    i++;
    if (present.includes(key)) continue;
    const { insert, retrigger } = propertySnippet(c, key, spec);
    c.add({
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
  if (allowAssert) c.add({ label: 'assert', kind: 'keyword', detail: 'assert <condition>', documentation: 'A condition every case must satisfy; sees `case`, `output`, `run` and the nodes.', insertText: 'assert ', retrigger: true, sortText: '2' });
}

export function propertySnippet(c: CompletionCollector, key: string, spec: PropertySpec): { insert: string; retrigger?: boolean } {
  const models = c.syms(['model']).map((s) => s.name);
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

export function propertyValue(c: CompletionCollector, key: string, spec: PropertySpec | undefined): void {
  if (!spec) return;
  switch (spec.kind) {
    case 'model':
      return c.symbols(['model'], [], false);
    case 'models':
      return c.symbols(['model'], [], true);
    case 'tools':
      return c.symbols(['tool'], [], true);
    case 'human':
      return c.symbols(['human'], [], false);
    case 'type':
      return c.symbols(['type'], [], false);
    case 'effect': {
      const docs: Record<string, string> = {
        read: 'Only reads; safe to retry and to run again.',
        idempotent: 'Running it twice has the same effect as once (the default).',
        irreversible: 'Must never run twice for one call (payments, emails); needs `approve:` or a human on the path.',
      };
      EFFECTS.forEach((e, i) => c.add({ label: e, kind: 'value', detail: 'effect', documentation: docs[e], sortText: String(i) }));
      return;
    }
    case 'boolean':
      c.add({ label: 'true', kind: 'value' });
      c.add({ label: 'false', kind: 'value' });
      return;
    case 'cache':
      c.add({ label: 'off', kind: 'value', detail: 'no caching', documentation: 'Turn the response cache off.' });
      for (const d of ['1h', '24h', '7d']) c.add({ label: d, kind: 'value', detail: 'cache lifetime' });
      return;
    case 'duration':
      for (const d of key === 'latency' ? ['60s', '5m'] : ['10s', '30s', '2m']) c.add({ label: d, kind: 'value', detail: 'duration' });
      return;
    case 'retry':
      c.add({ label: '2 backoff exponential(…)', kind: 'snippet', detail: 'retry: N backoff strategy(base, max: …)', documentation: 'Retries after a failed attempt, waiting longer each time.', insertText: '${1:2} backoff ${2|exponential,linear,constant|}(${3:250ms}, max: ${4:4s})', snippet: true, filterText: 'backoff' });
      return;
    case 'prompt': {
      const decl = c.info.decl?.name || 'prompt';
      c.add({ label: '"""…"""', kind: 'snippet', detail: 'multi-line prompt', documentation: 'A triple-quoted prompt; `{{ }}` inserts parameters. Common indentation is removed.', insertText: '"""\n  $0\n"""', snippet: true, filterText: '"""', sortText: '0' });
      c.add({ label: 'file("…")', kind: 'snippet', detail: 'prompt from a file', documentation: 'Reads the prompt from a Markdown or text file, relative to this spec.', insertText: `file("\${1:prompts/${decl}.md}")`, snippet: true, filterText: 'file', sortText: '1' });
      c.add({ label: '"…"', kind: 'snippet', detail: 'one-line prompt', insertText: '"$0"', snippet: true, filterText: '"', sortText: '2' });
      return;
    }
    default:
      return;
  }
}

export function backoffStrategies(c: CompletionCollector): void {
  BACKOFF_STRATEGIES.forEach((s, i) =>
    c.add({ label: s, kind: 'function', detail: `${s}(base, max: …, jitter: …)`, documentation: BACKOFF_DOCS[s], insertText: `${s}(\${1:250ms}, max: \${2:4s})`, snippet: true, sortText: String(i) }),
  );
}

export function supervisionStrategies(c: CompletionCollector): void {
  SUPERVISION_STRATEGIES.forEach((s, i) =>
    c.add({ label: s, kind: 'function', detail: `${s}(max_restarts, within)`, documentation: STRATEGY_DOCS[s], insertText: `${s}(max_restarts: \${1:3}, within: \${2:60s})`, snippet: true, sortText: String(i) }),
  );
}

export function providers(c: CompletionCollector): void {
  PROVIDERS.forEach((p, i) => c.add({ label: p, kind: 'module', detail: `${p}("model-id")`, documentation: PROVIDER_DOCS[p], insertText: `${p}("$1")`, snippet: true, retrigger: true, sortText: String(i) }));
}

// ------------------------------------------------------------------ types

export function types(c: CompletionCollector): void {
  const prims: [string, string][] = [
    ['string', 'Text.'],
    ['number', 'A number (integer or fraction).'],
    ['integer', 'A whole number; assignable to `number`.'],
    ['boolean', '`true` or `false`.'],
  ];
  for (const [p, doc] of prims) c.add({ label: p, kind: 'keyword', detail: 'primitive type', documentation: doc, sortText: `1${p}` });
  c.add({ label: 'list<…>', kind: 'keyword', detail: 'list<T>', documentation: 'A list of values of one type.', insertText: 'list<$1>', snippet: true, filterText: 'list', sortText: '1list' });
  c.add({ label: 'map<…>', kind: 'keyword', detail: 'map<T>', documentation: 'String keys to values of one type.', insertText: 'map<$1>', snippet: true, filterText: 'map', sortText: '1map' });
  for (const s of c.syms(['type'])) {
    const d = s.decl;
    let doc = d.doc;
    if (d.kind === 'TypeDecl') {
      const t = c.analysis.ctx.types.ofDecl(s);
      doc = `${codeBlock(typeBlock(t, s.name))}${d.doc ? `\n\n${d.doc}` : ''}`;
    }
    c.add({ label: s.name, kind: 'type', detail: c.symDetail(s), documentation: doc, sortText: `0${s.name}` });
  }
}

// ------------------------------------------------------------------ models and files

export function modelIds(c: CompletionCollector, quoted: boolean): void {
  const provider = c.info.call?.kind === 'provider' ? c.info.call.callee : 'openai';
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
    c.add({
      label: p.id,
      kind: 'value',
      detail: profileSummary(p),
      documentation: docs.join('\n'),
      insertText: quoted ? p.id : JSON.stringify(p.id),
      sortText: `${preferred(p)}${String(i).padStart(2, '0')}`,
    });
  });
}

export function filePaths(c: CompletionCollector, mode: 'prompt' | 'import' | 'dataset', typed: string): void {
  const specDir = path.dirname(c.analysis.path);
  const slash = typed.lastIndexOf('/');
  const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const dir = path.resolve(specDir, dirPart || '.');
  const accept = (name: string) =>
    mode === 'prompt' ? /\.(md|txt)$/i.test(name) : mode === 'import' ? name.endsWith('.agentgraph') : /\.(jsonl|csv)$/i.test(name);
  let entries = c.env.listDir?.(dir);
  if (!entries && mode === 'import' && c.env.specPaths) {
    const seen = new Map<string, boolean>();
    for (const p of c.env.specPaths) {
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
      c.add({ label: `${e.name}/`, kind: 'folder', insertText: `${e.name}/`, retrigger: true, sortText: `1${e.name}`, filterText: e.name });
    } else if (accept(e.name) && abs !== c.analysis.path) {
      c.add({ label: e.name, kind: 'file', detail: path.relative(specDir, abs).split(path.sep).join('/'), sortText: `0${e.name}` });
    }
  }
}
