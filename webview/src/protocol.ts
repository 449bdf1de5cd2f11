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
    }
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
  | { type: 'log'; message: string };

/** What the webview persists with `setState`, so the serializer can restore it after a reload. */
export interface WebviewState {
  uri: string;
  graph: string;
  zoom: number;
  pan: { x: number; y: number };
}
