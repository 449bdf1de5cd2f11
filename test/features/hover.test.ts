// Hover contents over the support-desk spec.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../server/src/features/hover.ts';
import { fixture, SUPPORT } from './cursor.ts';

const GRAPH = `/// Routes tickets.
graph Support(ticket: Ticket) -> Draft {
  budget { cost: $0.50, latency: 10m, steps: 20 }
  start -> classify(ticket)
  classify -> billing(ticket)      when classify.category == "billing"
  classify -> support_lead(ticket) otherwise
  billing -> critic(draft: billing, ticket)
  critic -> billing(ticket)        when !critic.ok max 2
  critic -> end(inputs(critic).draft) when critic.ok
  critic -> support_lead(ticket)   otherwise
  support_lead -> end(support_lead)
}
`;

function at(marked: string): string {
  const f = fixture(marked);
  const h = hover(f.analysis, f.offset);
  assert.ok(h, 'expected a hover');
  assert.ok(h.range.start <= f.offset && f.offset <= h.range.end, 'the range covers the cursor');
  return h.contents;
}

test('an agent: signature, doc comment, model chain, policies and worst case per execution', () => {
  const c = at(SUPPORT.replace('agent classify(', 'agent clas<|>sify('));
  assert.match(c, /```agentgraph\nagent classify\(ticket: Ticket\) -> Route\n```/);
  assert.match(c, /Sorts tickets into queues\./);
  assert.match(c, /\*\*Model\*\* `fast` \(openai `gpt-4o-mini`\) → fallback `smart`/);
  assert.match(c, /\*\*Retry\*\* 2 × exponential 250ms…4\.0s/);
  assert.match(c, /\*\*Cache\*\* 24\.0h/);
  assert.match(c, /\*\*Worst case per execution\*\* \$0\.\d+ · [\d.]+m? ?s? · \d+ calls/);
});

test('a type: expanded with its fields and their doc comments', () => {
  const c = at(SUPPORT.replace('agent classify(ticket: Ticket) -> Route', 'agent classify(ticket: Ticket) -> Ro<|>ute'));
  assert.match(c, /type Route \{\n {2}\/\/\/ The queue\.\n {2}category: "billing" \| "technical" \| "other"\n {2}confidence: number\n\}/);
  assert.match(c, /Where a ticket should go\./);
});

test('a model: provider, id, catalog price per 1M tokens, context window, capabilities', () => {
  const c = at(SUPPORT.replace('  model: fast\n  prompt: """', '  model: fa<|>st\n  prompt: """'));
  assert.match(c, /model fast = openai\("gpt-4o-mini"\)/);
  assert.match(c, /\*\*Price\*\* \$0\.15 in \/ \$0\.60 out per 1M tokens/);
  assert.match(c, /\*\*Context window\*\* 128,000 tokens/);
  assert.match(c, /tools ✓ · JSON schema ✓/);
  assert.match(c, /temperature 0 · max_tokens 300/);
  // On the model id string itself: the catalog entry.
  const id = at(SUPPORT.replace('openai("gpt-4o-mini")', 'openai("gpt-4o-m<|>ini")'));
  assert.match(id, /\*\*gpt-4o-mini\*\* \(openai\)/);
});

test('a tool: effect, timeout and the JSON Schema of its parameters', () => {
  const c = at(SUPPORT.replace('tools: [lookup_invoice]', 'tools: [lookup_inv<|>oice]'));
  assert.match(c, /tool lookup_invoice\(invoice_id: string\) -> \{ amount: number, status: "paid" \| "due" \}/);
  assert.match(c, /Fetch one invoice by id/);
  assert.match(c, /\*\*Effect\*\* read/);
  assert.match(c, /\*\*Timeout\*\* 5\.0s/);
  assert.match(c, /```json\n\{\n {2}"type": "object",\n {2}"properties": \{\n {4}"invoice_id": \{\n {6}"type": "string"/);
});

test('a graph: signature and budget against the worst case', () => {
  const c = at(SUPPORT + GRAPH.replace('graph Support(', 'graph Supp<|>ort('));
  assert.match(c, /graph Support\(ticket: Ticket\) -> Draft/);
  assert.match(c, /Routes tickets\./);
  assert.match(c, /\| cost \| \$[\d.]+ \| \$0\.50 \|/);
  assert.match(c, /\| latency \| [\d.]+m \| 10\.0m \|/);
  assert.match(c, /\| steps \| \d+ \| 20/);
  assert.match(c, /4 nodes, 8 edges/);
});

test('a node on an edge: its signature and worst case in this graph', () => {
  const c = at(SUPPORT + GRAPH.replace('billing -> critic(draft', 'bill<|>ing -> critic(draft'));
  assert.match(c, /agent billing\(ticket: Ticket\) -> Draft/);
  assert.match(c, /\*\*Worst case per execution\*\*/);
  assert.match(c, /\*\*Model\*\* `smart`/);
  const human = at(SUPPORT + GRAPH.replace('support_lead -> end', 'support_l<|>ead -> end'));
  assert.match(human, /human support_lead\(ticket: Ticket\) -> Draft/);
  assert.match(human, /waiting for a person/);
});

test('a field: its type and doc comment; a parameter: its type expanded', () => {
  const field = at(SUPPORT + GRAPH.replace('classify.category ==', 'classify.cate<|>gory =='));
  assert.match(field, /\(field\) Route\.category: "billing" \| "technical" \| "other"/);
  assert.match(field, /The queue\./);
  const fieldDecl = at(SUPPORT.replace('  category: "billing"', '  cat<|>egory: "billing"'));
  assert.match(fieldDecl, /\(field\) Route\.category/);
  const param = at(SUPPORT.replace('{{draft.reply}}', '{{dr<|>aft.reply}}'));
  assert.match(param, /\(parameter\) draft: Draft/);
  assert.match(param, /type Draft \{\n {2}reply: string\n {2}cites: list<string>\n\}/);
  const paramDecl = at(SUPPORT.replace('agent critic(draft:', 'agent critic(dr<|>aft:'));
  assert.match(paramDecl, /\(parameter\) draft: Draft/);
  const graphParam = at(SUPPORT + GRAPH.replace('start -> classify(ticket)', 'start -> classify(tic<|>ket)'));
  assert.match(graphParam, /\(parameter\) ticket: Ticket/);
});

test('property keys, strategies, built-in functions and loop bounds show their documentation', () => {
  assert.match(at(SUPPORT.replace('  retry: 2', '  re<|>try: 2')), /Retries after a failed attempt/);
  assert.match(at(SUPPORT.replace('cache: 24h', 'ca<|>che: 24h')), /Cache identical requests/);
  assert.match(at(SUPPORT + GRAPH.replace('budget { cost', 'budget { co<|>st')), /Maximum spend per run/);
  assert.match(at(SUPPORT.replace('backoff exponential', 'backoff expo<|>nential')), /base × 2\^\(n-1\)/);
  assert.match(at(SUPPORT + GRAPH.replace('end(inputs(critic)', 'end(inp<|>uts(critic)')), /inputs\(node: node\) -> object/);
  assert.match(at(SUPPORT + GRAPH.replace('max 2', 'max <|>2')), /fires at most 2 times/);
  assert.match(at(SUPPORT.replace('openai("gpt-4o-mini")', 'ope<|>nai("gpt-4o-mini")')), /The OpenAI API/);
});

test('no hover on whitespace and keywords without meaning', () => {
  const f = fixture(SUPPORT + '\n<|>\n');
  assert.equal(hover(f.analysis, f.offset), undefined);
});

test('a named supervisor: its children, strategy and what restarts cost', () => {
  const c = at(SUPPORT + GRAPH.replace('  support_lead -> end(support_lead)\n', '  support_lead -> end(support_lead)\n  supervise work<|>ers [billing, critic] one_for_all(max_restarts: 2, within: 1m) escalate support_lead\n'));
  assert.match(c, /supervisor workers \[billing, critic\] one_for_all\(max_restarts: 2, within: 1\.0m\) escalate support_lead/);
  assert.match(c, /each child runs 3×/);
});
