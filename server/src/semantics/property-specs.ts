// What each declaration block accepts: keys, the shape of their values, whether they are required,
// and a sentence of documentation. The checker validates blocks against these tables, and the
// language server reuses them for property completion and hover.

export type ValueKind =
  | 'string'
  | 'prompt'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'duration'
  | 'money'
  | 'cache'
  | 'model'
  | 'models'
  | 'tools'
  | 'human'
  | 'effect'
  | 'type'
  | 'object'
  | 'list'
  | 'retry';

export interface PropertySpec {
  kind: ValueKind;
  required?: boolean;
  doc: string;
  /** Inclusive numeric range, when the value is a number. */
  min?: number;
  max?: number;
  /** Keys of an object value (`price: { input, output }`). */
  keys?: Record<string, PropertySpec>;
}

export type BlockKind = 'model' | 'tool' | 'agent' | 'human' | 'graph' | 'budget' | 'eval' | 'supervise';

export const PROPERTY_SPECS: Record<BlockKind, Record<string, PropertySpec>> = {
  model: {
    temperature: { kind: 'number', min: 0, max: 2, doc: 'Sampling temperature, 0 to 2. Lower is more deterministic.' },
    max_tokens: { kind: 'integer', min: 1, doc: 'Upper bound on output tokens per call; drives the worst-case cost.' },
    top_p: { kind: 'number', min: 0, max: 1, doc: 'Nucleus sampling probability mass, 0 to 1.' },
    seed: { kind: 'integer', doc: 'Seed for providers that support reproducible sampling.' },
    price: {
      kind: 'object',
      doc: 'Price override in US dollars per 1M tokens: `{ input: $2.50, output: $10.00 }`.',
      keys: {
        input: { kind: 'money', doc: 'US dollars per 1M input tokens.' },
        output: { kind: 'money', doc: 'US dollars per 1M output tokens.' },
      },
    },
    context_window: { kind: 'integer', min: 1, doc: 'Context window in tokens (prompt plus output).' },
    capabilities: {
      kind: 'object',
      doc: 'Capability overrides: `{ tools: true, json_schema: true }`.',
      keys: {
        tools: { kind: 'boolean', doc: 'The model can call tools (function calling).' },
        json_schema: { kind: 'boolean', doc: 'The model supports JSON-schema constrained output.' },
      },
    },
    latency: {
      kind: 'object',
      doc: 'Latency profile override: `{ ttft: 400ms, tokens_per_second: 80 }`.',
      keys: {
        ttft: { kind: 'duration', doc: 'Time to first token.' },
        tokens_per_second: { kind: 'number', min: 0.001, doc: 'Output speed.' },
      },
    },
    base_url: { kind: 'string', doc: 'Base URL of an OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, Azure).' },
    api_key_env: { kind: 'string', doc: 'Environment variable holding the API key. Keys never go in specs.' },
  },
  tool: {
    description: { kind: 'string', doc: 'What the tool does; sent to the model as the function description.' },
    effect: { kind: 'effect', doc: '`read`, `idempotent` or `irreversible`: what re-running the tool would do. Default `idempotent`.' },
    timeout: { kind: 'duration', doc: 'Maximum time one call may take.' },
    impl: { kind: 'string', doc: 'Implementation: `"./path/module.ts#exportName"`, relative to the spec.' },
    approve: { kind: 'human', doc: 'A `human` who must approve every call before it runs.' },
  },
  agent: {
    model: { kind: 'model', required: true, doc: 'The model this agent calls.' },
    prompt: { kind: 'prompt', required: true, doc: 'The user prompt: a string with `{{ }}` references to parameters, or `file("prompts/x.md")`.' },
    system: { kind: 'prompt', doc: 'An optional system message.' },
    tools: { kind: 'tools', doc: 'Tools the model may call.' },
    max_turns: { kind: 'integer', min: 1, max: 50, doc: 'Model/tool rounds per attempt when the agent has tools (default 5).' },
    retry: { kind: 'retry', doc: 'Retries after a failed attempt: `2 backoff exponential(250ms, max: 4s)`.' },
    fallback: { kind: 'models', doc: 'Models tried in order once retries on the primary model are exhausted.' },
    cache: { kind: 'cache', doc: 'Cache identical requests for this long (`24h`), or `off`.' },
    timeout: { kind: 'duration', doc: 'Maximum time for one attempt.' },
    temperature: { kind: 'number', min: 0, max: 2, doc: "Overrides the model's temperature for this agent." },
    max_tokens: { kind: 'integer', min: 1, doc: "Overrides the model's max_tokens for this agent." },
  },
  human: {
    prompt: { kind: 'prompt', doc: 'The question shown to the person, with `{{ }}` references to parameters.' },
    timeout: { kind: 'duration', doc: 'How long to wait for an answer before the node fails.' },
  },
  graph: {
    concurrency: { kind: 'integer', min: 1, doc: 'How many fan-out branches run at once (default 4).' },
    timeout: { kind: 'duration', doc: 'Maximum time for a whole run.' },
  },
  budget: {
    cost: { kind: 'money', doc: 'Maximum spend per run, e.g. `$0.10`.' },
    latency: { kind: 'duration', doc: 'Maximum machine time per run (time waiting for humans is not counted).' },
    steps: { kind: 'integer', min: 1, doc: 'Maximum node executions per run.' },
    tokens: { kind: 'integer', min: 1, doc: 'Maximum input plus output tokens per run.' },
  },
  eval: {
    dataset: { kind: 'string', doc: 'Cases file (JSONL or CSV), relative to the spec.' },
    cases: { kind: 'list', doc: 'Inline cases: objects holding the graph parameters and expectation fields.' },
    case: { kind: 'type', doc: 'The type of one case row, so assertions on `case` are type-checked.' },
    repeat: { kind: 'integer', min: 1, doc: 'Runs per case; results report a pass rate with a confidence interval.' },
    pass_rate: { kind: 'number', min: 0, max: 1, doc: 'Minimum share of passing runs for the eval to pass.' },
    concurrency: { kind: 'integer', min: 1, doc: 'Cases running at once.' },
    max_cost: { kind: 'money', doc: 'Budget for the whole eval.' },
    judge: { kind: 'model', doc: 'The model that grades `judge(text, "rubric")` assertions; its cost counts towards `max_cost`.' },
    variants: { kind: 'object', doc: 'Alternative configurations to compare: `{ name: { agent: { model: m, retry: 0, prompt: "…" } } }`.' },
  },
  supervise: {
    max_restarts: { kind: 'integer', min: 0, doc: 'Restarts allowed within the period before escalating.' },
    within: { kind: 'duration', doc: 'The period over which restarts are counted.' },
  },
};

export const EFFECTS = ['read', 'idempotent', 'irreversible'] as const;
export type Effect = (typeof EFFECTS)[number];
export const BACKOFF_STRATEGIES = ['exponential', 'linear', 'constant'] as const;
export const SUPERVISION_STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one'] as const;
