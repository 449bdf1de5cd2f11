// The trace model: RunEvents (one trace.jsonl line each, or live from the run bus) folded into a
// span tree (run → node → attempt → model/tool call, human wait, escalation) and a per-node
// summary. Pure and host-free: the trace webview, the extension host (recent-runs quick pick) and
// the unit tests all use it. Events are applied incrementally, so a live run and a file share one
// code path; a malformed line is recorded with its line number and skipped.

import type { RunEvent, RunOutcome, SpanKind, SpanRecord } from '../../../server/src/runtime/trace.ts';
import type { Totals } from '../../../server/src/runtime/budget.ts';

export type { RunEvent, SpanRecord, SpanKind };

export interface TraceSpan {
  record: SpanRecord;
  children: TraceSpan[];
  depth: number;
  /** Start order, for stable sorting. */
  order: number;
}

export interface SourceRange {
  /** As recorded: absolute, or relative to the workspace root in normalised traces. */
  file: string;
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface ParseProblem {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface NodeSummary {
  /** `span-name#k` for the k-th activation (1-based; fan-out branches are `node[i]#k`): the key runs are compared by. */
  key: string;
  name: string;
  spanId: string;
  status: 'running' | 'ok' | 'error' | 'cancelled';
  attempts: number;
  latencyMs: number;
  costUsd: number;
  tokens: number;
  output?: string;
  error?: string;
}

export interface TraceModel {
  runId?: string;
  graph?: string;
  provider?: string;
  outcome?: RunOutcome;
  error?: string;
  totals?: Totals;
  roots: TraceSpan[];
  spans: Map<string, TraceSpan>;
  /** Latest event time seen: open spans are drawn up to it. */
  lastTime: number;
  startTime?: number;
  events: number;
  problems: ParseProblem[];
  /** Text streamed so far per model-call span (token events), for calls still running. */
  streamed: Map<string, string>;
}

/** Streamed text kept per span; a model call rarely streams more, and the rest is in its output. */
const STREAM_LIMIT = 256 * 1024;

export class TraceBuilder {
  private readonly model: TraceModel = { roots: [], spans: new Map(), lastTime: 0, events: 0, problems: [], streamed: new Map() };
  private order = 0;
  /** Children whose parent has not been seen yet (a trace cut at the start). */
  private readonly orphans = new Map<string, TraceSpan[]>();

  get trace(): TraceModel {
    return this.model;
  }

  /** Applies one event. Unknown event types are ignored (newer runtimes may add some). */
  add(e: RunEvent): void {
    const m = this.model;
    m.events++;
    if (typeof e.time === 'number') {
      if (e.time > m.lastTime) m.lastTime = e.time;
      if (m.startTime === undefined || e.time < m.startTime) m.startTime = e.time;
    }
    if (e.runId && !m.runId) m.runId = e.runId;
    switch (e.type) {
      case 'run_start':
        m.graph = e.graph;
        break;
      case 'span_start':
      case 'span_end':
        this.upsert(e.span);
        if (e.span.kind === 'run') m.provider = str(e.span.attributes['agentgraph.provider']) ?? m.provider;
        break;
      case 'budget':
        m.totals = e.totals;
        break;
      case 'token': {
        const before = m.streamed.get(e.spanId) ?? '';
        if (before.length < STREAM_LIMIT) m.streamed.set(e.spanId, before + e.delta);
        break;
      }
      case 'run_end':
        m.outcome = e.outcome;
        m.totals = e.totals;
        if (e.error) m.error = e.error.node ? `${e.error.kind} in ${e.error.node}: ${e.error.message}` : `${e.error.kind}: ${e.error.message}`;
        break;
      default:
        break;
    }
  }

  /** Parses trace.jsonl text; `firstLine` numbers the lines of a chunk that does not start the file. */
  addText(text: string, firstLine = 1): void {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      const event = parseEventLine(line);
      if (typeof event === 'string') this.model.problems.push({ line: firstLine + i, message: event });
      else this.add(event);
    }
  }

  private upsert(record: SpanRecord): void {
    const m = this.model;
    const existing = m.spans.get(record.id);
    if (existing) {
      existing.record = record;
      return;
    }
    const span: TraceSpan = { record, children: [], depth: 0, order: this.order++ };
    m.spans.set(record.id, span);
    if (m.startTime === undefined || record.startMs < m.startTime) m.startTime = record.startMs;
    const parent = record.parentId !== undefined ? m.spans.get(record.parentId) : undefined;
    if (parent) {
      span.depth = parent.depth + 1;
      parent.children.push(span);
    } else if (record.parentId !== undefined) {
      const list = this.orphans.get(record.parentId) ?? [];
      list.push(span);
      this.orphans.set(record.parentId, list);
      m.roots.push(span);
    } else m.roots.push(span);
    const waiting = this.orphans.get(record.id);
    if (waiting) {
      this.orphans.delete(record.id);
      for (const c of waiting) {
        m.roots.splice(m.roots.indexOf(c), 1);
        span.children.push(c);
        setDepth(c, span.depth + 1);
      }
    }
  }
}

function setDepth(s: TraceSpan, depth: number): void {
  s.depth = depth;
  for (const c of s.children) setDepth(c, depth + 1);
}

/** One line → an event, or a message saying why it is not one. */
export function parseEventLine(line: string): RunEvent | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return `not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a trace event (expected a JSON object)';
  const o = v as Record<string, unknown>;
  if (typeof o.type !== 'string') return 'not a trace event (no "type")';
  if (o.type === 'span_start' || o.type === 'span_end') {
    const s = o.span as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object' || typeof s.id !== 'string' || typeof s.kind !== 'string' || typeof s.startMs !== 'number') return `malformed ${o.type} (span needs id, kind and startMs)`;
    if (typeof s.name !== 'string') s.name = s.kind;
    if (!s.attributes || typeof s.attributes !== 'object') s.attributes = {};
  }
  return o as unknown as RunEvent;
}

export function parseTrace(text: string): TraceModel {
  const b = new TraceBuilder();
  b.addText(text);
  return b.trace;
}

/** Spans depth first in start order; children of collapsed spans are left out. */
export function flatten(model: TraceModel, collapsed: ReadonlySet<string> = new Set()): TraceSpan[] {
  const out: TraceSpan[] = [];
  const walk = (list: TraceSpan[]) => {
    for (const s of list) {
      out.push(s);
      if (!collapsed.has(s.record.id)) walk(s.children);
    }
  };
  walk(model.roots);
  return out;
}

export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The declaration a span stands for: its own source attributes, else its nearest ancestor's. */
export function sourceOf(model: TraceModel, span: TraceSpan): SourceRange | undefined {
  for (let s: TraceSpan | undefined = span; s; s = s.record.parentId !== undefined ? model.spans.get(s.record.parentId) : undefined) {
    const a = s.record.attributes;
    const file = str(a['agentgraph.source.file']);
    const sl = num(a['agentgraph.source.start_line']);
    if (file && sl !== undefined) {
      return {
        file,
        start: { line: sl, character: num(a['agentgraph.source.start_character']) ?? 0 },
        end: { line: num(a['agentgraph.source.end_line']) ?? sl, character: num(a['agentgraph.source.end_character']) ?? 0 },
      };
    }
  }
  return undefined;
}

/** Cost and tokens of a span's model calls (its own attributes when it is one, else its descendants'). */
export function usageOf(span: TraceSpan): { costUsd: number; tokens: number } {
  let costUsd = 0;
  let tokens = 0;
  const visit = (s: TraceSpan) => {
    const a = s.record.attributes;
    if (s.record.kind === 'model_call') {
      costUsd += num(a['agentgraph.cost_usd']) ?? 0;
      tokens += (num(a['gen_ai.usage.input_tokens']) ?? 0) + (num(a['gen_ai.usage.output_tokens']) ?? 0);
    }
    for (const c of s.children) visit(c);
  };
  visit(span);
  return { costUsd, tokens };
}

/** Duration of a span; open spans last until the latest event. */
export function durationOf(model: TraceModel, r: SpanRecord): number {
  return Math.max(0, (r.endMs ?? model.lastTime) - r.startMs);
}

/** Every node activation (each fan-out branch counts) in execution order, with its attempts, cost, tokens and output. */
export function nodeSummaries(model: TraceModel): NodeSummary[] {
  // A fan-out's group span only holds its branches, which are the activations that did the work.
  const nodes = [...model.spans.values()].filter((s) => s.record.kind === 'node' && s.record.attributes['agentgraph.fan_out'] === undefined).sort((a, b) => a.record.startMs - b.record.startMs || a.order - b.order);
  const seen = new Map<string, number>();
  return nodes.map((s) => {
    const r = s.record;
    // Branches of a fan-out are named `node[i]`: the key tells them apart, the name is the node's.
    const k = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, k);
    const name = str(r.attributes['agentgraph.node']) ?? r.name;
    const attempts = num(r.attributes['agentgraph.attempts']) ?? (s.children.filter((c) => c.record.kind === 'attempt').length || (r.endMs !== undefined ? 1 : 0));
    const { costUsd, tokens } = usageOf(s);
    const summary: NodeSummary = {
      key: `${r.name}#${k}`,
      name,
      spanId: r.id,
      status: r.status ?? 'running',
      attempts,
      latencyMs: durationOf(model, r),
      costUsd,
      tokens,
    };
    const output = str(r.attributes['agentgraph.output']);
    if (output !== undefined) summary.output = output;
    if (r.error !== undefined) summary.error = r.error;
    return summary;
  });
}

/** What the recent-runs picker shows of a trace without building its tree. */
export interface TraceHeadline {
  runId?: string;
  graph?: string;
  provider?: string;
  outcome?: RunOutcome;
  costUsd?: number;
  startTime?: number;
}

/** Reads the first and last events of trace.jsonl text. */
export function traceHeadline(text: string): TraceHeadline {
  const h: TraceHeadline = {};
  const lines = text.split('\n');
  for (let i = 0; i < Math.min(lines.length, 3); i++) {
    const e = parseEventLine(lines[i]!.trim());
    if (typeof e === 'string') continue;
    h.runId ??= e.runId;
    h.startTime ??= e.time;
    if (e.type === 'run_start') h.graph = e.graph;
    if (e.type === 'span_start' && e.span.kind === 'run') h.provider = str(e.span.attributes['agentgraph.provider']);
  }
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 4); i--) {
    const e = parseEventLine(lines[i]!.trim());
    if (typeof e === 'string') continue;
    if (e.type === 'run_end') {
      h.outcome = e.outcome;
      h.costUsd = e.totals.costUsd;
      break;
    }
  }
  return h;
}
