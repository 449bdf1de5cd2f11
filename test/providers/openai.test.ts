// The OpenAI-compatible provider against the fake server: request shape (tools, response_format,
// parameters, messages), answers, tool rounds, streaming, malformed output, error mapping,
// timeouts, and that the API key never leaks into an error or a log line.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider, type OpenAIOptions } from '../../server/src/runtime/providers/index.ts';
import { ProviderError, type ModelRequest } from '../../server/src/runtime/provider.ts';
import { retryAfter, strictCompatible } from '../../server/src/runtime/providers/openai.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.ts';
import { TRIAGE_SCHEMA, testModel, testRequest, testTool } from './models.ts';

const SENTINEL = 'sk-SENTINEL-do-not-leak-8f2c1e9a7b';
const env = { OPENAI_API_KEY: SENTINEL };
const seenErrors: string[] = [];

let fake: FakeOpenAI | undefined;
async function server(): Promise<FakeOpenAI> {
  fake ??= await startFakeOpenAI();
  fake.requests.length = 0;
  return fake;
}
after(async () => {
  await fake?.close();
  // Every error any test saw: none may carry the key.
  for (const m of seenErrors) assert.ok(!m.includes(SENTINEL) && !m.includes('SENTINEL'), m);
});

function provider(f: FakeOpenAI, over: OpenAIOptions = {}) {
  return createProvider('openai', { baseURL: f.baseURL, env, timeoutMs: 2000, ...over });
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected ProviderError, got ${String(e)}`);
    seenErrors.push(e.message, String(e.stack), JSON.stringify(e));
    return e;
  }
  assert.fail('expected the call to fail');
}

test('plain answer: content, usage, model id, and the request carries model params and json_schema', async () => {
  const f = await server();
  f.script({ kind: 'answer', content: '{"category":"billing","confidence":0.9,"summary":"s","note":null}', usage: { prompt_tokens: 120, completion_tokens: 17 } });
  const req = testRequest({ responseSchema: TRIAGE_SCHEMA, responseName: 'Triage out', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
  const res = await provider(f).complete(req);
  assert.equal(res.content, '{"category":"billing","confidence":0.9,"summary":"s","note":null}');
  assert.deepEqual(res.usage, { inputTokens: 120, outputTokens: 17 });
  assert.equal(res.finishReason, 'stop');
  assert.equal(res.modelId, 'gpt-4o-mini');
  assert.ok(res.latencyMs >= 0);
  const sent = f.requests[0]!;
  assert.equal(sent.headers.authorization, `Bearer ${SENTINEL}`);
  assert.equal(sent.body.model, 'gpt-4o-mini');
  assert.equal(sent.body.temperature, 0);
  assert.equal(sent.body.max_tokens, 400);
  assert.equal(sent.body.stream, false);
  assert.deepEqual(sent.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }]);
  assert.deepEqual(sent.body.response_format, { type: 'json_schema', json_schema: { name: 'Triage_out', schema: TRIAGE_SCHEMA, strict: true } });
  assert.equal(sent.body.tools, undefined);
});

test('without JSON-schema support: json_object plus a system note that carries the schema', async () => {
  const f = await server();
  f.script({ kind: 'answer', content: '{}' });
  await provider(f).complete(testRequest({ model: testModel({ profile: { supportsJsonSchema: false } }), responseSchema: TRIAGE_SCHEMA }));
  const body = f.requests[0]!.body;
  assert.deepEqual(body.response_format, { type: 'json_object' });
  const first = (body.messages as { role: string; content: string }[])[0]!;
  assert.equal(first.role, 'system');
  assert.ok(first.content.includes('JSON') && first.content.includes(JSON.stringify(TRIAGE_SCHEMA)));
  // A prompt that already carries the schema gets no second copy.
  f.script({ kind: 'answer', content: '{}' });
  const prompt = `Classify. Reply with JSON matching ${JSON.stringify(TRIAGE_SCHEMA)}`;
  await provider(f).complete(testRequest({ model: testModel({ profile: { supportsJsonSchema: false } }), responseSchema: TRIAGE_SCHEMA, messages: [{ role: 'user', content: prompt }] }));
  assert.deepEqual(f.requests[1]!.body.messages, [{ role: 'user', content: prompt }]);
});

test('map-typed schemas are sent with strict: false (strict mode needs closed objects)', () => {
  assert.equal(strictCompatible(TRIAGE_SCHEMA), true);
  assert.equal(strictCompatible({ type: 'object', additionalProperties: { type: 'number' } }), false);
  assert.equal(strictCompatible({ type: 'object', properties: { a: { type: 'string' } }, required: [], additionalProperties: false }), false);
});

test('reasoning models get max_completion_tokens and no temperature; top_p and seed pass through', async () => {
  const f = await server();
  f.script({ kind: 'answer', content: 'ok' }, { kind: 'answer', content: 'ok' });
  await provider(f).complete(testRequest({ model: testModel({ modelId: 'o4-mini', params: { temperature: 1, maxTokens: 2000 } }) }));
  await provider(f).complete(testRequest({ model: testModel({ params: { temperature: 0.3, topP: 0.9, seed: 7, maxTokens: 10 } }), maxTokens: 5, temperature: 0.1 }));
  const [a, b] = f.requests.map((r) => r.body);
  assert.equal(a!.max_completion_tokens, 2000);
  assert.equal(a!.temperature, undefined);
  assert.equal(a!.max_tokens, undefined);
  assert.deepEqual([b!.temperature, b!.top_p, b!.seed, b!.max_tokens], [0.1, 0.9, 7, 5]);
});

test('tool-call round: tools sent as functions, calls returned, the follow-up carries tool results', async () => {
  const f = await server();
  const lookup = testTool('lookup_invoice', { type: 'object', properties: { invoice_id: { type: 'string' } }, required: ['invoice_id'], additionalProperties: false }, 'Find an invoice');
  f.script({ kind: 'tool_calls', calls: [{ id: 'call_a', name: 'lookup_invoice', arguments: { invoice_id: 'I-1' } }] }, { kind: 'answer', content: 'done' });
  const p = provider(f);
  const first = await p.complete(testRequest({ tools: [lookup] }));
  assert.equal(first.content, '');
  assert.equal(first.finishReason, 'tool_calls');
  assert.deepEqual(first.toolCalls, [{ id: 'call_a', name: 'lookup_invoice', arguments: '{"invoice_id":"I-1"}' }]);
  assert.deepEqual(f.requests[0]!.body.tools, [{ type: 'function', function: { name: 'lookup_invoice', description: 'Find an invoice', parameters: lookup.input } }]);
  const messages: ModelRequest['messages'] = [
    { role: 'user', content: 'refund I-1' },
    { role: 'assistant', content: '', toolCalls: first.toolCalls },
    { role: 'tool', content: '{"amount":10}', toolCallId: 'call_a' },
  ];
  const second = await p.complete(testRequest({ tools: [lookup], messages, call: 2 }));
  assert.equal(second.content, 'done');
  assert.deepEqual((f.requests[1]!.body.messages as unknown[]).slice(1), [
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'lookup_invoice', arguments: '{"invoice_id":"I-1"}' } }] },
    { role: 'tool', tool_call_id: 'call_a', content: '{"amount":10}' },
  ]);
});

test('streaming: every delta reaches onToken, they concatenate to the content, usage comes from the last chunk', async () => {
  const f = await server();
  const text = 'Streaming works: the quick brown fox jumps over the lazy dog. '.repeat(5);
  f.script({ kind: 'answer', content: text, usage: { prompt_tokens: 11, completion_tokens: 60 } });
  const tokens: string[] = [];
  const res = await provider(f).complete(testRequest({ onToken: (d) => tokens.push(d) }));
  assert.ok(tokens.length > 10);
  assert.equal(tokens.join(''), text);
  assert.equal(res.content, text);
  assert.deepEqual(res.usage, { inputTokens: 11, outputTokens: 60 });
  assert.equal(f.requests[0]!.body.stream, true);
  assert.deepEqual(f.requests[0]!.body.stream_options, { include_usage: true });
});

test('streaming tool calls: fragments of two calls are accumulated per index', async () => {
  const f = await server();
  const args1 = { sql: 'SELECT region, sum(revenue) FROM orders GROUP BY region', max_rows: 100 };
  const args2 = { metric: 'revenue', from_date: '2025-10-01' };
  f.script({ kind: 'tool_calls', calls: [{ id: 'c1', name: 'run_sql', arguments: args1 }, { id: 'c2', name: 'get_metric', arguments: args2 }] });
  const res = await provider(f, { stream: true }).complete(testRequest({ tools: [testTool('run_sql', {}), testTool('get_metric', {})] }));
  assert.equal(res.finishReason, 'tool_calls');
  assert.deepEqual(res.toolCalls, [
    { id: 'c1', name: 'run_sql', arguments: JSON.stringify(args1) },
    { id: 'c2', name: 'get_metric', arguments: JSON.stringify(args2) },
  ]);
});

test('malformed JSON from the model is returned as content for the runtime to repair', async () => {
  const f = await server();
  f.script({ kind: 'malformed', content: '{"category": "billing", "confid' });
  const res = await provider(f).complete(testRequest({ responseSchema: TRIAGE_SCHEMA }));
  assert.equal(res.content, '{"category": "billing", "confid');
});

test('a server that reports no usage still yields estimated token counts', async () => {
  const f = await server();
  f.script({ kind: 'answer', content: 'twelve chars', usage: null });
  const res = await provider(f).complete(testRequest());
  assert.ok(res.usage.inputTokens > 0 && res.usage.outputTokens >= 1);
});

test('429 → rate_limit with Retry-After in seconds, as an HTTP date, or retry-after-ms; one request only', async () => {
  const f = await server();
  f.script({ kind: 'rate_limit', retryAfter: '2' });
  const a = await failure(provider(f).complete(testRequest()));
  assert.equal(a.kind, 'rate_limit');
  assert.equal(a.status, 429);
  assert.equal(a.retryAfterMs, 2000);
  assert.equal(a.retryable, true);
  assert.equal(f.requests.length, 1, 'the SDK must not retry by itself');

  f.script({ kind: 'rate_limit', retryAfter: new Date(Date.now() + 5000).toUTCString() });
  const b = await failure(provider(f).complete(testRequest()));
  assert.ok(b.retryAfterMs !== undefined && b.retryAfterMs > 3000 && b.retryAfterMs <= 5000, String(b.retryAfterMs));

  f.script({ kind: 'rate_limit', retryAfterMs: 250, retryAfter: '9' });
  assert.equal((await failure(provider(f).complete(testRequest()))).retryAfterMs, 250);
  assert.equal(retryAfter(new Headers()), undefined);
});

test('5xx → server (retryable); 400/404/422 → bad_request and 401/403 → auth (not retryable)', async () => {
  const f = await server();
  const cases: [number, string, boolean][] = [
    [500, 'server', true],
    [503, 'server', true],
    [400, 'bad_request', false],
    [404, 'bad_request', false],
    [422, 'bad_request', false],
    [401, 'auth', false],
    [403, 'auth', false],
  ];
  for (const [status, kind, retryable] of cases) {
    f.script({ kind: 'status', status, message: `boom ${status}` });
    const e = await failure(provider(f).complete(testRequest()));
    assert.equal(e.kind, kind, `status ${status}`);
    assert.equal(e.status, status);
    assert.equal(e.retryable, retryable);
    assert.ok(e.message.includes(`boom ${status}`), e.message);
  }
  assert.equal(f.requests.length, cases.length, 'one request per call: maxRetries is 0');
});

test('a dropped connection and a refused connection → network', async () => {
  const f = await server();
  f.script({ kind: 'drop' });
  assert.equal((await failure(provider(f).complete(testRequest()))).kind, 'network');
  const closed = await startFakeOpenAI();
  const url = closed.baseURL;
  await closed.close();
  const e = await failure(createProvider('openai', { baseURL: url, env, timeoutMs: 2000 }).complete(testRequest()));
  assert.equal(e.kind, 'network');
});

test('a hanging server → timeout after timeoutMs, before headers and mid-stream', async () => {
  const f = await server();
  f.script({ kind: 'hang' });
  const t0 = Date.now();
  const e = await failure(provider(f, { timeoutMs: 150 }).complete(testRequest()));
  assert.equal(e.kind, 'timeout');
  assert.ok(Date.now() - t0 < 1500);

  f.script({ kind: 'hang_stream', content: 'partial ' });
  const tokens: string[] = [];
  const s = await failure(provider(f, { timeoutMs: 150 }).complete(testRequest({ onToken: (d) => tokens.push(d) })));
  assert.equal(s.kind, 'timeout');
  assert.deepEqual(tokens, ['partial ']);
});

test("the caller's AbortSignal cancels a call → aborted", async () => {
  const f = await server();
  f.script({ kind: 'hang' });
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 50).unref();
  const e = await failure(provider(f).complete(testRequest({ signal: ctl.signal })));
  assert.equal(e.kind, 'aborted');
});

test('the key is sent but never appears in errors or logs, even when the server echoes it', async () => {
  const f = await server();
  const logged: string[] = [];
  const originals = { log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug };
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (...a: unknown[]) => void logged.push(a.map(String).join(' '));
  Object.assign(console, { log: capture, error: capture, warn: capture, info: capture, debug: capture });
  // Record and pass through: the test runner reports results over this process's stdout.
  process.stdout.write = ((c: string | Uint8Array, ...rest: never[]) => (logged.push(String(c)), out(c, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array, ...rest: never[]) => (logged.push(String(c)), err(c, ...rest))) as typeof process.stderr.write;
  try {
    f.script({ kind: 'status', status: 401, message: 'Incorrect API key provided', echoAuth: true });
    const e = await failure(provider(f).complete(testRequest()));
    assert.equal(e.kind, 'auth');
    assert.ok(e.message.includes('Incorrect API key provided'));
    assert.ok(!e.message.includes(SENTINEL), e.message);
    f.script({ kind: 'status', status: 500, message: `internal error for key ${SENTINEL}` });
    const e2 = await failure(provider(f).complete(testRequest()));
    assert.ok(!e2.message.includes(SENTINEL), e2.message);
  } finally {
    Object.assign(console, originals);
    process.stdout.write = out;
    process.stderr.write = err;
  }
  assert.equal(f.requests[0]!.headers.authorization, `Bearer ${SENTINEL}`);
  assert.ok(!logged.join('\n').includes(SENTINEL), 'nothing logged the key');
});

test('keys: the model names its env var; a missing key fails with auth before any request', async () => {
  const f = await server();
  f.script({ kind: 'answer', content: 'ok' });
  const model = testModel({ apiKeyEnv: 'GEMINI_API_KEY', baseUrl: 'http://unused.invalid/v1' });
  await provider(f, { env: { GEMINI_API_KEY: 'gm-key-1234' } }).complete(testRequest({ model }));
  assert.equal(f.requests[0]!.headers.authorization, 'Bearer gm-key-1234');
  const e = await failure(createProvider('openai', { env: {} }).complete(testRequest({ model: testModel({ baseUrl: 'https://api.example.invalid/v1' }) })));
  assert.equal(e.kind, 'auth');
  assert.ok(e.message.includes('OPENAI_API_KEY'));
  assert.equal(f.requests.length, 1);
  // The editor's secret storage: a key per model when the environment has none.
  f.script({ kind: 'answer', content: 'ok' });
  await provider(f, { env: {}, apiKey: (m) => `editor-key-for-${m.name}` }).complete(testRequest());
  assert.equal(f.requests[1]!.headers.authorization, 'Bearer editor-key-for-fast');
});

test('the fake server stops by itself: close() ends hanging sockets', async () => {
  const f = await startFakeOpenAI({ kind: 'hang' });
  const pending = createProvider('openai', { baseURL: f.baseURL, env, timeoutMs: 5000 }).complete(testRequest());
  await new Promise((r) => setTimeout(r, 30));
  await f.close();
  const e = await failure(pending);
  assert.equal(e.kind, 'network');
});
