// Completion by context, with `<|>` cursor fixtures over the support-desk spec.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { complete, type CompletionEntry, type CompletionEnv } from '../../server/src/features/completion.ts';
import { fixture, ROOT, SUPPORT } from './cursor.ts';

function run(marked: string, env: CompletionEnv = {}, others: Record<string, string> = {}) {
  const f = fixture(marked, others);
  const r = complete(f.analysis, f.text, f.offset, env);
  return { ...r, f, labels: r.items.map((i) => i.label), get: (l: string) => r.items.find((i) => i.label === l) };
}

function item(r: { get(l: string): CompletionEntry | undefined }, label: string): CompletionEntry {
  const i = r.get(label);
  assert.ok(i, `expected an item '${label}'`);
  return i;
}

const GRAPH = `graph Support(ticket: Ticket) -> Draft {
  budget { cost: $0.50, latency: 5m, steps: 20 }
  start -> classify(ticket)
  classify -> billing(ticket)      when classify.category == "billing"
  classify -> support_lead(ticket) otherwise
  billing -> critic(draft: billing, ticket)
  critic -> billing(ticket)        when !critic.ok max 2
  critic -> end(inputs(critic).draft) when critic.ok
  critic -> support_lead(ticket)   otherwise
  support_lead -> end(support_lead)
`;

test('property keys inside an agent block: required first, documented, present keys left out', () => {
  const r = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model: fast\n  <|>\n  cache: 1h\n}`);
  assert.equal(r.context, 'propertyKey');
  assert.ok(r.labels.includes('prompt') && r.labels.includes('retry') && r.labels.includes('fallback'));
  assert.ok(!r.labels.includes('model'), 'model is already set');
  assert.ok(!r.labels.includes('cache'), 'cache is set below the cursor');
  const retry = item(r, 'retry');
  assert.equal(retry.kind, 'property');
  assert.match(retry.documentation ?? '', /Retries after a failed attempt/);
  assert.match(retry.insertText ?? '', /backoff \$\{2\|exponential,linear,constant\|\}/);
  assert.ok(item(r, 'prompt').sortText! < retry.sortText!, 'required keys sort first');
});

test('property keys of other blocks: tool, model, budget, nested objects, eval', () => {
  assert.ok(run(SUPPORT + `tool t(a: string) -> string {\n  <|>\n}`).labels.includes('effect'));
  assert.ok(run(SUPPORT + `model m = openai("gpt-4o") {\n  <|>\n}`).labels.includes('context_window'));
  assert.deepEqual(run(SUPPORT + `graph G(t: Ticket) -> Draft {\n  budget { cost: $0.1, <|> }\n}`).labels.sort(), ['latency', 'steps', 'tokens']);
  assert.deepEqual(run(SUPPORT + `model m = openai("x") {\n  price: { <|> }\n}`).labels.sort(), ['input', 'output']);
  const ev = run(SUPPORT + GRAPH + `}\neval e for Support {\n  <|>\n}`);
  assert.ok(ev.labels.includes('dataset') && ev.labels.includes('assert'));
});

test('after `model:` the declared models, with provider and price in the detail', () => {
  const r = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model: <|>\n}`);
  assert.deepEqual(r.labels.sort(), ['fast', 'smart']);
  assert.match(item(r, 'fast').detail!, /openai\("gpt-4o-mini"\).*\$0\.15/);
  assert.deepEqual(item(r, 'fast').resolve, { symbol: 'fast' });
  // Right after the colon the item brings its own space.
  const tight = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model:<|>\n}`);
  assert.equal(item(tight, 'smart').insertText, ' smart');
  // A word being typed is replaced.
  const partial = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model: sm<|>\n}`);
  assert.equal(partial.f.text.slice(item(partial, 'smart').range.start, item(partial, 'smart').range.end), 'sm');
});

test('in `fallback: [` models, in `tools: [` tools not yet listed', () => {
  assert.deepEqual(run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  fallback: [<|>]\n}`).labels.sort(), ['fast', 'smart']);
  const tools = run(SUPPORT + `tool t2(a: string) -> string { effect: read }\nagent x(t: Ticket) -> Draft {\n  tools: [lookup_invoice, <|>]\n}`);
  assert.deepEqual(tools.labels, ['t2']);
  assert.match(item(tools, 't2').detail!, /^tool t2\(a: string\) -> string$/);
});

test('`effect:`, backoff strategies, supervision strategies, escalation targets', () => {
  assert.deepEqual(run(SUPPORT + `tool t(a: string) -> string {\n  effect: <|>\n}`).labels, ['read', 'idempotent', 'irreversible']);
  const b = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  retry: 2 backoff <|>\n}`);
  assert.deepEqual(b.labels, ['exponential', 'linear', 'constant']);
  assert.match(item(b, 'exponential').insertText!, /^exponential\(\$\{1:250ms\}, max: \$\{2:4s\}\)$/);
  assert.deepEqual(run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  retry: 2 <|>\n}`).labels, ['backoff']);
  assert.deepEqual(run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  retry: 2 backoff linear(1s, <|>)\n}`).labels, ['max', 'jitter']);
  const s = run(SUPPORT + GRAPH + `  supervise [billing, critic] <|>\n}`);
  assert.deepEqual(s.labels, ['one_for_one', 'one_for_all', 'rest_for_one']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  supervise [billing] one_for_one(max_restarts: 1, <|>)\n}`).labels, ['within']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  supervise [billing] one_for_one(max_restarts: 1) <|>\n}`).labels, ['escalate']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  supervise [billing] one_for_one(max_restarts: 1) escalate <|>\n}`).labels, ['support_lead']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  supervise [billing, <|>]\n}`).labels.sort(), ['classify', 'critic', 'support_lead']);
});

test('edge targets after `->`: nodes with signatures and arguments filled from the scope, and end', () => {
  const r = run(SUPPORT + GRAPH + `  billing -> <|>\n}`);
  assert.equal(r.context, 'edgeTarget');
  for (const l of ['classify', 'billing', 'critic', 'support_lead', 'lookup_invoice', 'end']) assert.ok(r.labels.includes(l), l);
  assert.ok(!r.labels.includes('Support'), 'a graph cannot call itself');
  const critic = item(r, 'critic');
  assert.equal(critic.detail, 'agent critic(draft: Draft, ticket: Ticket) -> Verdict');
  assert.equal(critic.insertText, 'critic(draft: billing, ticket)$0');
  assert.equal(critic.snippet, true);
  assert.equal(item(r, 'end').insertText, 'end(billing)', 'billing returns a Draft, the graph result');
  assert.equal(item(r, 'lookup_invoice').insertText, 'lookup_invoice(${1:invoice_id})$0');
  // Inside a static fan-out too.
  assert.ok(run(SUPPORT + GRAPH + `  billing -> [critic(draft: billing, ticket), <|>]\n}`).labels.includes('support_lead'));
});

test('graph items: edge sources, start, budget, supervise and graph properties', () => {
  const r = run(SUPPORT + GRAPH + `  <|>\n}`);
  for (const l of ['start', 'classify', 'critic', 'supervise', 'concurrency', 'timeout']) assert.ok(r.labels.includes(l), l);
  assert.ok(!r.labels.includes('budget'), 'the graph has a budget already');
  assert.equal(item(r, 'classify').insertText, 'classify -> ');
  assert.equal(item(r, 'classify').retrigger, true);
});

test('edge modifiers after a target: when, otherwise, max, for', () => {
  const r = run(SUPPORT + GRAPH + `  billing -> critic(draft: billing, ticket) <|>\n}`);
  assert.deepEqual(r.labels, ['when', 'otherwise', 'max', 'for']);
  const after = run(SUPPORT + GRAPH + `  critic -> billing(ticket) when !critic.ok <|>\n}`);
  assert.deepEqual(after.labels, ['max']);
});

test('fields after `.`, with their types and doc comments', () => {
  const r = run(SUPPORT + GRAPH + `  billing -> critic(draft: billing, ticket) when classify.<|>\n}`);
  assert.deepEqual(r.labels, ['category', 'confidence']);
  assert.equal(item(r, 'category').detail, 'category: "billing" | "technical" | "other"');
  assert.match(item(r, 'category').documentation!, /The queue/);
  assert.equal(item(r, 'confidence').detail, 'confidence: number');
  // Through inputs(node) and a graph parameter.
  assert.deepEqual(run(SUPPORT + GRAPH + `  x -> end(inputs(critic).<|>)\n}`).labels, ['draft', 'ticket']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  billing -> end(billing) when ticket.<|>\n}`).labels, ['id', 'subject', 'body', 'tier']);
  // A partial field name is the replaced word.
  const partial = run(SUPPORT + GRAPH + `  billing -> end(billing) when ticket.ti<|>\n}`);
  assert.equal(partial.f.text.slice(item(partial, 'tier').range.start, partial.f.offset), 'ti');
});

test('literal-union values in comparisons, quoted or not', () => {
  const quoted = run(SUPPORT + GRAPH + `  billing -> end(billing) when classify.category == "<|>"\n}`);
  assert.deepEqual(quoted.labels, ['"billing"', '"technical"', '"other"']);
  const it = item(quoted, '"technical"');
  // The whole string, closing quote included, is replaced.
  assert.equal(quoted.f.text.slice(it.range.start, it.range.end), '""');
  const bare = run(SUPPORT + GRAPH + `  billing -> end(billing) when classify.category == <|>\n}`);
  assert.deepEqual(bare.labels, ['"billing"', '"technical"', '"other"']);
  const tight = run(SUPPORT + GRAPH + `  billing -> end(billing) when ticket.tier ==<|>\n}`);
  assert.equal(item(tight, '"pro"').insertText, ' "pro"');
  const ne = run(SUPPORT + GRAPH + `  billing -> end(billing) when ticket.tier != "p<|>"\n}`);
  assert.ok(ne.labels.includes('"pro"'));
});

test('template references inside `{{ }}`: parameters, then their fields', () => {
  const names = run(SUPPORT + `agent x(ticket: Ticket, note: string) -> Draft {\n  model: fast\n  prompt: """\n    Reply to {{<|>\n  """\n}`);
  assert.ok(names.labels.includes('ticket') && names.labels.includes('note'));
  assert.equal(item(names, 'ticket').detail, 'ticket: Ticket');
  const fields = run(SUPPORT + `agent x(ticket: Ticket) -> Draft {\n  model: fast\n  prompt: "Reply to {{ticket.<|>}}"\n}`);
  assert.deepEqual(fields.labels, ['id', 'subject', 'body', 'tier']);
  // Outside the braces of a prompt nothing is offered.
  assert.deepEqual(run(SUPPORT + `agent x(ticket: Ticket) -> Draft {\n  model: fast\n  prompt: "Reply to <|>"\n}`).labels, []);
});

test('model ids from the catalog inside `openai("`, with price and context window', () => {
  const r = run(SUPPORT + `model m = openai("gpt-4o<|>")`);
  assert.equal(r.context, 'modelId');
  const mini = item(r, 'gpt-4o-mini');
  assert.match(mini.detail!, /\$0\.15 in \/ \$0\.60 out per 1M tokens · 128k context/);
  assert.match(mini.documentation!, /tools ✓/);
  assert.equal(r.f.text.slice(mini.range.start, mini.range.end), 'gpt-4o');
  // For ollama, local models sort first.
  const local = run(SUPPORT + `model m = ollama("<|>")`);
  const sorted = [...local.items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
  assert.equal(sorted[0]!.label, 'llama3.1:8b');
  // Providers after `=`.
  assert.ok(run(SUPPORT + `model m = <|>`).labels.includes('azure_openai'));
});

test('file paths inside `file("…")` and `import "…"` from the directory listing', () => {
  const fs: Record<string, { name: string; dir: boolean }[]> = {
    [ROOT]: [
      { name: 'prompts', dir: true },
      { name: 'models.agentgraph', dir: false },
      { name: 'main.agentgraph', dir: false },
      { name: 'notes.md', dir: false },
      { name: '.git', dir: true },
    ],
    [path.join(ROOT, 'prompts')]: [
      { name: 'billing.md', dir: false },
      { name: 'triage.txt', dir: false },
      { name: 'logo.png', dir: false },
    ],
  };
  const env: CompletionEnv = { listDir: (d) => fs[d] };
  const top = run(SUPPORT + `agent p(t: Ticket) -> Draft { model: fast, prompt: file("<|>") }`, env);
  assert.deepEqual(top.labels.sort(), ['notes.md', 'prompts/']);
  assert.equal(item(top, 'prompts/').retrigger, true);
  const inner = run(SUPPORT + `agent p(t: Ticket) -> Draft { model: fast, prompt: file("prompts/b<|>") }`, env);
  assert.deepEqual(inner.labels.sort(), ['billing.md', 'triage.txt']);
  assert.equal(inner.f.text.slice(item(inner, 'billing.md').range.start, inner.f.offset), 'b');
  const imp = run(`import "<|>"\n` + SUPPORT, env);
  assert.deepEqual(imp.labels.sort(), ['models.agentgraph', 'prompts/']);
});

test('types in type positions: primitives, list/map and declared types', () => {
  const param = run(SUPPORT + `agent y(t: <|>) -> Draft { model: fast, prompt: "x" }`);
  for (const l of ['string', 'integer', 'list<…>', 'Ticket', 'Route']) assert.ok(param.labels.includes(l), l);
  assert.match(item(param, 'Route').documentation!, /category: "billing" \| "technical" \| "other"/);
  assert.ok(run(SUPPORT + `agent y(t: Ticket) -> <|>`).labels.includes('Draft'));
  assert.ok(run(SUPPORT + `agent y(t: Ticket) -> list<<|>`).labels.includes('Verdict'));
  assert.ok(run(SUPPORT + `type Q { a: <|> }`).labels.includes('boolean'));
  assert.ok(run(SUPPORT + `type P = "a" | <|>`).labels.includes('Ticket'));
});

test('declaration keywords and snippets at the top level', () => {
  const r = run(SUPPORT + `\n<|>`);
  assert.deepEqual(r.labels, ['import', 'type', 'model', 'tool', 'agent', 'human', 'graph', 'eval']);
  const agent = item(r, 'agent');
  assert.equal(agent.snippet, true);
  assert.match(agent.insertText!, /^agent \$\{1:name\}\(\$\{2:param\}: \$\{3:Type\}\) -> \$\{4:Type\} \{\n {2}model: \$\{5\|fast,smart\|\}\n {2}prompt: """\n {4}\$0\n {2}"""\n\}$/);
  assert.match(agent.documentation!, /```agentgraph\nagent name\(param: Type\) -> Type/);
  assert.ok(run(SUPPORT + `\nag<|>`).labels.includes('agent'));
});

test('node arguments: parameter names not yet given, then names in scope', () => {
  const r = run(SUPPORT + GRAPH + `  billing -> critic(<|>)\n}`);
  assert.equal(r.labels[0], 'draft:');
  assert.ok(r.labels.includes('ticket:') && r.labels.includes('billing') && r.labels.includes('len'));
  const second = run(SUPPORT + GRAPH + `  billing -> critic(draft: billing, <|>)\n}`);
  assert.ok(!second.labels.includes('draft:') && second.labels.includes('ticket:'));
  const positional = run(SUPPORT + GRAPH + `  billing -> critic(billing, <|>)\n}`);
  assert.ok(!positional.labels.includes('draft:') && positional.labels.includes('ticket:'));
});

test('conditions and assertions: names, built-in functions, eval bindings', () => {
  const r = run(SUPPORT + GRAPH + `  billing -> end(billing) when <|>\n}`);
  for (const l of ['ticket', 'classify', 'billing', 'contains', 'true']) assert.ok(r.labels.includes(l), l);
  assert.match(item(r, 'classify').detail!, /classify: Route \(output of agent classify\)/);
  const ev = run(SUPPORT + GRAPH + `}\neval e for Support {\n  dataset: "x.jsonl"\n  assert <|>\n}`);
  for (const l of ['run', 'case', 'output', 'classify']) assert.ok(ev.labels.includes(l), l);
  assert.deepEqual(run(SUPPORT + GRAPH + `}\neval e for Support {\n  assert run.<|>\n}`).labels, ['cost', 'latency', 'steps', 'tokens', 'retries', 'escalated']);
  assert.ok(run(SUPPORT + `\neval e for <|>`).labels.length === 0, 'no graph declared yet');
  assert.deepEqual(run(SUPPORT + GRAPH + `}\neval e for <|>`).labels, ['Support']);
});

test('half-typed documents still complete: unclosed blocks and graph bodies', () => {
  const agent = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model: fast\n  <|>`);
  assert.ok(agent.labels.includes('prompt'));
  const graph = run(SUPPORT + `graph G(ticket: Ticket) -> Draft {\n  start -> classify(ticket)\n  classify -> <|>`);
  assert.ok(graph.labels.includes('billing'));
  const member = run(SUPPORT + `graph G(ticket: Ticket) -> Draft {\n  start -> classify(ticket)\n  classify -> billing(ticket) when classify.<|>\n  billing -> `);
  assert.deepEqual(member.labels, ['category', 'confidence']);
  const value = run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model: fast\n  tools: [<|>\n  prompt: "x"\n}`);
  assert.deepEqual(value.labels, ['lookup_invoice']);
});

test('nothing inside comments; trigger characters only open completion where useful', () => {
  assert.deepEqual(run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  // model: <|>\n}`).labels, []);
  assert.deepEqual(run(SUPPORT + `/* a <|> */`).labels, []);
  // A space at a property key does not pop a list; after `model: ` it does.
  assert.deepEqual(run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  <|>\n}`, { triggerCharacter: ' ' }).labels, []);
  assert.deepEqual(run(SUPPORT + `agent x(t: Ticket) -> Draft {\n  model: <|>\n}`, { triggerCharacter: ' ' }).labels.sort(), ['fast', 'smart']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  billing -> end(billing) when classify.<|>\n}`, { triggerCharacter: '.' }).labels, ['category', 'confidence']);
  assert.deepEqual(run(SUPPORT + GRAPH + `  billing -> end(billing) when classify.category <|>\n}`, { triggerCharacter: ' ' }).labels, []);
});

test('prompt values offer a triple-quoted snippet and file("…")', () => {
  const r = run(SUPPORT + `agent summarize(t: Ticket) -> Draft {\n  prompt: <|>\n}`);
  assert.deepEqual(r.labels, ['"""…"""', 'file("…")', '"…"']);
  assert.equal(item(r, 'file("…")').insertText, 'file("${1:prompts/summarize.md}")');
});

test('the loop variable of a dynamic fan-out is in scope inside its arguments', () => {
  const spec = SUPPORT + `type Plan { topics: list<Ticket> }
agent plan(q: string) -> Plan { model: fast, prompt: "{{q}}" }
graph R(q: string) -> Draft {
  start -> plan(q)
  plan -> billing(ticket: t.<|>) for t in plan.topics max 5
}`;
  assert.deepEqual(run(spec).labels, ['id', 'subject', 'body', 'tier']);
});

test('an analysis of an older version of the text still completes (the server answers before re-checking)', () => {
  const old = fixture(SUPPORT + GRAPH + '}\n');
  const insertAt = old.text.indexOf('  support_lead -> end');
  const edited = (snippet: string) => {
    const text = old.text.slice(0, insertAt) + snippet.replace('<|>', '') + old.text.slice(insertAt);
    return { text, offset: insertAt + snippet.indexOf('<|>') };
  };
  const a = edited('  billing -> <|>\n');
  const r = complete(old.analysis, a.text, a.offset);
  assert.equal(r.context, 'edgeTarget');
  assert.ok(r.items.some((i) => i.label === 'critic'));
  const b = edited('  billing -> end(billing) when classify.<|>\n');
  assert.deepEqual(complete(old.analysis, b.text, b.offset).items.map((i) => i.label), ['category', 'confidence']);
  // A declaration typed between two others: its own context, not the one above.
  const at = old.text.indexOf('graph Support');
  const text = old.text.slice(0, at) + 'agent fresh(t: ' + old.text.slice(at);
  const types = complete(old.analysis, text, at + 'agent fresh(t: '.length);
  assert.equal(types.context, 'type');
  assert.ok(types.items.some((i) => i.label === 'Ticket'));
});
