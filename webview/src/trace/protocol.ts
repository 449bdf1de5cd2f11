// The typed messages between the extension host and the trace webview (dist/trace.js). The same
// webview shows a trace file (custom editor), a live run (from the run bus) or a comparison of
// two runs. Traces travel as trace.jsonl text or as RunEvents; the webview parses them itself, so
// a malformed line is reported with its line number.

import type { RunEvent } from '../../../server/src/runtime/trace.ts';
import type { SourceRange } from './model.ts';

export interface TraceSource {
  /** Shown in the header (file name or "live: Support"). */
  title: string;
  /** trace.jsonl text. */
  text: string;
}

/** Extension → webview. */
export type ToTraceView =
  | { type: 'trace'; title: string; text: string }
  /** Starts a live view: events follow in `events` batches, then `ended`. */
  | { type: 'live'; title: string; provider?: string }
  | { type: 'events'; events: RunEvent[] }
  | { type: 'ended'; error?: string }
  | { type: 'compare'; left: TraceSource; right: TraceSource };

/** Webview → extension. */
export type FromTraceView =
  | { type: 'ready' }
  /** Open the spec at a span's declaration; `file` as recorded in the trace. */
  | { type: 'reveal'; spanId: string; range: SourceRange }
  | { type: 'copy'; text: string }
  /** Compare the shown trace with another run. */
  | { type: 'compareWith' }
  /** Posted after each render, for tests and logs. */
  | { type: 'rendered'; spans: number; problems: number }
  | { type: 'log'; message: string };
