// Signature help for node calls on edges, end(…), built-in functions, backoff and supervision
// strategies and model providers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHelp } from '../../server/src/features/signature-help.ts';
import { fixture, SUPPORT } from './cursor.ts';

const G = (edge: string) => `${SUPPORT}graph Support(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket)
  billing -> end(billing)
  ${edge}
}`;

function help(marked: string) {
  const f = fixture(marked);
  const h = signatureHelp(f.analysis, f.text, f.offset);
  assert.ok(h, 'expected signature help');
  const sig = h.signatures[h.activeSignature]!;
  const active = sig.parameters[h.activeParameter];
  return { h, sig, active: active ? sig.label.slice(active.label[0], active.label[1]) : undefined };
}

test('node calls: the declaration signature, active parameter by position', () => {
  const r = help(G('billing -> critic(<|>)'));
  assert.equal(r.sig.label, 'critic(draft: Draft, ticket: Ticket) -> Verdict');
  assert.equal(r.active, 'draft: Draft');
  assert.match(r.sig.documentation!, /agent `critic`/);
  assert.equal(help(G('billing -> critic(billing, <|>)')).active, 'ticket: Ticket');
  assert.equal(help(G('billing -> critic(billing, tic<|>)')).active, 'ticket: Ticket');
});

test('node calls: active parameter by name, and positional arguments skip named ones', () => {
  assert.equal(help(G('billing -> critic(ticket: <|>)')).active, 'ticket: Ticket');
  assert.equal(help(G('billing -> critic(ticket: ticket, <|>)')).active, 'draft: Draft');
  // Inside a nested call the innermost signature wins.
  assert.match(help(G('billing -> critic(draft: billing, ticket) when contains(<|>)')).sig.label, /^contains\(haystack/);
});

test('end, built-in functions, backoff, supervision strategies and providers', () => {
  assert.equal(help(G('billing -> end(<|>)')).sig.label, 'end(value: Draft)');
  const len = help(G('billing -> end(billing) when len(<|>) > 0'));
  assert.equal(len.sig.label, 'len(value: list | map | string) -> integer');
  const matches = help(G('billing -> end(billing) when matches(ticket.body, <|>)'));
  assert.equal(matches.active, 'pattern: string');
  const backoff = help(SUPPORT + 'agent z(t: Ticket) -> Draft {\n  retry: 2 backoff exponential(250ms, <|>)\n}');
  assert.equal(backoff.sig.label, 'exponential(base: duration, max: duration, jitter: boolean)');
  assert.equal(backoff.active, 'max: duration');
  assert.equal(help(SUPPORT + 'agent z(t: Ticket) -> Draft {\n  retry: 2 backoff constant(jitter: <|>)\n}').active, 'jitter: boolean');
  const sup = help(G('supervise [billing] one_for_all(max_restarts: 2, <|>)'));
  assert.equal(sup.sig.label, 'one_for_all(max_restarts: integer, within: duration)');
  assert.equal(sup.active, 'within: duration');
  assert.match(sup.sig.documentation!, /restart all children/);
  const provider = help(SUPPORT + 'model m = azure_openai("<|>")');
  assert.equal(provider.sig.label, 'azure_openai(id: string)');
});

test('no signature help outside calls', () => {
  const f = fixture(G('billing -> <|>'));
  assert.equal(signatureHelp(f.analysis, f.text, f.offset), undefined);
});
