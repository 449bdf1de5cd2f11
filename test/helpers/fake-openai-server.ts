// A fake OpenAI-compatible server for tests: POST /v1/chat/completions on 127.0.0.1 (port 0) with
// scripted behaviours per request, and a record of every request so tests can assert on what the
// provider sent (tools, response_format, messages, the Authorization header). It never logs.
// `close()` destroys open sockets (including hanging ones), so a test's `finally` always ends it.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateValue, rngFor } from '../../server/src/runtime/providers/simulated-values.ts';

export type Behaviour =
  /** A plain answer (streamed as SSE when the request asks to stream). */
  | { kind: 'answer'; content: string; usage?: { prompt_tokens: number; completion_tokens: number } | null; model?: string; finishReason?: string }
  /** One tool-call round. */
  | { kind: 'tool_calls'; calls: { name: string; arguments: string | Record<string, unknown>; id?: string }[] }
  /** Content that is not valid JSON. */
  | { kind: 'malformed'; content?: string }
  /** 429; `retryAfter` is the Retry-After header verbatim (seconds or an HTTP date). */
  | { kind: 'rate_limit'; retryAfter?: string; retryAfterMs?: number }
  /** Any error status; `echoAuth` puts the Authorization header into the message (as some servers do). */
  | { kind: 'status'; status: number; message?: string; echoAuth?: boolean }
  /** Never answers (until the client aborts or the server closes). */
  | { kind: 'hang' }
  /** Starts streaming, sends `content`, then never finishes. */
  | { kind: 'hang_stream'; content: string }
  /** Destroys the connection without a response. */
  | { kind: 'drop' }
  /** An answer valid for the request: a tool call on the first round, then a schema-valid value. */
  | { kind: 'auto' };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type Chooser = (req: RecordedRequest, index: number) => Behaviour;

export interface FakeOpenAI {
  /** Base URL to give the SDK (ends in /v1). */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Queues behaviours for the next requests; when the queue is empty the default applies. */
  script(...behaviours: Behaviour[]): void;
  /** Behaviour when the queue is empty (default: `auto`). */
  setDefault(chooser: Behaviour | Chooser): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(chooser: Behaviour | Chooser = { kind: 'auto' }): Promise<FakeOpenAI> {
  const queue: Behaviour[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: Chooser = typeof chooser === 'function' ? chooser : () => chooser;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
      } catch {
        // Recorded as {}; the behaviour decides the answer.
      }
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      const index = requests.push(rec) - 1;
      if (req.method !== 'POST' || !/\/chat\/completions$/.test(rec.url)) return json(res, 404, { error: { message: `no route ${rec.url}`, type: 'invalid_request_error' } });
      respond(res, rec, queue.shift() ?? fallback(rec, index));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...b) => void queue.push(...b),
    setDefault: (c) => void (fallback = typeof c === 'function' ? c : () => c),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function respond(res: http.ServerResponse, rec: RecordedRequest, b: Behaviour): void {
  const model = typeof rec.body.model === 'string' ? rec.body.model : 'fake';
  switch (b.kind) {
    case 'auto':
      return respond(res, rec, auto(rec));
    case 'malformed':
      return respond(res, rec, { kind: 'answer', content: b.content ?? '{"reply": "cut off in the mid' });
    case 'rate_limit': {
      const headers: Record<string, string> = {};
      if (b.retryAfter !== undefined) headers['retry-after'] = b.retryAfter;
      if (b.retryAfterMs !== undefined) headers['retry-after-ms'] = String(b.retryAfterMs);
      return json(res, 429, { error: { message: 'Rate limit reached for requests', type: 'rate_limit_exceeded' } }, headers);
    }
    case 'status': {
      const auth = b.echoAuth ? ` (you sent: ${String(rec.headers.authorization)})` : '';
      return json(res, b.status, { error: { message: `${b.message ?? `status ${b.status}`}${auth}`, type: 'server_error' } });
    }
    case 'hang':
      return;
    case 'drop':
      res.socket?.destroy();
      return;
    case 'hang_stream':
      sseHead(res);
      sse(res, chunk(model, { role: 'assistant', content: b.content }, null));
      return;
    case 'answer':
    case 'tool_calls':
      return rec.body.stream === true ? stream(res, rec, b, model) : whole(res, b, model);
  }
}

function toolCalls(b: Extract<Behaviour, { kind: 'tool_calls' }>) {
  return b.calls.map((c, i) => ({
    id: c.id ?? `call_${i + 1}`,
    type: 'function',
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
}

function whole(res: http.ServerResponse, b: Extract<Behaviour, { kind: 'answer' | 'tool_calls' }>, model: string): void {
  const calls = b.kind === 'tool_calls' ? toolCalls(b) : undefined;
  const content = b.kind === 'answer' ? b.content : null;
  const usage = b.kind === 'answer' && b.usage !== undefined ? b.usage : { prompt_tokens: 42, completion_tokens: 7 };
  json(res, 200, {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model: (b.kind === 'answer' && b.model) || model,
    choices: [{ index: 0, message: { role: 'assistant', content, ...(calls ? { tool_calls: calls } : {}) }, finish_reason: calls ? 'tool_calls' : ((b.kind === 'answer' && b.finishReason) || 'stop') }],
    ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
  });
}

function stream(res: http.ServerResponse, rec: RecordedRequest, b: Extract<Behaviour, { kind: 'answer' | 'tool_calls' }>, model: string): void {
  sseHead(res);
  sse(res, chunk(model, { role: 'assistant', content: '' }, null));
  if (b.kind === 'answer') {
    // Uneven pieces, so the client really has to concatenate.
    for (let i = 0; i < b.content.length; ) {
      const n = 1 + (i % 5);
      sse(res, chunk(model, { content: b.content.slice(i, i + n) }, null));
      i += n;
    }
  } else {
    toolCalls(b).forEach((c, index) => {
      sse(res, chunk(model, { tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, null));
      const args = c.function.arguments;
      for (let i = 0; i < args.length; i += 7) sse(res, chunk(model, { tool_calls: [{ index, function: { arguments: args.slice(i, i + 7) } }] }, null));
    });
  }
  sse(res, chunk(model, {}, b.kind === 'tool_calls' ? 'tool_calls' : (b.finishReason ?? 'stop')));
  const opts = rec.body.stream_options as { include_usage?: boolean } | undefined;
  const usage = b.kind === 'answer' && b.usage !== undefined ? b.usage : { prompt_tokens: 42, completion_tokens: 7 };
  if (opts?.include_usage && usage) sse(res, { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
  res.end('data: [DONE]\n\n');
}

function sseHead(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

function sse(res: http.ServerResponse, data: unknown): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null) {
  return { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

/** What a cooperative model would say: call the first tool once, then answer to the schema. */
function auto(rec: RecordedRequest): Behaviour {
  const body = rec.body;
  const messages = (body.messages as { role: string; content: string | null }[] | undefined) ?? [];
  const source = messages.filter((m) => m.role === 'user').map((m) => m.content ?? '').join('\n');
  const rng = rngFor(JSON.stringify(messages), String(body.model));
  const tools = (body.tools as { function: { name: string; parameters?: unknown } }[] | undefined) ?? [];
  if (tools.length > 0 && !messages.some((m) => m.role === 'tool')) {
    const t = tools[0]!.function;
    return { kind: 'tool_calls', calls: [{ name: t.name, arguments: generateValue(t.parameters ?? {}, { rng, source }) as Record<string, unknown> }] };
  }
  const format = body.response_format as { type: string; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === 'json_schema') return { kind: 'answer', content: JSON.stringify(generateValue(format.json_schema?.schema ?? {}, { rng, source })) };
  if (format?.type === 'json_object') {
    const note = messages.find((m) => m.role === 'system' && m.content?.includes('JSON Schema:'))?.content ?? '';
    const schema = note ? (JSON.parse(note.slice(note.indexOf('JSON Schema:') + 'JSON Schema:'.length)) as unknown) : {};
    return { kind: 'answer', content: JSON.stringify(generateValue(schema, { rng, source })) };
  }
  return { kind: 'answer', content: 'A plain answer from the fake server.' };
}
