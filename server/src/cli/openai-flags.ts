// `--base-url` and `--model` of `agentgraph run` and `agentgraph eval`: the command line's form of
// the editor's agentgraph.openai.* settings, applied the same way (withOpenAIOverrides).

import type { OpenAIOverrides } from '../runtime/providers/overrides.ts';
import type { CommandContext } from './main.ts';

export const OPENAI_FLAGS_HELP = `  --base-url URL      openai only: send every model's requests to this OpenAI-compatible endpoint
                      (e.g. http://localhost:11434/v1) instead of the ones the spec names.
  --model ID          openai only: ask for this model id for every model of the spec.
`;

export const OPENAI_FLAG_OPTIONS = {
  'base-url': { type: 'string' },
  model: { type: 'string' },
} as const;

/** The overrides the flags ask for, or a usage error's exit code. */
export function openAIOverridesFrom(ctx: CommandContext, provider: string, values: { 'base-url'?: string; model?: string }): OpenAIOverrides | number {
  const baseUrl = values['base-url'];
  const model = values.model;
  if (baseUrl === undefined && model === undefined) return {};
  if (provider !== 'openai') return ctx.usageError('--base-url and --model only apply to the openai provider; add --provider openai');
  if (baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return ctx.usageError(`--base-url must be an http(s) URL, got '${baseUrl}'`);
  }
  if (model !== undefined && model.trim() === '') return ctx.usageError('--model needs a model id');
  return { ...(baseUrl !== undefined ? { baseUrl } : {}), ...(model !== undefined ? { model: model.trim() } : {}) };
}
