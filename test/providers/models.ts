// Small builders for provider tests: a ModelIR, a ToolIR and a ModelRequest with sensible defaults.

import type { ModelIR, ToolIR } from '../../server/src/ir/schema.ts';
import type { ModelRequest } from '../../server/src/runtime/provider.ts';

const range = { file: '/test.agentgraph', start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function testModel(over: Partial<Omit<ModelIR, 'profile'>> & { profile?: Partial<ModelIR['profile']> } = {}): ModelIR {
  const { profile, ...rest } = over;
  return {
    name: 'fast',
    provider: 'openai',
    modelId: 'gpt-4o-mini',
    params: { temperature: 0, maxTokens: 400 },
    inCatalog: true,
    range,
    ...rest,
    profile: {
      contextWindow: 128000,
      maxOutputTokens: 16000,
      inputPrice: 0.15,
      outputPrice: 0.6,
      supportsTools: true,
      supportsJsonSchema: true,
      ttftMs: 400,
      tokensPerSecond: 100,
      ...profile,
    },
  };
}

export function testTool(name: string, input: Record<string, unknown>, description = `the ${name} tool`): ToolIR {
  return { name, description, params: [], input, output: { type: 'string' }, effect: 'read', range };
}

export function testRequest(over: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: testModel(),
    messages: [{ role: 'user', content: 'Classify this ticket: customer_id: C-77 wants a refund.' }],
    tools: [],
    agent: 'classify',
    attempt: 1,
    call: 1,
    ...over,
  };
}

export const TRIAGE_SCHEMA = {
  type: 'object',
  properties: {
    category: { type: 'string', enum: ['billing', 'technical', 'other'] },
    confidence: { type: 'number' },
    summary: { type: 'string' },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['category', 'confidence', 'summary', 'note'],
  additionalProperties: false,
};
