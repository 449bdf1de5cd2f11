// The checked, normalised descriptions of declarations (ModelInfo, ToolInfo, AgentInfo,
// HumanInfo) that Declarations builds and the graph checks, the cost model, the IR and the editor
// features read. They are plain data with no behaviour, kept apart from the code that builds them
// so that their many readers depend on a small file of shapes; declarations.ts re-exports them.
import type { ModelProfile } from '../catalog/models.ts';
import type { Span } from '../syntax/ast.ts';
import type { DeclSite } from './context.ts';
import type { Sym } from './program.ts';
import type { Effect } from './property-specs.ts';
import type { Ty } from './types.ts';

export interface ParamInfo {
  name: string;
  type: Ty;
  site: DeclSite;
}

export interface CallableInfo {
  sym: Sym;
  kind: 'agent' | 'tool' | 'human' | 'graph';
  params: ParamInfo[];
  /** The parameters as one object type, which is what `inputs(node)` returns. */
  inputTy: Ty & { k: 'object' };
  output: Ty;
}

export interface ModelInfo {
  sym: Sym;
  name: string;
  provider: string;
  modelId: string;
  /** Catalog profile with the declaration's overrides applied. */
  profile: ModelProfile;
  inCatalog: boolean;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  baseUrl?: string;
  apiKeyEnv?: string;
}

export interface ToolInfo extends CallableInfo {
  kind: 'tool';
  description?: string;
  effect: Effect;
  timeoutMs?: number;
  impl?: { module: string; export: string };
  approve?: Sym;
}

export interface RetryInfo {
  max: number;
  strategy: 'exponential' | 'linear' | 'constant';
  baseMs: number;
  maxMs: number;
  jitter: boolean;
}

export interface PromptInfo {
  text: string;
  source: 'inline' | 'file';
  /** Absolute path of a file prompt. */
  path?: string;
  /** Characters of literal text, without the `{{ }}` references. */
  literalChars: number;
  /** Types of the `{{ }}` references, which decide how large the rendered prompt can get. */
  refTypes: Ty[];
}

export interface AgentInfo extends CallableInfo {
  kind: 'agent';
  model?: ModelInfo;
  fallback: ModelInfo[];
  tools: ToolInfo[];
  prompt?: PromptInfo;
  system?: PromptInfo;
  retry: RetryInfo;
  cacheTtlMs?: number;
  timeoutMs?: number;
  maxTurns: number;
  temperature?: number;
  maxTokens?: number;
  /** Spans of the `retry` and `fallback` properties, for diagnostics about re-running. */
  retrySpan?: Span;
  fallbackSpan?: Span;
}

export interface HumanInfo extends CallableInfo {
  kind: 'human';
  prompt?: PromptInfo;
  timeoutMs?: number;
}

export const DEFAULT_MAX_TURNS = 5;
export const DEFAULT_MAX_TOKENS = 1024;
