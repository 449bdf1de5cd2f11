// Endpoint and model overrides for the OpenAI-compatible provider. A spec names its models'
// endpoints and ids; a user who points the editor (settings agentgraph.openai.*) or the command line
// (`--base-url`, `--model`) at another server, a local one or a proxy, wants every model of the run
// to go there, so the override rewrites the IR's models rather than the provider.

import type { IR } from '../../ir/schema.ts';

export interface OpenAIOverrides {
  /** Base URL of an OpenAI-compatible API (ending in /v1, as the SDK expects). */
  baseUrl?: string;
  /** Model id sent for every model instead of its own. */
  model?: string;
}

/** Points every model of `ir` at the override's endpoint and model id; `ir` itself is not changed. */
export function withOpenAIOverrides(ir: IR, o: OpenAIOverrides | undefined): IR {
  if (!o?.baseUrl && !o?.model) return ir;
  return {
    ...ir,
    models: ir.models.map((m) => ({ ...m, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}), ...(o.model ? { modelId: o.model } : {}) })),
  };
}
