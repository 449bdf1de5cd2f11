// The OpenAI-compatible provider: the official `openai` SDK against api.openai.com or any
// compatible endpoint (Azure's v1 API, Ollama, vLLM, Gemini's OpenAI layer, the fake server in
// tests). The SDK is configured with maxRetries: 0 so the runtime's retry policy is the only one,
// and every failure becomes a ProviderError whose `kind` tells the runtime whether to retry.
//
// Secrets: the key comes from the environment variable the model names (default OPENAI_API_KEY)
// or from `options.apiKey` (the editor's secret storage). It is sent in the Authorization header
// and nowhere else: error messages are redacted, and no SDK error is attached as a cause.

import type { ChatCompletionChunk, ChatCompletionCreateParamsBase, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ModelIR } from '../../ir/schema.ts';
import { ProviderError, type Clock, type ModelRequest, type ModelResponse, type Provider, type ToolCall } from '../provider.ts';
import { realClock } from './virtual-clock.ts';

export interface OpenAIOptions {
  /** A key, or a lookup per model (e.g. from the editor's secret storage). The model's env var wins. */
  apiKey?: string | ((model: ModelIR) => string | undefined);
  /** Overrides every model's base_url (point a whole run at a proxy or a test server). */
  baseURL?: string;
  /** For latency measurement; real time by default. */
  clock?: Clock;
  /** Per-request timeout covering the whole response, streamed body included (default 60 s). */
  timeoutMs?: number;
  /** Stream even without `onToken` (default: stream exactly when the request has `onToken`). */
  stream?: boolean;
  /** The environment to read keys from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** A custom fetch (proxies, tests). */
  fetch?: typeof fetch;
}

type Usage = { inputTokens: number; outputTokens: number };
// The SDK takes a few hundred ms to load; load it on the first real call, so simulated runs, the
// language server and `agentgraph check` never pay for it. (Types come from the same import, so
// the ESM and CJS typings of the package are never mixed.)
const importSdk = () => import('openai');
type Sdk = Awaited<ReturnType<typeof importSdk>>;
type OpenAI = InstanceType<Sdk['OpenAI']>;
let sdkPromise: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (sdkPromise ??= importSdk());

export class OpenAIProvider implements Provider {
  readonly name = 'openai';
  private readonly clients = new Map<string, OpenAI>();
  private readonly clock: Clock;

  constructor(private readonly options: OpenAIOptions = {}) {
    this.clock = options.clock ?? realClock;
  }

  async complete(req: ModelRequest): Promise<ModelResponse> {
    const sdk = await loadSdk();
    const { client, key } = this.clientFor(sdk, req.model);
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    timer.unref();
    const onAbort = () => controller.abort();
    if (req.signal?.aborted) controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const started = this.clock.now();
    const fail = (e: unknown): never => {
      if (timedOut) throw new ProviderError('timeout', this.describe(req, `no complete answer within ${timeoutMs} ms`, key));
      if (req.signal?.aborted) throw abortedError(req.signal);
      throw this.mapError(sdk, e, req, key);
    };
    try {
      const body = buildRequest(req);
      const stream = this.options.stream ?? req.onToken !== undefined;
      const requestOptions = { signal: controller.signal, timeout: timeoutMs, maxRetries: 0 };
      let result: Omit<ModelResponse, 'latencyMs' | 'modelId'> & { modelId?: string };
      if (stream) {
        const chunks = await client.chat.completions
          .create({ ...body, stream: true, stream_options: { include_usage: true } }, requestOptions)
          .catch(fail);
        result = await readStream(chunks, req.onToken).catch(fail);
        // The SDK ends a stream silently when it is aborted; an abort is still a failure.
        if (controller.signal.aborted) fail(new Error('aborted'));
      } else {
        const completion = await client.chat.completions.create({ ...body, stream: false }, requestOptions).catch(fail);
        const choice = completion.choices[0];
        const toolCalls: ToolCall[] = [];
        for (const c of choice?.message.tool_calls ?? []) if (c.type === 'function') toolCalls.push({ id: c.id, name: c.function.name, arguments: c.function.arguments });
        result = {
          content: choice?.message.content ?? '',
          toolCalls,
          usage: usageOf(completion.usage),
          finishReason: finishReason(choice?.finish_reason, toolCalls),
          modelId: completion.model,
        };
      }
      if (result.usage.inputTokens === 0 && result.usage.outputTokens === 0) result.usage = estimateUsage(req, result.content, result.toolCalls);
      return { ...result, latencyMs: Math.max(0, this.clock.now() - started), modelId: result.modelId || req.model.modelId };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private clientFor(sdk: Sdk, model: ModelIR): { client: OpenAI; key: string } {
    const env = this.options.env ?? process.env;
    const envName = model.apiKeyEnv ?? 'OPENAI_API_KEY';
    const opt = this.options.apiKey;
    const baseURL = this.options.baseURL ?? model.baseUrl ?? (model.provider === 'ollama' ? 'http://localhost:11434/v1' : undefined);
    let key = env[envName] || (typeof opt === 'function' ? opt(model) : opt);
    if (!key) {
      // Local servers (Ollama, vLLM) ignore the key, but the SDK insists on one.
      if (model.provider === 'ollama' || (baseURL !== undefined && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(baseURL))) key = 'no-key';
      else throw new ProviderError('auth', `no API key for model ${model.name} (${model.modelId}): set ${envName} or configure a key in the editor`);
    }
    const cacheKey = `${baseURL ?? ''}\u0000${key}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      client = new sdk.OpenAI({ apiKey: key, baseURL, maxRetries: 0, timeout: this.options.timeoutMs ?? 60_000, fetch: this.options.fetch });
      this.clients.set(cacheKey, client);
    }
    return { client, key };
  }

  private describe(req: ModelRequest, what: string, key: string): string {
    return redact(`openai-compatible ${req.model.modelId} for ${req.agent} (attempt ${req.attempt}): ${what}`, key);
  }

  private mapError(sdk: Sdk, e: unknown, req: ModelRequest, key: string): ProviderError {
    if (e instanceof ProviderError) return new ProviderError(e.kind, redact(e.message, key), e.status, e.retryAfterMs);
    if (e instanceof sdk.APIConnectionTimeoutError) return new ProviderError('timeout', this.describe(req, 'request timed out', key));
    if (e instanceof sdk.APIUserAbortError) return new ProviderError('aborted', this.describe(req, 'request aborted', key));
    if (e instanceof sdk.APIConnectionError) {
      const cause = e.cause as { code?: string; message?: string } | undefined;
      return new ProviderError('network', this.describe(req, `connection failed${cause ? ` (${cause.code ?? cause.message ?? 'unknown'})` : ''}`, key));
    }
    if (e instanceof sdk.APIError && typeof e.status === 'number') {
      const status = e.status;
      const detail = serverMessage(e);
      if (status === 429) {
        const retryAfterMs = retryAfter(e.headers);
        const wait = retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : '';
        return new ProviderError('rate_limit', this.describe(req, `429 rate limited${wait}: ${detail}`, key), status, retryAfterMs);
      }
      const kind = status >= 500 || status === 409 ? 'server' : status === 408 ? 'timeout' : status === 401 || status === 403 ? 'auth' : 'bad_request';
      return new ProviderError(kind, this.describe(req, `${status}: ${detail}`, key), status, kind === 'server' ? retryAfter(e.headers) : undefined);
    }
    // Anything else mid-stream (socket closed, undici "terminated") is a network failure.
    const message = e instanceof Error ? e.message : String(e);
    return new ProviderError('network', this.describe(req, `request failed: ${message}`, key));
  }
}

function buildRequest(req: ModelRequest): ChatCompletionCreateParamsBase {
  const model = req.model;
  const messages: ChatCompletionMessageParam[] = [];
  const schema = req.responseSchema;
  const jsonSchema = schema !== undefined && model.profile.supportsJsonSchema;
  const schemaText = schema === undefined ? '' : JSON.stringify(schema);
  if (schema !== undefined && !jsonSchema && !req.messages.some((m) => m.content.includes(schemaText))) {
    // json_object mode needs the word "JSON" in the prompt and cannot carry the schema: describe it
    // (unless the caller's prompt already does, as the runtime's does for such models).
    messages.push({ role: 'system', content: `Answer with one JSON object and nothing else. It must match this JSON Schema:\n${schemaText}` });
  }
  for (const m of req.messages) {
    if (m.role === 'tool') messages.push({ role: 'tool', tool_call_id: m.toolCallId ?? '', content: m.content });
    else if (m.role === 'assistant') {
      const calls = m.toolCalls?.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
      messages.push(calls && calls.length > 0 ? { role: 'assistant', content: m.content || null, tool_calls: calls } : { role: 'assistant', content: m.content });
    } else messages.push({ role: m.role, content: m.content });
  }
  const body: ChatCompletionCreateParamsBase = { model: model.modelId, messages };
  if (req.tools.length > 0) {
    body.tools = req.tools.map(
      (t): ChatCompletionTool => ({ type: 'function', function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input } }),
    );
  }
  if (schema !== undefined) {
    body.response_format = jsonSchema
      ? { type: 'json_schema', json_schema: { name: schemaName(req.responseName ?? req.agent), schema, strict: strictCompatible(schema) } }
      : { type: 'json_object' };
  }
  const temperature = req.temperature ?? model.params.temperature;
  const maxTokens = req.maxTokens ?? model.params.maxTokens;
  // Reasoning models (o1/o3/o4, gpt-5) reject temperature/top_p and the old max_tokens name.
  const reasoning = /^(o\d|gpt-5)/.test(model.modelId);
  if (temperature !== undefined && !reasoning) body.temperature = temperature;
  if (model.params.topP !== undefined && !reasoning) body.top_p = model.params.topP;
  if (maxTokens !== undefined) {
    if (reasoning) body.max_completion_tokens = maxTokens;
    else body.max_tokens = maxTokens;
  }
  if (model.params.seed !== undefined) body.seed = model.params.seed;
  return body;
}

async function readStream(chunks: AsyncIterable<ChatCompletionChunk>, onToken: ((d: string) => void) | undefined) {
  let content = '';
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let finish: string | null | undefined;
  let modelId = '';
  const calls: { id: string; name: string; arguments: string }[] = [];
  for await (const chunk of chunks) {
    if (chunk.model) modelId = chunk.model;
    if (chunk.usage) usage = usageOf(chunk.usage);
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta;
    if (delta?.content) {
      content += delta.content;
      onToken?.(delta.content);
    }
    // Tool calls arrive in pieces keyed by index: id and name first, the arguments in fragments.
    for (const tc of delta?.tool_calls ?? []) {
      const acc = (calls[tc.index] ??= { id: '', name: '', arguments: '' });
      if (tc.id) acc.id = tc.id;
      const name = tc.function?.name;
      if (name) acc.name = !acc.name || acc.name === name ? name : acc.name + name;
      if (tc.function?.arguments) acc.arguments += tc.function.arguments;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  const toolCalls = calls.filter((c) => c !== undefined).map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
  return { content, toolCalls, usage, finishReason: finishReason(finish, toolCalls), modelId };
}

function usageOf(u: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): Usage {
  return { inputTokens: u?.prompt_tokens ?? 0, outputTokens: u?.completion_tokens ?? 0 };
}

/** Servers that report no usage still cost something: estimate as the simulated provider does. */
function estimateUsage(req: ModelRequest, content: string, toolCalls: ToolCall[]): Usage {
  const inChars = req.messages.reduce((n, m) => n + m.content.length, 0);
  const outChars = content.length + toolCalls.reduce((n, c) => n + c.name.length + c.arguments.length, 0);
  return { inputTokens: Math.ceil(inChars / 4), outputTokens: Math.max(1, Math.ceil(outChars / 4)) };
}

function finishReason(reason: string | null | undefined, toolCalls: ToolCall[]): ModelResponse['finishReason'] {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return toolCalls.length > 0 ? 'tool_calls' : 'stop';
  }
}

/** Strict structured outputs need every object closed and every property required. */
export function strictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(strictCompatible);
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties !== undefined) {
    if (s.additionalProperties !== false) return false;
    const keys = Object.keys((s.properties as object | undefined) ?? {});
    const required = new Set(Array.isArray(s.required) ? s.required : []);
    if (!keys.every((k) => required.has(k))) return false;
  }
  return Object.entries(s).every(([k, v]) => k === 'const' || k === 'enum' || k === 'default' || strictCompatible(v));
}

function schemaName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';
}

/** Retry-After as milliseconds: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.round(Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function serverMessage(e: InstanceType<Sdk['APIError']>): string {
  const body = e.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : e.message;
}

/** Removes the key, bearer tokens and anything shaped like an OpenAI key from text. */
export function redact(text: string, key?: string): string {
  let out = key && key.length >= 4 ? text.split(key).join('[redacted]') : text;
  out = out.replace(/Bearer\s+[^\s"']+/gi, 'Bearer [redacted]');
  return out.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]');
}

function abortedError(signal: AbortSignal): ProviderError {
  const reason: unknown = signal.reason;
  if (reason instanceof ProviderError) return reason;
  return new ProviderError('aborted', reason instanceof Error && reason.message ? redact(`aborted: ${reason.message}`) : 'aborted');
}
