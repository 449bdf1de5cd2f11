// The built-in model catalog: what the checker needs to estimate worst-case cost and latency, and
// what the simulated provider needs to produce realistic token counts and timings. Prices are US
// dollars per one million tokens (list prices of late 2025); a spec overrides any of them on its
// `model` declaration, which is also how unlisted or self-hosted models are described.

export interface ModelProfile {
  id: string;
  /** Providers that serve this id natively; any OpenAI-compatible endpoint may serve it too. */
  family: 'openai' | 'anthropic' | 'google' | 'meta' | 'mistral' | 'qwen' | 'deepseek';
  contextWindow: number;
  maxOutputTokens: number;
  /** USD per 1M input tokens. */
  inputPrice: number;
  /** USD per 1M output tokens. */
  outputPrice: number;
  supportsTools: boolean;
  /** Structured output constrained by a JSON Schema (`response_format: json_schema`). */
  supportsJsonSchema: boolean;
  /** Typical time to first token, milliseconds. */
  ttftMs: number;
  /** Typical output speed, tokens per second. */
  tokensPerSecond: number;
}

const m = (
  id: string,
  family: ModelProfile['family'],
  contextWindow: number,
  maxOutputTokens: number,
  inputPrice: number,
  outputPrice: number,
  supportsTools: boolean,
  supportsJsonSchema: boolean,
  ttftMs: number,
  tokensPerSecond: number,
): ModelProfile => ({ id, family, contextWindow, maxOutputTokens, inputPrice, outputPrice, supportsTools, supportsJsonSchema, ttftMs, tokensPerSecond });

export const MODEL_CATALOG: readonly ModelProfile[] = [
  m('gpt-4o', 'openai', 128_000, 16_384, 2.5, 10, true, true, 450, 90),
  m('gpt-4o-mini', 'openai', 128_000, 16_384, 0.15, 0.6, true, true, 350, 110),
  m('gpt-4.1', 'openai', 1_047_576, 32_768, 2, 8, true, true, 450, 90),
  m('gpt-4.1-mini', 'openai', 1_047_576, 32_768, 0.4, 1.6, true, true, 350, 120),
  m('gpt-4.1-nano', 'openai', 1_047_576, 32_768, 0.1, 0.4, true, true, 250, 180),
  m('gpt-5', 'openai', 400_000, 128_000, 1.25, 10, true, true, 1200, 70),
  m('gpt-5-mini', 'openai', 400_000, 128_000, 0.25, 2, true, true, 800, 110),
  m('gpt-5-nano', 'openai', 400_000, 128_000, 0.05, 0.4, true, true, 600, 150),
  m('o3', 'openai', 200_000, 100_000, 2, 8, true, true, 3000, 60),
  m('o3-mini', 'openai', 200_000, 100_000, 1.1, 4.4, true, true, 2000, 100),
  m('o4-mini', 'openai', 200_000, 100_000, 1.1, 4.4, true, true, 2000, 100),
  m('gpt-3.5-turbo', 'openai', 16_385, 4_096, 0.5, 1.5, true, false, 300, 120),
  m('claude-opus-4', 'anthropic', 200_000, 32_000, 15, 75, true, false, 1500, 40),
  m('claude-sonnet-4', 'anthropic', 200_000, 64_000, 3, 15, true, false, 900, 70),
  m('claude-3-5-haiku', 'anthropic', 200_000, 8_192, 0.8, 4, true, false, 500, 110),
  m('gemini-2.5-pro', 'google', 1_048_576, 65_536, 1.25, 10, true, true, 1500, 90),
  m('gemini-2.5-flash', 'google', 1_048_576, 65_536, 0.3, 2.5, true, true, 500, 200),
  m('gemini-2.0-flash', 'google', 1_048_576, 8_192, 0.1, 0.4, true, true, 400, 200),
  m('llama3.1:8b', 'meta', 131_072, 8_192, 0, 0, true, true, 200, 60),
  m('llama3.1:70b', 'meta', 131_072, 8_192, 0, 0, true, true, 600, 20),
  m('qwen2.5:7b', 'qwen', 32_768, 8_192, 0, 0, true, true, 200, 60),
  m('mistral-large', 'mistral', 128_000, 8_192, 2, 6, true, true, 600, 60),
  m('mistral-small', 'mistral', 32_000, 8_192, 0.1, 0.3, true, true, 300, 120),
  m('deepseek-chat', 'deepseek', 64_000, 8_192, 0.27, 1.1, true, false, 800, 50),
];

const byId = new Map(MODEL_CATALOG.map((p) => [p.id, p]));

/** Looks a model id up; also accepts dated snapshots such as `gpt-4o-2024-08-06`. */
export function lookupModel(id: string): ModelProfile | undefined {
  const exact = byId.get(id);
  if (exact) return exact;
  const undated = id.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-latest$/, '');
  return byId.get(undated);
}

export const PROVIDERS = ['openai', 'azure_openai', 'ollama', 'openai_compatible', 'simulated'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** A rough token count for text: about four characters a token for English prose and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
