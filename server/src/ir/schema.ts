// The versioned JSON intermediate representation that the runtime, the diagram and the debugger
// consume without re-reading source. The zod schemas are the single definition: TypeScript types
// are inferred from them, and `parseIR` validates IR read from disk or another process.
// Bump IR_VERSION on any incompatible change.

import { z } from 'zod';

export const IR_VERSION = 1;

export const PositionSchema = z.object({ line: z.number().int().nonnegative(), character: z.number().int().nonnegative() });
export const SourceRangeSchema = z.object({ file: z.string(), start: PositionSchema, end: PositionSchema });
export type SourceRange = z.infer<typeof SourceRangeSchema>;

/** A JSON Schema object (kept open: the IR carries schemas, it does not interpret them). */
export const JsonSchemaSchema = z.record(z.string(), z.unknown());

/** Expressions as trees the runtime evaluates; `src` keeps the written text for traces. */
export type ExprIR =
  | { op: 'lit'; value: string | number | boolean | null; unit?: 'ms' | 'usd' }
  | { op: 'ref'; name: string }
  | { op: 'get'; object: ExprIR; key: string }
  | { op: 'index'; object: ExprIR; index: ExprIR }
  | { op: 'call'; fn: string; args: ExprIR[] }
  | { op: 'unary'; operator: '!' | '-'; operand: ExprIR }
  | { op: 'binary'; operator: string; left: ExprIR; right: ExprIR }
  | { op: 'list'; items: ExprIR[] }
  | { op: 'object'; entries: { key: string; value: ExprIR }[] }
  | { op: 'template'; parts: (string | ExprIR)[] };

export const ExprIRSchema: z.ZodType<ExprIR> = z.lazy(() =>
  z.union([
    z.object({ op: z.literal('lit'), value: z.union([z.string(), z.number(), z.boolean(), z.null()]), unit: z.enum(['ms', 'usd']).optional() }),
    z.object({ op: z.literal('ref'), name: z.string() }),
    z.object({ op: z.literal('get'), object: ExprIRSchema, key: z.string() }),
    z.object({ op: z.literal('index'), object: ExprIRSchema, index: ExprIRSchema }),
    z.object({ op: z.literal('call'), fn: z.string(), args: z.array(ExprIRSchema) }),
    z.object({ op: z.literal('unary'), operator: z.enum(['!', '-']), operand: ExprIRSchema }),
    z.object({ op: z.literal('binary'), operator: z.string(), left: ExprIRSchema, right: ExprIRSchema }),
    z.object({ op: z.literal('list'), items: z.array(ExprIRSchema) }),
    z.object({ op: z.literal('object'), entries: z.array(z.object({ key: z.string(), value: ExprIRSchema })) }),
    z.object({ op: z.literal('template'), parts: z.array(z.union([z.string(), ExprIRSchema])) }),
  ]),
);

export const ParamSchema = z.object({ name: z.string(), schema: JsonSchemaSchema });

export const WorstCaseSchema = z.object({
  costUsd: z.number(),
  tokens: z.number(),
  latencyMs: z.number(),
  steps: z.number(),
  calls: z.number(),
  humanWaitMs: z.number(),
});

export const ModelProfileSchema = z.object({
  contextWindow: z.number(),
  maxOutputTokens: z.number(),
  inputPrice: z.number(),
  outputPrice: z.number(),
  supportsTools: z.boolean(),
  supportsJsonSchema: z.boolean(),
  ttftMs: z.number(),
  tokensPerSecond: z.number(),
});

export const ModelIRSchema = z.object({
  name: z.string(),
  provider: z.string(),
  modelId: z.string(),
  params: z.object({ temperature: z.number().optional(), maxTokens: z.number().optional(), topP: z.number().optional(), seed: z.number().optional() }),
  baseUrl: z.string().optional(),
  apiKeyEnv: z.string().optional(),
  profile: ModelProfileSchema,
  inCatalog: z.boolean(),
  range: SourceRangeSchema,
});

export const ToolIRSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  params: z.array(ParamSchema),
  /** JSON Schema of the arguments object (what a model's function call must match). */
  input: JsonSchemaSchema,
  output: JsonSchemaSchema,
  effect: z.enum(['read', 'idempotent', 'irreversible']),
  timeoutMs: z.number().optional(),
  impl: z.object({ module: z.string(), export: z.string() }).optional(),
  approve: z.string().optional(),
  range: SourceRangeSchema,
});

export const RetryIRSchema = z.object({
  max: z.number().int().nonnegative(),
  strategy: z.enum(['exponential', 'linear', 'constant']),
  baseMs: z.number(),
  maxMs: z.number(),
  jitter: z.boolean(),
});

export const PromptIRSchema = z.object({
  template: z.string(),
  source: z.enum(['inline', 'file']),
  path: z.string().optional(),
});

export const AgentIRSchema = z.object({
  name: z.string(),
  doc: z.string().optional(),
  params: z.array(ParamSchema),
  input: JsonSchemaSchema,
  output: JsonSchemaSchema,
  model: z.string(),
  fallback: z.array(z.string()),
  tools: z.array(z.string()),
  prompt: PromptIRSchema,
  system: PromptIRSchema.optional(),
  retry: RetryIRSchema,
  cacheTtlMs: z.number().optional(),
  timeoutMs: z.number().optional(),
  maxTurns: z.number().int().positive(),
  temperature: z.number().optional(),
  maxTokens: z.number().optional(),
  worstCase: WorstCaseSchema,
  range: SourceRangeSchema,
});

export const HumanIRSchema = z.object({
  name: z.string(),
  doc: z.string().optional(),
  params: z.array(ParamSchema),
  input: JsonSchemaSchema,
  output: JsonSchemaSchema,
  prompt: PromptIRSchema.optional(),
  timeoutMs: z.number().optional(),
  range: SourceRangeSchema,
});

export const NodeIRSchema = z.object({
  name: z.string(),
  kind: z.enum(['agent', 'human', 'tool', 'graph']),
  /** Fan-out width bound when the node runs once per list element. */
  mapped: z.boolean(),
  width: z.number().int().positive(),
  range: SourceRangeSchema,
});

export const ArgIRSchema = z.object({ param: z.string(), value: ExprIRSchema, src: z.string() });

export const TargetIRSchema = z.object({
  /** A node name, or "end". */
  node: z.string(),
  args: z.array(ArgIRSchema),
  /** For `end(expr)`. */
  result: ExprIRSchema.optional(),
  forEach: z.object({ variable: z.string(), list: ExprIRSchema, max: z.number().int().positive() }).optional(),
  range: SourceRangeSchema,
});

export const EdgeIRSchema = z.object({
  id: z.number().int().nonnegative(),
  /** ["start"] or node names; more than one for a join. */
  from: z.array(z.string()),
  join: z.boolean(),
  /** More than one target for a static fan-out. */
  to: z.array(TargetIRSchema),
  when: ExprIRSchema.optional(),
  whenSrc: z.string().optional(),
  otherwise: z.boolean(),
  max: z.number().int().positive().optional(),
  range: SourceRangeSchema,
});

export const SupervisorIRSchema = z.object({
  name: z.string().optional(),
  children: z.array(z.string()),
  strategy: z.enum(['one_for_one', 'one_for_all', 'rest_for_one']),
  maxRestarts: z.number().int().nonnegative(),
  withinMs: z.number(),
  escalate: z.string().optional(),
  range: SourceRangeSchema,
});

export const GraphIRSchema = z.object({
  name: z.string(),
  doc: z.string().optional(),
  params: z.array(ParamSchema),
  input: JsonSchemaSchema,
  output: JsonSchemaSchema,
  budget: z.object({ costUsd: z.number().optional(), latencyMs: z.number().optional(), steps: z.number().optional(), tokens: z.number().optional() }),
  concurrency: z.number().int().positive(),
  timeoutMs: z.number().optional(),
  nodes: z.array(NodeIRSchema),
  edges: z.array(EdgeIRSchema),
  supervisors: z.array(SupervisorIRSchema),
  worstCase: WorstCaseSchema,
  worstCaseWithRestarts: WorstCaseSchema,
  range: SourceRangeSchema,
});

export const EvalIRSchema = z.object({
  name: z.string(),
  graph: z.string(),
  dataset: z.string().optional(),
  cases: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Where each inline case is written in the spec (parallel to `cases`), for reports. */
  caseRanges: z.array(SourceRangeSchema).optional(),
  repeat: z.number().int().positive(),
  passRate: z.number().min(0).max(1),
  concurrency: z.number().int().positive().optional(),
  maxCostUsd: z.number().optional(),
  judge: z.string().optional(),
  /** Alternative configurations the eval also runs and compares (`variants:`). */
  variants: z
    .array(
      z.object({
        name: z.string(),
        overrides: z.array(
          z.object({
            agent: z.string(),
            model: z.string().optional(),
            retry: z.number().int().nonnegative().optional(),
            prompt: z.string().optional(),
            system: z.string().optional(),
            temperature: z.number().optional(),
            maxTokens: z.number().int().positive().optional(),
          }),
        ),
      }),
    )
    .optional(),
  asserts: z.array(z.object({ expr: ExprIRSchema, src: z.string(), range: SourceRangeSchema })),
  range: SourceRangeSchema,
});

export const IRSchema = z.object({
  version: z.literal(IR_VERSION),
  /** The spec file the IR was compiled from. */
  source: z.string(),
  types: z.record(z.string(), JsonSchemaSchema),
  models: z.array(ModelIRSchema),
  tools: z.array(ToolIRSchema),
  agents: z.array(AgentIRSchema),
  humans: z.array(HumanIRSchema),
  graphs: z.array(GraphIRSchema),
  evals: z.array(EvalIRSchema),
});

export type IR = z.infer<typeof IRSchema>;
export type GraphIR = z.infer<typeof GraphIRSchema>;
export type AgentIR = z.infer<typeof AgentIRSchema>;
export type ToolIR = z.infer<typeof ToolIRSchema>;
export type ModelIR = z.infer<typeof ModelIRSchema>;
export type HumanIR = z.infer<typeof HumanIRSchema>;
export type EdgeIR = z.infer<typeof EdgeIRSchema>;
export type NodeIR = z.infer<typeof NodeIRSchema>;
export type EvalIR = z.infer<typeof EvalIRSchema>;

/** Validates IR from outside (a file, another process); throws a readable zod error if invalid. */
export function parseIR(value: unknown): IR {
  return IRSchema.parse(value);
}
