// Inlay hints: worst case per agent and per graph, loop bounds on back edges, fan-out widths.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlayHints } from '../../server/src/features/inlay-hints.ts';
import { fixture, SUPPORT } from './cursor.ts';

const SPEC = `${SUPPORT}type Plan { topics: list<string> }
agent plan(ticket: Ticket) -> Plan { model: fast, prompt: "{{ticket.body}}" }
agent research(topic: string) -> Draft { model: fast, prompt: "{{topic}}" }
graph Support(ticket: Ticket) -> Draft {
  budget { cost: $0.90, latency: 10m }
  start -> classify(ticket)
  classify -> billing(ticket)      when classify.category == "billing"
  classify -> support_lead(ticket) otherwise
  billing -> critic(draft: billing, ticket)
  critic -> billing(ticket)        when !critic.ok max 2
  critic -> end(inputs(critic).draft) when critic.ok
  critic -> support_lead(ticket)   otherwise
  support_lead -> end(support_lead)
}
graph Research(ticket: Ticket) -> list<Draft> {
  start -> plan(ticket)
  plan -> research(topic: t) for t in plan.topics max 4
  research -> end(research)
}
`;

test('hints: agent worst case after the signature, graph worst case against its budget, loops and fan-outs', () => {
  const f = fixture(SPEC);
  const hints = inlayHints(f.analysis);
  const byLine = hints.map((h) => {
    const lineStart = f.text.lastIndexOf('\n', h.offset - 1) + 1;
    return `${f.text.slice(lineStart, h.offset).trim()} ⟨${h.label}⟩`;
  });
  const agentHint = byLine.find((l) => l.startsWith('agent classify(ticket: Ticket) -> Route ⟨'));
  assert.ok(agentHint, byLine.join('\n'));
  assert.match(agentHint, /⟨≤ \$0\.\d+ · [\d.]+m?s?⟩$/);
  assert.ok(byLine.some((l) => /^agent billing\(ticket: Ticket\) -> Draft ⟨≤ \$/.test(l)));
  assert.ok(!byLine.some((l) => l.startsWith('human')), 'humans have no model cost');
  assert.ok(byLine.some((l) => /^graph Support\(ticket: Ticket\) -> Draft ⟨worst case \$0\.\d+ \/ budget \$0\.90⟩$/.test(l)), byLine.join('\n'));
  assert.ok(byLine.some((l) => /^graph Research\(ticket: Ticket\) -> list<Draft> ⟨worst case \$0\.\d+ · [\d.]+m?s?⟩$/.test(l)));
  assert.ok(byLine.some((l) => l === 'critic -> billing(ticket)        when !critic.ok max 2 ⟨↺ ≤ 2⟩'), byLine.join('\n'));
  assert.ok(byLine.some((l) => l === 'plan -> research(topic: t) for t in plan.topics max 4 ⟨⇉ ≤ 4⟩'));
  // The agent hint's tooltip spells out the worst case.
  const h = hints.find((x) => x.label.startsWith('≤'))!;
  assert.match(h.tooltip!, /Worst case of one execution: \$[\d.]+ · .* calls/);
});

test('hints are limited to the requested range', () => {
  const f = fixture(SPEC);
  const start = f.text.indexOf('graph Research');
  const hints = inlayHints(f.analysis, { start, end: f.text.length });
  assert.ok(hints.length >= 2);
  assert.ok(hints.every((h) => h.offset >= start));
});

test('a static fan-out shows its width', () => {
  const f = fixture(`${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> [classify(ticket), billing(ticket)]
  [classify, billing] -> end(billing)
}`);
  assert.ok(inlayHints(f.analysis).some((h) => h.label === '⇉ 2'));
});
