// The contract between the runtime and a model provider. The runtime talks only to this interface,
// so the simulated provider, the OpenAI-compatible provider and test fakes are interchangeable.
// Providers never see secrets from the spec: keys come from the environment or the editor's
// secret storage through `ProviderContext`, and must never be written into traces or logs.

import type { ModelIR, ToolIR } from '../ir/schema.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** For assistant messages that called tools. */
  toolCalls?: ToolCall[];
  /** For tool messages: which call this answers. */
  toolCallId?: string;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text of the arguments, as the model produced it (may be invalid). */
  arguments: string;
}

export interface ModelRequest {
  /** The model declaration from the IR (provider, model id, parameters, profile). */
  model: ModelIR;
  messages: ChatMessage[];
  tools: ToolIR[];
  /** JSON Schema the final answer must match (sent as `response_format` when supported). */
  responseSchema?: Record<string, unknown>;
  /** Name for the schema in `response_format` (OpenAI requires one). */
  responseName?: string;
  temperature?: number;
  maxTokens?: number;
  /** Agent name, for scripted fixtures and simulated determinism. */
  agent: string;
  /** Attempt number (1-based) and call index within the attempt, for fixtures and fault plans. */
  attempt: number;
  call: number;
  signal?: AbortSignal;
  /** Called with each streamed text delta, when the provider streams. */
  onToken?: (delta: string) => void;
}

export interface ModelResponse {
  /** Final text (the JSON answer for structured output); empty when the model called tools. */
  content: string;
  toolCalls: ToolCall[];
  usage: { inputTokens: number; outputTokens: number };
  /** Milliseconds the call took (virtual for the simulated provider). */
  latencyMs: number;
  finishReason: 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'error';
  /** Provider's model id that actually answered. */
  modelId: string;
}

/** Errors a provider raises; `kind` decides whether the runtime retries. */
export type ProviderErrorKind = 'rate_limit' | 'server' | 'timeout' | 'bad_request' | 'auth' | 'network' | 'aborted';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** HTTP status, when there was one. */
    readonly status?: number,
    /** From a `Retry-After` header, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** Timeouts, 429s, 5xx and network failures are worth retrying; other 4xx are not. */
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network';
  }
}

export interface Provider {
  /** `simulated`, `openai`, … */
  readonly name: string;
  complete(req: ModelRequest): Promise<ModelResponse>;
}

/** A clock the runtime can read and wait on: real time, or virtual time for simulated runs. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
