// The diagnostic shape every phase produces. Positions are UTF-16 offsets into the file text;
// hosts (CLI, language server) convert them to lines and columns with a LineIndex.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface RelatedInfo {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface Diagnostic {
  /** Stable code such as `AG3002`; documented in docs/diagnostics.md. */
  code: string;
  severity: Severity;
  /** Says what is wrong and what to do about it. */
  message: string;
  start: number;
  end: number;
  /** Absolute path of the file the range lies in; set by the semantic phase. */
  file?: string;
  related?: RelatedInfo[];
  /** `unnecessary` renders faded (unreachable nodes); `deprecated` renders struck through. */
  tags?: ('unnecessary' | 'deprecated')[];
  /** Machine-readable details for quick fixes (e.g. the suggested name). */
  data?: Record<string, unknown>;
}
