// The typed messages between the extension host and the diagram webview, in one place. Both sides
// import these types; nothing else crosses the boundary. Positions are zero-based (LSP style).

export interface SourceRef {
  /** Absolute path of the spec file. */
  file: string;
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface DiagramNodeInfo {
  id: string;
  name: string;
  kind: 'agent' | 'human' | 'tool' | 'graph' | 'start' | 'end' | 'join' | 'supervisor';
  range?: SourceRef;
  hover: string;
}

/** One drawn edge line (see `CustomDiagramEdge` in server/src/lsp/custom/protocol.ts). */
export interface DiagramEdgeInfo {
  edgeId: number;
  /** Mermaid's id of the line: its SVG path and label carry it as `data-id`. */
  linkId: string;
  sources: string[];
  targets: string[];
}

export type RunNodeStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'waiting_for_human';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'budget_exceeded' | 'cancelled';

/** One graph node as a run has seen it so far. */
export interface RunNodeState {
  name: string;
  status: RunNodeStatus;
  /** The attempt under way or last made (1 = the first try). */
  attempt: number;
  /** Attempts made in all, over every execution. */
  attempts: number;
  /** Executions (each fan-out branch and each loop round counts). */
  executions: number;
  /** The node's own model cost so far. */
  costUsd: number;
  /** Time spent running, over the executions that finished. */
  latencyMs: number;
  /** The last failure or retry reason (redacted by the runtime; shown as text). */
  error?: string;
  /** Branches of the current fan-out, when the node fans out. */
  fanOut?: { total: number; done: number; failed: number; running: number };
}

/** A tool as a run has used it so far. */
export interface RunToolState {
  name: string;
  calls: number;
  failed: number;
  running: number;
}

export interface RunFiredEdge {
  edge: number;
  from: string[];
  to: string[];
  /** How often it fired. */
  count: number;
}

export interface RunBudgetState {
  costUsd: number;
  tokens: number;
  steps: number;
  latencyMs: number;
  limits: { costUsd?: number; tokens?: number; steps?: number; latencyMs?: number };
}

/** The compact state of one run the extension posts (throttled) while it goes and once it ends. */
export interface RunSnapshot {
  /** The editor's session id (what Cancel names). */
  session: string;
  kind: string;
  specUri: string;
  graph: string;
  provider: string;
  runId?: string;
  status: RunStatus;
  /** Wall-clock milliseconds since the session started, when this snapshot was taken. */
  wallMs: number;
  /** True once the session has ended (the status is then final). */
  ended: boolean;
  nodes: RunNodeState[];
  tools: RunToolState[];
  edges: RunFiredEdge[];
  budget?: RunBudgetState;
  /** Why the run failed, when it did. */
  error?: string;
  /** The failing node, when the run failed in one. */
  errorNode?: string;
  /** The run's trace.jsonl, once known. */
  tracePath?: string;
}

/** Extension → webview. */
export type ToWebview =
  | {
      type: 'diagram';
      /** The spec's URI, shown in the header. */
      uri: string;
      graph: string;
      /** All graphs in the spec, for the picker. */
      graphs: string[];
      mermaid: string;
      nodes: DiagramNodeInfo[];
      /** True when the spec currently has errors and this is the last good diagram. */
      stale: boolean;
      /** Error count of the current text, for the banner. */
      errors: number;
      /** Nodes count of the whole graph, to decide on collapsed rendering. */
      nodeCount: number;
      /** The drawn edge lines (for the run overlay's fired edges). */
      edges?: DiagramEdgeInfo[];
    }
  /** The run to show over the diagram; undefined clears the overlay. */
  | { type: 'run'; run: RunSnapshot | undefined }
  | { type: 'highlight'; nodeId: string | undefined }
  | { type: 'theme'; kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light' }
  | { type: 'error'; message: string }
  /** Asks for the rendered diagram as SVG markup; the webview answers with FromWebview `exportSvg`. */
  | { type: 'requestSvg' };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; nodeId: string; range: SourceRef }
  | { type: 'selectGraph'; graph: string }
  | { type: 'expandSupervisor'; name: string }
  | { type: 'rendered'; graph: string; ms: number; nodeCount: number }
  | { type: 'exportSvg'; svg: string }
  /** A button of the run header: cancel the run, open its trace, or clear the overlay. */
  | { type: 'runAction'; action: 'cancel' | 'openTrace' | 'clear'; session: string }
  | { type: 'log'; message: string };

/** What the webview persists with `setState`, so the serializer can restore it after a reload. */
export interface WebviewState {
  uri: string;
  graph: string;
  zoom: number;
  pan: { x: number; y: number };
}
