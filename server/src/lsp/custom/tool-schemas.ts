// `agentgraph/exportToolSchemas`: every tool the spec sees, as an OpenAI function-calling
// definition (the `tools[]` entry of a Chat Completions request, the same shape the runtime sends)
// and as standalone JSON Schema documents for its arguments and its result.

import type { LanguageWorkspace } from '../workspace-api.ts';
import { irOf, severityCounts } from './common.ts';
import type { ExportedTool, ExportToolSchemasParams, ExportToolSchemasResult } from './protocol.ts';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

export function exportToolSchemas(workspace: LanguageWorkspace, params: ExportToolSchemasParams): ExportToolSchemasResult {
  const analysis = workspace.getAnalysis(params.uri);
  if (!analysis) return { uri: params.uri, errors: 0, tools: [] };
  const { errors } = severityCounts(analysis);
  const ir = irOf(analysis);
  const tools: ExportedTool[] = ir.tools.map((t) => {
    const described = t.description ? { description: t.description } : {};
    return {
      name: t.name,
      ...described,
      effect: t.effect,
      file: t.range.file,
      openai: { type: 'function', function: { name: t.name, ...described, parameters: t.input } },
      inputSchema: { $schema: DRAFT, title: `${t.name} arguments`, ...described, ...t.input },
      outputSchema: { $schema: DRAFT, ...t.output, title: `${t.name} result` },
    };
  });
  return { uri: params.uri, errors, tools };
}
