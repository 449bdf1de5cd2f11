// Every custom (non-LSP) request between the AgentGraph extension and its language server, in one
// file: the method names and their parameter and result types. Both sides import it (the client
// with `import type` plus the method-name constants), so it must stay free of imports: no
// `vscode`, no `vscode-languageserver`, no core modules. Positions are zero-based (LSP style).

/** A position in a document (zero-based line, UTF-16 character). */
export interface CustomPosition {
  line: number;
  character: number;
}

/** A range in a spec file, as the IR carries it: the file's absolute path and two positions. */
export interface CustomSourceRef {
  file: string;
  start: CustomPosition;
  end: CustomPosition;
}

/** One drawn node: the same shape as the webview's `DiagramNodeInfo` (webview/src/protocol.ts). */
export interface CustomDiagramNode {
  id: string;
  name: string;
  kind: 'agent' | 'human' | 'tool' | 'graph' | 'start' | 'end' | 'join' | 'supervisor';
  range?: CustomSourceRef;
  hover: string;
}

/** One drawn edge line: the same shape as the webview's `DiagramEdgeInfo` (webview/src/protocol.ts). */
export interface CustomDiagramEdge {
  /** The IR edge id (per graph), as `edge_fired` run events name it. */
  edgeId: number;
  /** Mermaid's id of the drawn line (its SVG path and label carry it as `data-id`). */
  linkId: string;
  /** IR node names the edge leaves from, and the targets this line leads towards. */
  sources: string[];
  targets: string[];
}

// ---------------------------------------------------------------------------------- diagram

/** `agentgraph/diagram`: the Mermaid diagram of one graph of a spec. */
export const DIAGRAM_METHOD = 'agentgraph/diagram';

export interface DiagramParams {
  uri: string;
  /** The graph to draw; default the graph around `position`, else the first graph of the file. */
  graph?: string;
  /** Cursor position, used to pick the graph when `graph` is not given. */
  position?: CustomPosition;
  /** Draw each supervisor as one box. Default: only when the graph has more than `collapseThreshold` nodes. */
  collapseSupervisors?: boolean;
  /** Supervisors kept expanded while collapsing. */
  expanded?: string[];
  /** Node count above which supervisors are collapsed when `collapseSupervisors` is not given (default 60). */
  collapseThreshold?: number;
  direction?: 'TD' | 'LR';
}

export interface DiagramResult {
  uri: string;
  /** Graphs of the spec, for the picker (graphs declared in the file; imported ones when it declares none). */
  graphs: string[];
  /** The graph drawn; undefined when the spec has no graph. */
  graph: string | undefined;
  /** Mermaid flowchart source; empty when there is nothing to draw (see `message`). */
  mermaid: string;
  nodes: CustomDiagramNode[];
  /** Error-severity diagnostics of the current text. */
  errors: number;
  /** True when the current text has errors and this is the last good diagram. */
  stale: boolean;
  /** Nodes of the whole graph (before collapsing). */
  nodeCount: number;
  /** Whether supervisors were drawn collapsed. */
  collapsed: boolean;
  /**
   * Full extent of each drawn node's declaration (agent, human, tool, graph, supervisor clause),
   * keyed by node id, so the editor can tell which node the cursor is in.
   */
  extents: Record<string, CustomSourceRef>;
  /** The drawn edge lines, so a live run can highlight the edges that fired. */
  edges?: CustomDiagramEdge[];
  /** URI of every file named in a range above (untitled buffers have synthetic paths). */
  uris: Record<string, string>;
  /** Why there is no diagram, when `mermaid` is empty. */
  message?: string;
}

// ---------------------------------------------------------------------------------- status

/** `agentgraph/status`: spec health and the worst case of the active graph, for the status bar. */
export const STATUS_METHOD = 'agentgraph/status';

export interface StatusParams {
  uri: string;
  /** Cursor position: the graph around it is the active graph (default: the first graph). */
  position?: CustomPosition;
}

export interface StatusResult {
  uri: string;
  errors: number;
  warnings: number;
  /** The active graph, when the spec declares one. */
  graph?: string;
  /** Worst case of one run, without supervisor restarts (what budgets are checked against). */
  worstCostUsd?: number;
  /** Worst case counting every allowed supervisor restart. */
  worstCostWithRestartsUsd?: number;
  worstLatencyMs?: number;
  worstSteps?: number;
  budgetCostUsd?: number;
  budgetLatencyMs?: number;
  budgetSteps?: number;
  /** Human-readable one-liners for the tooltip. */
  details: string[];
}

// ---------------------------------------------------------------------------------- tool schemas

/** `agentgraph/exportToolSchemas`: OpenAI function-calling definitions and JSON Schemas of every tool a spec sees. */
export const EXPORT_TOOL_SCHEMAS_METHOD = 'agentgraph/exportToolSchemas';

export interface ExportToolSchemasParams {
  uri: string;
}

/** The OpenAI Chat Completions `tools[]` entry for one tool. */
export interface OpenAIFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export interface ExportedTool {
  name: string;
  description?: string;
  effect: 'read' | 'idempotent' | 'irreversible';
  /** Absolute path of the file declaring the tool. */
  file: string;
  openai: OpenAIFunctionTool;
  /** JSON Schema (draft 2020-12) of the arguments object. */
  inputSchema: Record<string, unknown>;
  /** JSON Schema (draft 2020-12) of the result. */
  outputSchema: Record<string, unknown>;
}

export interface ExportToolSchemasResult {
  uri: string;
  /** Error-severity diagnostics: schemas of a spec with errors may be incomplete. */
  errors: number;
  tools: ExportedTool[];
}

// ---------------------------------------------------------------------------------- evals

/** `agentgraph/evals`: the evals a spec declares, with their assertions and cases, for the Test Explorer. */
export const EVALS_METHOD = 'agentgraph/evals';

export interface EvalsParams {
  uri: string;
}

export interface EvalAssertInfo {
  /** The assertion's expression as written. */
  text: string;
  /** The whole `assert …` line's range in the spec. */
  range: CustomSourceRef;
}

export interface EvalCaseInfo {
  /** What `agentgraph eval --case` selects: the row's `id` field (string or number), else its 1-based number. */
  id: string;
  /** 0-based position among the eval's cases, inline ones first, then the dataset's rows (the JSON report's `index`). */
  index: number;
  /** A short label: the row's id, else a summary of its first fields. */
  label: string;
  kind: 'inline' | 'dataset';
  /** Where the case is written: the inline object in the spec, or its row (first line of it) in the dataset file. */
  range: CustomSourceRef;
}

export interface EvalInfo {
  name: string;
  /** The graph under test, when the eval names one that exists. */
  graph?: string;
  /** The whole `eval … { … }` block. */
  range: CustomSourceRef;
  /** The eval's name. */
  nameRange: CustomSourceRef;
  repeat: number;
  passRate: number;
  asserts: EvalAssertInfo[];
  cases: EvalCaseInfo[];
  /** Absolute path of the dataset, when it resolves inside the workspace. */
  dataset?: string;
  /** Why the dataset's cases are not listed (outside the workspace, missing, unreadable rows). */
  datasetError?: string;
}

export interface EvalsResult {
  uri: string;
  /** Error-severity diagnostics of the spec: its evals cannot run until they are fixed. */
  errors: number;
  evals: EvalInfo[];
}
