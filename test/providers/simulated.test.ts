// The simulated provider: deterministic per seed, schema-valid answers for random schemas and for
// every agent of the examples, literal unions respected, plausible tool calls, token counts and
// virtual latency, streaming, and scripted fixtures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { createProvider, generateValue, loadFixtures, parseFixtures, rngFor, VirtualClock } from '../../server/src/runtime/providers/index.ts';
import { ProviderError, type ModelRequest } from '../../server/src/runtime/provider.ts';
import { Program } from '../../server/src/semantics/program.ts';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { buildIR } from '../../server/src/ir/build.ts';
import type { IR } from '../../server/src/ir/schema.ts';
import { checkSchema } from './json-schema-check.ts';
import { TRIAGE_SCHEMA, testModel, testRequest, testTool } from './models.ts';

// Random schemas of the shapes the IR emits, plus bounds and formats it may emit later.
const NAMES = ['reply', 'summary', 'confidence', 'score', 'id', 'invoice_id', 'url', 'issued_on', 'count', 'amount', 'title', 'ok', 'tags', 'x', 'note'];
const leaf = fc.oneof(
  fc.constant({ type: 'string' }),
  fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 5 }), maxLength: fc.integer({ min: 5, max: 40 }) }),
  fc.constant({ type: 'string', format: 'date' }),
  fc.constant({ type: 'number' }),
  fc.constant({ type: 'integer' }),
  fc.integer({ min: -50, max: 50 }).chain((lo) => fc.integer({ min: 0, max: 100 }).map((span) => ({ type: 'number', minimum: lo, maximum: lo + span }))),
  fc.integer({ min: -50, max: 50 }).chain((lo) => fc.integer({ min: 2, max: 100 }).map((span) => ({ type: 'integer', exclusiveMinimum: lo, exclusiveMaximum: lo + span }))),
  fc.constant({ type: 'boolean' }),
  fc.constant({ type: 'null' }),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()).map((v) => ({ const: v })),
  fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }).map((e) => ({ type: 'string', enum: e })),
);
const { schema: schemaArb } = fc.letrec<{ schema: Record<string, unknown> }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), tie('schema'), fc.boolean()), { maxLength: 5, selector: (t) => t[0] }).map((fields) => ({
      type: 'object',
      properties: Object.fromEntries(fields.map(([k, s]) => [k, s])),
      required: fields.filter(([, , r]) => r).map(([k]) => k),
      additionalProperties: false,
    })),
    tie('schema').map((s) => ({ type: 'object', additionalProperties: s })),
    fc.tuple(tie('schema'), fc.option(fc.integer({ min: 0, max: 4 })), fc.option(fc.integer({ min: 0, max: 4 }))).map(([items, a, b]) => {
      const out: Record<string, unknown> = { type: 'array', items };
      if (a !== null) out.minItems = Math.min(a, b ?? a);
      if (b !== null) out.maxItems = Math.max(a ?? b, b);
      return out;
    }),
    tie('schema').map((s) => ({ anyOf: [s, { type: 'null' }] })),
    fc.tuple(tie('schema'), tie('schema')).map(([a, b]) => ({ anyOf: [a, b] })),
    fc.constantFrom('string', 'number', 'boolean').map((t) => ({ type: [t, 'null'] })),
  ),
}));

test('answers are valid for random response schemas (fast-check)', async () => {
  await fc.assert(
    fc.asyncProperty(schemaArb, fc.integer(), async (schema, seed) => {
      const p = createProvider('simulated', { seed });
      const res = await p.complete(testRequest({ responseSchema: schema }));
      const errors = checkSchema(schema, JSON.parse(res.content));
      assert.deepEqual(errors, [], `${JSON.stringify(schema)} → ${res.content}`);
    }),
    { numRuns: 400 },
  );
});

test('generated values are valid for every schema over many seeds (fast-check)', () => {
  fc.assert(
    fc.property(schemaArb, fc.string(), (schema, seed) => {
      const v = generateValue(schema, { rng: rngFor(seed), source: 'customer_id: C-9 summary please' });
      assert.deepEqual(checkSchema(schema, v), [], `${JSON.stringify(schema)} → ${JSON.stringify(v)}`);
    }),
    { numRuns: 1000 },
  );
});

test('deterministic for a seed: same seed, same answers; another seed, other answers', async () => {
  const requests: ModelRequest[] = [
    testRequest({ responseSchema: TRIAGE_SCHEMA }),
    testRequest({ responseSchema: TRIAGE_SCHEMA, attempt: 2 }),
    testRequest({ agent: 'billing', tools: [testTool('lookup', { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false })] }),
    testRequest({ agent: 'writer' }),
    testRequest({ responseSchema: TRIAGE_SCHEMA }), // the same request again: differs, reproducibly
  ];
  const run = async (seed: number) => {
    const p = createProvider('simulated', { seed });
    const out = [];
    for (const r of requests) out.push(await p.complete(r));
    return out;
  };
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((r) => r.content), c.map((r) => r.content));
  assert.notEqual(a[0]!.content, a[4]!.content);
});

test('literal unions: only allowed values, and every allowed value shows up', async () => {
  const seen = new Set<unknown>();
  const schema = { type: 'object', properties: { category: { type: 'string', enum: ['billing', 'technical', 'other'] }, level: { anyOf: [{ const: 1 }, { const: 2 }, { const: 'max' }] } }, required: ['category', 'level'], additionalProperties: false };
  for (let seed = 0; seed < 200; seed++) {
    const v = JSON.parse((await createProvider('simulated', { seed }).complete(testRequest({ responseSchema: schema }))).content) as { category: string; level: unknown };
    assert.ok(['billing', 'technical', 'other'].includes(v.category));
    assert.ok([1, 2, 'max'].includes(v.level as never));
    seen.add(v.category).add(v.level);
  }
  assert.equal(seen.size, 6);
});

test('plausible content from field names', () => {
  const schema = { type: 'object', properties: { confidence: { type: 'number' }, invoice_id: { type: 'string' }, issued_on: { type: 'string' }, url: { type: 'string' }, summary: { type: 'string' } }, required: ['confidence', 'invoice_id', 'issued_on', 'url', 'summary'], additionalProperties: false };
  for (let i = 0; i < 50; i++) {
    const v = generateValue(schema, { rng: rngFor(i) }) as { confidence: number; invoice_id: string; issued_on: string; url: string; summary: string };
    assert.ok(v.confidence >= 0 && v.confidence <= 1);
    assert.match(v.invoice_id, /^[A-Z]-\d+$/);
    assert.match(v.issued_on, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(v.url, /^https:\/\//);
    assert.match(v.summary, /^[A-Z].*\.$/);
  }
});

test('no schema: plain text', async () => {
  const res = await createProvider('simulated').complete(testRequest());
  assert.ok(res.content.length > 20);
  assert.throws(() => JSON.parse(res.content));
});

function exampleIRs(): IR[] {
  const root = path.resolve('examples');
  const program = new Program({ readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, root);
  return readdirSync(root).filter((n) => n.endsWith('.agentgraph')).map((n) => buildIR(analyzeFile(program, path.join(root, n))!));
}

test("every example agent's output and every tool's arguments are generated valid", async () => {
  const p = createProvider('simulated', { seed: 3 });
  let checked = 0;
  for (const ir of exampleIRs()) {
    const model = ir.models[0] ?? testModel();
    for (const agent of ir.agents) {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const res = await p.complete(testRequest({ model, agent: agent.name, attempt, responseSchema: agent.output }));
        assert.deepEqual(checkSchema(agent.output, JSON.parse(res.content)), [], `${ir.source} ${agent.name}: ${res.content}`);
        checked++;
      }
    }
    for (const tool of ir.tools) {
      const res = await p.complete(testRequest({ model, agent: 'caller', tools: [tool] }));
      assert.equal(res.toolCalls.length, 1);
      assert.deepEqual(checkSchema(tool.input, JSON.parse(res.toolCalls[0]!.arguments)), [], `${tool.name}: ${res.toolCalls[0]!.arguments}`);
      checked++;
    }
  }
  assert.ok(checked > 50, `checked ${checked}`);
});

test('tools: the first round calls offered tools with valid arguments taken from the request; after results, it answers', async () => {
  const lookup = testTool('lookup_invoices', { type: 'object', properties: { customer_id: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['customer_id', 'limit'], additionalProperties: false });
  const status = testTool('service_status', { type: 'object', properties: { service: { type: 'string', enum: ['api', 'web'] } }, required: ['service'], additionalProperties: false });
  const counts = new Map<number, number>();
  for (let seed = 0; seed < 100; seed++) {
    const p = createProvider('simulated', { seed });
    const req = testRequest({ tools: [lookup, status], responseSchema: TRIAGE_SCHEMA, messages: [{ role: 'user', content: 'Ticket: customer_id: C-77 asks about a refund' }] });
    const first = await p.complete(req);
    assert.equal(first.content, '');
    assert.equal(first.finishReason, 'tool_calls');
    counts.set(first.toolCalls.length, (counts.get(first.toolCalls.length) ?? 0) + 1);
    assert.equal(new Set(first.toolCalls.map((c) => c.name)).size, first.toolCalls.length, 'distinct tools');
    for (const call of first.toolCalls) {
      const tool = [lookup, status].find((t) => t.name === call.name);
      assert.ok(tool, call.name);
      const args = JSON.parse(call.arguments) as Record<string, unknown>;
      assert.deepEqual(checkSchema(tool.input, args), []);
      if (tool === lookup) assert.equal(args.customer_id, 'C-77');
    }
    const followUp = await p.complete({
      ...req,
      call: 2,
      messages: [...req.messages, { role: 'assistant', content: '', toolCalls: first.toolCalls }, ...first.toolCalls.map((c) => ({ role: 'tool' as const, content: '{"ok":true}', toolCallId: c.id }))],
    });
    assert.equal(followUp.toolCalls.length, 0);
    assert.deepEqual(checkSchema(TRIAGE_SCHEMA, JSON.parse(followUp.content)), []);
  }
  assert.ok((counts.get(1) ?? 0) > 50 && (counts.get(2) ?? 0) > 10, JSON.stringify([...counts]));
});

test('tokens from text length; latency from the profile, slept on a virtual clock in no real time', async () => {
  const clock = new VirtualClock(0);
  const model = testModel({ profile: { ttftMs: 500, tokensPerSecond: 50 } });
  const p = createProvider('simulated', { seed: 1, clock });
  const req = testRequest({ model, responseSchema: TRIAGE_SCHEMA, messages: [{ role: 'system', content: 'x'.repeat(100) }, { role: 'user', content: 'y'.repeat(301) }] });
  const wall = Date.now();
  const res = await p.complete(req);
  assert.equal(res.usage.inputTokens, Math.ceil(401 / 4));
  assert.equal(res.usage.outputTokens, Math.ceil(res.content.length / 4));
  assert.equal(res.latencyMs, Math.round(500 + (res.usage.outputTokens / 50) * 1000));
  assert.equal(clock.now(), res.latencyMs);
  assert.ok(Date.now() - wall < 500, 'virtual time does not wait');
  // Without a clock the latency is reported, not slept.
  const free = await createProvider('simulated', { seed: 1 }).complete(req);
  assert.equal(free.latencyMs, res.latencyMs);
});

test('concurrent calls overlap on the virtual clock', async () => {
  const clock = new VirtualClock(0);
  const p = createProvider('simulated', { seed: 1, clock });
  const res = await Promise.all([1, 2, 3].map((i) => p.complete(testRequest({ agent: `a${i}` }))));
  assert.equal(clock.now(), Math.max(...res.map((r) => r.latencyMs)));
});

test('onToken: streamed pieces concatenate to the content', async () => {
  const pieces: string[] = [];
  const res = await createProvider('simulated', { seed: 5 }).complete(testRequest({ responseSchema: TRIAGE_SCHEMA, onToken: (d) => pieces.push(d) }));
  assert.ok(pieces.length > 3);
  assert.equal(pieces.join(''), res.content);
});

test('an aborted signal stops a simulated call', async () => {
  const clock = new VirtualClock(0);
  const ctl = new AbortController();
  const pending = createProvider('simulated', { clock }).complete(testRequest({ signal: ctl.signal }));
  ctl.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof ProviderError && e.kind === 'aborted');
});

test('fixtures: consumed in order per agent (the last repeats), matched by attempt, tool calls, errors, raw text', async () => {
  const p = createProvider('simulated', {
    fixtures: {
      agents: {
        classify: [
          { content: { category: 'billing', confidence: 0.9, summary: 'one', note: null } },
          { content: 'not json at all' },
          { error: { kind: 'rate_limit', retryAfterMs: 200 }, attempt: 3 },
        ],
        billing: [{ toolCalls: [{ name: 'lookup', arguments: { id: 'I-1' } }] }, { content: 'Refunded.', usage: { inputTokens: 5, outputTokens: 2 }, latencyMs: 10 }],
      },
    },
  });
  const c1 = await p.complete(testRequest({ responseSchema: TRIAGE_SCHEMA }));
  assert.deepEqual(JSON.parse(c1.content), { category: 'billing', confidence: 0.9, summary: 'one', note: null });
  assert.equal((await p.complete(testRequest({ attempt: 2 }))).content, 'not json at all');
  assert.equal((await p.complete(testRequest({ attempt: 2 }))).content, 'not json at all', 'the last repeats');
  await assert.rejects(p.complete(testRequest({ attempt: 3 })), (e: unknown) => e instanceof ProviderError && e.kind === 'rate_limit' && e.retryAfterMs === 200);
  const b1 = await p.complete(testRequest({ agent: 'billing' }));
  assert.deepEqual(b1.toolCalls.map((c) => [c.name, c.arguments]), [['lookup', '{"id":"I-1"}']]);
  assert.equal(b1.finishReason, 'tool_calls');
  const b2 = await p.complete(testRequest({ agent: 'billing' }));
  assert.deepEqual([b2.content, b2.usage, b2.latencyMs], ['Refunded.', { inputTokens: 5, outputTokens: 2 }, 10]);
  // Agents without fixtures are generated.
  assert.deepEqual(checkSchema(TRIAGE_SCHEMA, JSON.parse((await p.complete(testRequest({ agent: 'other', responseSchema: TRIAGE_SCHEMA }))).content)), []);
});

test('fixtures load from a JSON file and report bad ones clearly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-fixtures-'));
  try {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ agents: { a: [{ content: 'hi' }] } }));
    assert.deepEqual(loadFixtures(good), { agents: { a: [{ content: 'hi' }] } });
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ agents: { a: [{ error: { kind: 'exploded' } }] } }));
    assert.throws(() => loadFixtures(bad), /bad\.json: invalid fixtures: agents\.a\.0\.error\.kind/);
    assert.throws(() => loadFixtures(path.join(dir, 'missing.json')), /cannot read fixtures/);
    assert.throws(() => parseFixtures({ agent: {} }), /invalid fixtures/);
    // A path works directly as the provider option.
    assert.equal(createProvider('simulated', { fixtures: good }).name, 'simulated');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('createProvider rejects unknown names', () => {
  assert.throws(() => createProvider('anthropic' as 'openai'), /unknown provider/);
});
