// Quick fixes: each is applied to the workspace and the result re-analysed. It must check
// cleaner: fewer diagnostics of the code it fixes, and no error that was not there before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { quickFixes, type QuickFix } from '../../server/src/features/quick-fixes.ts';
import { analyseFiles, applyFix, countCode, errors } from './apply.ts';
import { fixture, MAIN, ROOT, SUPPORT } from './cursor.ts';

interface Outcome {
  fix: QuickFix;
  files: Map<string, string>;
  main: string;
}

/**
 * Finds the fix for `code` whose title matches, applies it, re-analyses, and checks it made the
 * spec cleaner. Returns the fix and the files after it.
 */
function applyAndCheck(spec: string, code: string, title: RegExp, others: Record<string, string> = {}): Outcome {
  const f = fixture(spec, others);
  const diags = f.analysis.diagnostics.filter((d) => d.code === code);
  assert.ok(diags.length > 0, `the spec has no ${code}: ${f.analysis.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const fixes = quickFixes(f.analysis, diags);
  const fix = fixes.find((x) => title.test(x.title));
  assert.ok(fix, `no fix matching ${title}; offered: ${fixes.map((x) => x.title).join(' | ')}`);
  assert.equal(fix.kind, 'quickfix');
  const files = applyFix(f.files, fix);
  const after = analyseFiles(files, MAIN, ROOT);
  assert.ok(countCode(after, code) < diags.length, `${code} is still reported ${countCode(after, code)} times:\n${files.get(MAIN)}`);
  const before = new Set(errors(f.analysis));
  const added = errors(after).filter((e) => !before.has(e));
  assert.deepEqual(added, [], `new errors after '${fix.title}':\n${files.get(MAIN)}`);
  return { fix, files, main: files.get(MAIN)! };
}

const LOOP = `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket)
  billing -> critic(draft: billing, ticket)
  critic -> billing(ticket) when !critic.ok
  critic -> end(inputs(critic).draft) when critic.ok
}`;

test('AG4004: add `max 3` to the edge closing an unbounded loop (and an otherwise route it now needs)', () => {
  const o = applyAndCheck(LOOP, 'AG4004', /Add `max 3` to bound this loop/);
  assert.match(o.main, /critic -> billing\(ticket\) when !critic\.ok max 3\n/);
  assert.match(o.main, /\n {2}critic -> end\(inputs\(critic\)\.draft\) otherwise\n/);
  assert.equal(o.fix.isPreferred, true);
  // An unconditional back edge needs the bound only.
  const simple = applyAndCheck(
    `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket)
  billing -> critic(draft: billing, ticket)
  critic -> end(billing) when critic.ok
  critic -> billing(ticket) otherwise
}`,
    'AG4004',
    /^Add `max 3` to bound this loop$/,
  );
  assert.match(simple.main, /critic -> billing\(ticket\) otherwise max 3/);
});

const ROUTING = (extra = '') => `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket) when classify.category == "billing"
  classify -> critic(draft: { reply: "", cites: [] }, ticket) when classify.category == "technical"
  billing -> end(billing)
  critic -> end(inputs(critic).draft)
  ${extra}
}`;

test('AG4001: add an otherwise route to a human of the graph', () => {
  const o = applyAndCheck(ROUTING('support_lead -> end(support_lead)\n  start -> support_lead(ticket) when false'), 'AG4001', /otherwise` route to `support_lead`/);
  assert.match(o.main, /classify -> critic\(draft: \{ reply: "", cites: \[\] \}, ticket\) when classify\.category == "technical"\n {2}classify -> support_lead\(ticket\) otherwise\n/);
});

test('AG4001: without a human, end with a value of the result type', () => {
  const spec = `${SUPPORT}graph G(ticket: Ticket) -> Route {
  start -> classify(ticket)
  classify -> billing(ticket) when classify.confidence > 0.5
  billing -> end(classify)
}`;
  const o = applyAndCheck(spec, 'AG4001', /otherwise` route to `end\(classify\)`/);
  assert.match(o.main, /classify -> end\(classify\) otherwise/);
  // No value fits: a placeholder of the result type that still type-checks.
  const placeholder = applyAndCheck(ROUTING(), 'AG4001', /otherwise` route to `end\(…\)`/);
  assert.match(placeholder.main, /classify -> end\(\{ reply: "", cites: \[\] \}\) otherwise/);
});

test('AG4001: add the missing literal cases, copying the last route target', () => {
  const o = applyAndCheck(ROUTING(), 'AG4001', /Add the missing case "other"/);
  assert.match(o.main, /\n {2}classify -> critic\(draft: \{ reply: "", cites: \[\] \}, ticket\) when classify\.category == "other"\n/);
});

test('AG2001: fix a misspelt node everywhere in the graph', () => {
  const spec = `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> biling(ticket) when classify.category == "billing"
  classify -> support_lead(ticket) otherwise
  biling -> end(biling)
  support_lead -> end(support_lead)
}`;
  const o = applyAndCheck(spec, 'AG2001', /Change 'biling' to 'billing' \(3 places in G\)/);
  assert.ok(!o.main.includes('biling('));
});

test('AG2001: create a missing agent from its call, inferring parameters and result', () => {
  const spec = `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> refunder(ticket, route: classify) when classify.category == "billing"
  classify -> support_lead(ticket) otherwise
  refunder -> end(refunder)
  support_lead -> end(support_lead)
}`;
  const o = applyAndCheck(spec, 'AG2001', /Create agent 'refunder'/);
  assert.match(o.main, /agent refunder\(ticket: Ticket, route: Route\) -> Draft \{\n {2}model: fast\n {2}prompt: """\n {4}TODO: describe what refunder does\.\n {4}\{\{ticket\}\}\n {4}\{\{route\}\}\n {2}"""\n\}\n\ngraph G/);
  // Its output's fields are inferred from the conditions on it.
  const routed = applyAndCheck(
    `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> triage(ticket)
  triage -> billing(ticket) when triage.queue == "money" && triage.score > 0.5
  triage -> support_lead(ticket) when triage.queue == "people"
  billing -> end(billing)
  support_lead -> end(support_lead)
}`,
    'AG2001',
    /Create agent 'triage'/,
  );
  assert.match(routed.main, /agent triage\(ticket: Ticket\) -> \{ queue: "money" \| "people", score: number \}/);
});

test('AG2001: create a missing type from its uses, a model, a tool, a human', () => {
  const typed = applyAndCheck(
    `${SUPPORT}agent ship(s: Shipment) -> Draft { model: fast, prompt: "{{s.carrier}}" }
graph H(s: Shipment) -> Draft {
  start -> ship(s)
  ship -> end(ship) when s.express
  ship -> end(ship) when !s.express
}`,
    'AG2001',
    /Create type 'Shipment'/,
  );
  assert.match(typed.main, /type Shipment \{\n {2}carrier: string\n {2}express: boolean\n\}\n\nagent ship/);
  const model = applyAndCheck(`${SUPPORT}agent a(t: Ticket) -> Draft { model: turbo, prompt: "{{t.id}}" }`, 'AG2001', /Create model 'turbo'/);
  assert.match(model.main, /model turbo = openai\("gpt-4o-mini"\)/);
  const tool = applyAndCheck(`${SUPPORT}agent a(t: Ticket) -> Draft { model: fast, tools: [send_email], prompt: "{{t.id}}" }`, 'AG2001', /Create tool 'send_email'/);
  assert.match(tool.main, /tool send_email\(input: string\) -> string \{\n {2}description: "TODO: what send_email does"\n {2}effect: read/);
  const human = applyAndCheck(
    `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> billing(ticket)
  billing -> end(billing)
  supervise [billing] one_for_one(max_restarts: 1, within: 1m) escalate duty_manager
}`,
    'AG2001',
    /Create human 'duty_manager'/,
  );
  assert.match(human.main, /human duty_manager\(ticket: Ticket\) -> Draft \{/);
});

test('misspelt names: properties, fields, template references, strategies (AG2007, AG3003, AG3006, AG5009)', () => {
  applyAndCheck(`${SUPPORT}agent w(ticket: Ticket) -> Draft { model: fast, promt: "{{ticket.id}}" }`, 'AG2007', /Change 'promt' to 'prompt'/);
  const graph = (cond: string) => `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket) when ${cond}
  classify -> support_lead(ticket) otherwise
  billing -> end(billing)
  support_lead -> end(support_lead)
}`;
  const field = applyAndCheck(graph('classify.categroy == "billing"'), 'AG3003', /Change 'categroy' to 'category'/);
  assert.match(field.main, /classify\.category == "billing"/);
  applyAndCheck(`${SUPPORT}agent w(ticket: Ticket) -> Draft { model: fast, prompt: "Hi {{ticket.bdy}}" }`, 'AG3006', /Change 'bdy' to 'body'/);
  applyAndCheck(`${SUPPORT}agent w(ticket: Ticket) -> Draft { model: fast, prompt: "Hi {{tickt.body}}" }`, 'AG3006', /Change 'tickt' to 'ticket'/);
  const strategy = graph('classify.category == "billing"').replace('}', '}').replace(/\n\}$/, '\n  supervise [billing] one_for_on(max_restarts: 1, within: 1m)\n}');
  applyAndCheck(strategy, 'AG5009', /Change 'one_for_on' to 'one_for_one'/);
});

test('AG3002: replace a mistyped literal by the suggestion, or by any allowed value', () => {
  const graph = (lit: string) => `${SUPPORT}graph G(ticket: Ticket) -> Draft {
  start -> classify(ticket)
  classify -> billing(ticket) when classify.category == ${lit}
  classify -> support_lead(ticket) otherwise
  billing -> end(billing)
  support_lead -> end(support_lead)
}`;
  const o = applyAndCheck(graph('"biling"'), 'AG3002', /Change to "billing"/);
  assert.match(o.main, /classify\.category == "billing"/);
  const f = fixture(graph('"refunds"'));
  const titles = quickFixes(f.analysis, f.analysis.diagnostics.filter((d) => d.code === 'AG3002')).map((x) => x.title);
  assert.deepEqual(titles, ['Change to "billing"', 'Change to "technical"', 'Change to "other"']);
});

const REFUND_TOOL = `import "main.agentgraph"
tool refund(invoice_id: string, amount: number) -> { refund_id: string } {
  description: "Refund part of an invoice"
  effect: irreversible
}
`;

test('AG5001: require approval by a human before an irreversible tool, declared next to the tool (in another file)', () => {
  const spec = `import "tools.agentgraph"\n${SUPPORT}agent refunder(ticket: Ticket) -> Draft { model: smart, tools: [refund], prompt: "Refund {{ticket.id}}", retry: 2 }`;
  const tools = REFUND_TOOL.replace('import "main.agentgraph"\n', '');
  const o = applyAndCheck(spec, 'AG5001', /approval before 'refund' runs \(`approve: approve_refund`\)/, { 'tools.agentgraph': tools });
  const toolFile = o.files.get(path.join(ROOT, 'tools.agentgraph'))!;
  assert.match(toolFile, /effect: irreversible\n {2}approve: approve_refund\n\}\n\nhuman approve_refund\(invoice_id: string, amount: number\) -> boolean \{\n {2}prompt: "Approve refund\(invoice_id = \{\{invoice_id\}\}, amount = \{\{amount\}\}\)\?"\n {2}timeout: 4h\n\}/);
  assert.equal(o.main, fixture(spec).text, 'the spec itself is unchanged');
});

test('AG5002: an irreversible tool reachable with no human: approval added to the tool', () => {
  const spec = `${SUPPORT}tool refund(invoice_id: string) -> string { effect: irreversible }
human approve_refund(invoice_id: string) -> boolean { timeout: 1h }
agent refunder(ticket: Ticket) -> Draft { model: smart, tools: [refund], prompt: "Refund {{ticket.id}}" }
graph G(ticket: Ticket) -> Draft {
  start -> refunder(ticket)
  refunder -> end(refunder)
}`;
  const o = applyAndCheck(spec, 'AG5002', /approve: approve_refund/);
  assert.match(o.main, /tool refund\(invoice_id: string\) -> string \{ effect: irreversible, approve: approve_refund \}/);
  assert.equal(o.main.match(/human approve_refund/g)?.length, 1, 'the existing approver is reused');
});

test('AG2006: create the missing prompt file with the parameters as references', () => {
  const o = applyAndCheck(`${SUPPORT}agent writer(ticket: Ticket, style_guide: string) -> Draft { model: fast, prompt: file("prompts/writer.md") }`, 'AG2006', /Create prompts\/writer\.md/);
  assert.deepEqual(o.fix.createFiles, [path.join(ROOT, 'prompts', 'writer.md')]);
  assert.equal(o.files.get(path.join(ROOT, 'prompts', 'writer.md')), 'TODO: describe the task for writer.\n\nTicket: {{ticket}}\nStyle guide: {{style_guide}}\n');
});

test('AG5003: replace a model without tool support by a capable one, declaring one if needed', () => {
  const local = `model local = ollama("qwen2.5:7b") { capabilities: { tools: false } }\n`;
  const o = applyAndCheck(`${SUPPORT}${local}agent q(ticket: Ticket) -> Draft { model: local, tools: [lookup_invoice], prompt: "x {{ticket.id}}" }`, 'AG5003', /Use model 'fast' \(gpt-4o-mini, supports tools\) instead of 'local'/);
  assert.match(o.main, /agent q\(ticket: Ticket\) -> Draft \{ model: fast, tools/);
  const fallback = applyAndCheck(`${SUPPORT}${local}agent q(ticket: Ticket) -> Draft { model: smart, fallback: [local], tools: [lookup_invoice], prompt: "x {{ticket.id}}" }`, 'AG5003', /Use model 'fast'/);
  assert.match(fallback.main, /fallback: \[fast\]/);
  // Only incapable models declared: declare a capable one.
  const bare = `type T { a: string }\n${local}tool look(a: string) -> string { effect: read }\nagent q(t: T) -> T { model: local, tools: [look], prompt: "x {{t.a}}" }`;
  const declared = applyAndCheck(bare, 'AG5003', /Declare model 'tool_model'/);
  assert.match(declared.main, /model tool_model = openai\("gpt-4o-mini"\) \{\n {2}temperature: 0\n {2}max_tokens: 800\n\}\n\nagent q\(t: T\) -> T \{ model: tool_model,/);
});

test('AG4007: add `max 5` to an unbounded fan-out', () => {
  const o = applyAndCheck(
    `${SUPPORT}type Plan { topics: list<string> }
agent plan(q: string) -> Plan { model: fast, prompt: "{{q}}" }
agent research(topic: string) -> Draft { model: fast, prompt: "{{topic}}" }
graph R(q: string) -> list<Draft> {
  start -> plan(q)
  plan -> research(topic: t) for t in plan.topics
  research -> end(research)
}`,
    'AG4007',
    /Add `max 5` to bound this fan-out/,
  );
  assert.match(o.main, /for t in plan\.topics max 5\n/);
});

test('AG2008: add a missing required property', () => {
  const o = applyAndCheck(`${SUPPORT}agent a(t: Ticket) -> Draft {\n  prompt: "{{t.id}}"\n}`, 'AG2008', /Add `model: fast`/);
  assert.match(o.main, /agent a\(t: Ticket\) -> Draft \{\n {2}prompt: "\{\{t\.id\}\}"\n {2}model: fast\n\}/);
  applyAndCheck(`${SUPPORT}agent a(t: Ticket) -> Draft { model: fast }`, 'AG2008', /Add `prompt:/);
});

test('diagnostics without a mechanical fix get no actions', () => {
  const f = fixture(`${SUPPORT}graph G(ticket: Ticket) -> Draft {\n  classify -> end(billing)\n}`);
  const fixes = quickFixes(f.analysis, f.analysis.diagnostics.filter((d) => d.code === 'AG4006'));
  assert.deepEqual(fixes, []);
});

test('every fix offered for the check fixtures and the broken examples checks cleaner', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { splitFixture } = await import('../helpers/fixtures.ts');
  const sources: { name: string; files: Map<string, string>; main: string; root: string }[] = [];
  const fixtureDir = path.resolve('test/fixtures/checks');
  for (const n of readdirSync(fixtureDir)) {
    const parts = splitFixture(readFileSync(path.join(fixtureDir, n), 'utf8'));
    sources.push({ name: n, files: new Map([...parts].map(([rel, t]) => [path.join('/fx', rel), t])), main: '/fx/main.agentgraph', root: '/fx' });
  }
  const examples = path.resolve('examples');
  const all = new Map<string, string>();
  const read = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) read(p);
      else all.set(p, readFileSync(p, 'utf8'));
    }
  };
  read(examples);
  for (const n of readdirSync(path.join(examples, 'broken')).filter((x) => x.endsWith('.agentgraph'))) {
    sources.push({ name: `broken/${n}`, files: all, main: path.join(examples, 'broken', n), root: examples });
  }
  const failures: string[] = [];
  const codes = new Set<string>();
  let applied = 0;
  for (const s of sources) {
    if (!s.files.has(s.main)) continue;
    const a = analyseFiles(s.files, s.main, s.root);
    const before = new Set(errors(a));
    for (const d of a.diagnostics) {
      for (const fix of quickFixes(a, [d])) {
        const after = analyseFiles(applyFix(s.files, fix), s.main, s.root);
        applied++;
        codes.add(d.code);
        const added = errors(after).filter((e) => !before.has(e));
        if (countCode(after, d.code) >= countCode(a, d.code) || added.length) failures.push(`${s.name} ${d.code} '${fix.title}': ${added.join('; ') || 'not fewer'}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(applied >= 30, `only ${applied} fixes were offered`);
  for (const c of ['AG2001', 'AG2006', 'AG2007', 'AG3002', 'AG4001', 'AG4004', 'AG4007', 'AG5001', 'AG5002', 'AG5003', 'AG5009']) assert.ok(codes.has(c), `no fix was offered for ${c}`);
});

test('AG3004: add the missing arguments of a node call, from the scope or as placeholders', () => {
  const o = applyAndCheck(
    `${SUPPORT}graph G(ticket: Ticket) -> Verdict {
  start -> billing(ticket)
  billing -> critic()
  critic -> end(critic)
}`,
    'AG3004',
    /Add the missing arguments 'draft', 'ticket'/,
  );
  assert.match(o.main, /billing -> critic\(draft: billing, ticket: ticket\)/);
});
