// The run's trace: a tree of spans (run → node → attempt → model_call / tool_call / human_wait)
// and a stream of events. Every event is redacted, numbered and handed synchronously to each sink
// (the caller's `onEvent`, the trace.jsonl writer), so nothing is dropped and subscribers see
// events in order while the run goes. Times come from the injected clock, so simulated runs show
// their virtual timings. Attribute names follow the OpenTelemetry GenAI semantic conventions
// (`gen_ai.*`); ours are under `agentgraph.*`.

import type { SourceRange } from '../ir/schema.ts';
import type { Clock } from './provider.ts';
import type { Redactor } from './redact.ts';
import type { Totals, BudgetLimits } from './budget.ts';

export type SpanKind = 'run' | 'node' | 'attempt' | 'model_call' | 'tool_call' | 'human_wait' | 'escalation';
export type AttrValue = string | number | boolean | string[] | number[];
export type Attributes = Record<string, AttrValue>;

export interface SpanRecord {
  id: string;
  parentId?: string;
  kind: SpanKind;
  name: string;
  startMs: number;
  endMs?: number;
  status?: 'ok' | 'error' | 'cancelled';
  error?: string;
  attributes: Attributes;
}

export type NodeStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'waiting_for_human';
export type RunOutcome = 'succeeded' | 'failed' | 'budget_exceeded' | 'cancelled';

export interface RunErrorInfo {
  kind: string;
  message: string;
  node?: string;
  issues?: string[];
}

export type RunEventBody =
  | { type: 'run_start'; graph: string; input: unknown; resumed: boolean }
  | { type: 'span_start'; span: SpanRecord }
  | { type: 'span_end'; span: SpanRecord }
  | { type: 'token'; spanId: string; node: string; delta: string }
  | { type: 'node_status'; node: string; instance?: number; status: NodeStatus; attempt?: number; costUsd: number; error?: string }
  | { type: 'edge_fired'; edge: number; from: string[]; to: string[]; range: SourceRange }
  | { type: 'budget'; totals: Totals; limits: BudgetLimits }
  | { type: 'run_end'; outcome: RunOutcome; output?: unknown; error?: RunErrorInfo; totals: Totals };

export type RunEvent = RunEventBody & { seq: number; runId: string; time: number };
export type EventSink = (e: RunEvent) => void;

/** `file:line:col-line:col` (1-based, as editors show it). */
export function formatRange(r: SourceRange): string {
  return `${r.file}:${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

const rangeCache = new WeakMap<SourceRange, Map<string, Attributes>>();

/** Source-range attributes for a span: the file and the 0-based positions, and a readable form. */
export function rangeAttributes(r: SourceRange, prefix = 'agentgraph.source'): Attributes {
  let byPrefix = rangeCache.get(r);
  if (!byPrefix) rangeCache.set(r, (byPrefix = new Map()));
  let attrs = byPrefix.get(prefix);
  if (!attrs) byPrefix.set(prefix, (attrs = makeRangeAttributes(r, prefix)));
  return attrs;
}

function makeRangeAttributes(r: SourceRange, prefix: string): Attributes {
  return {
    [`${prefix}.file`]: r.file,
    [`${prefix}.start_line`]: r.start.line,
    [`${prefix}.start_character`]: r.start.character,
    [`${prefix}.end_line`]: r.end.line,
    [`${prefix}.end_character`]: r.end.character,
    [`${prefix}.range`]: formatRange(r),
  };
}

/**
 * Attribute values are primitives; objects are stored as JSON text (as the GenAI conventions do).
 * Values are redacted here, once, as they enter the trace, so events need no scan when emitted.
 */
export function attr(v: unknown, redactor?: Redactor): AttrValue {
  if (typeof v === 'string') return redactor ? redactor.text(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return redactor ? v.map((x: string) => redactor.text(x)) : (v as string[]);
  if (v === undefined) return '';
  return redactor ? redactor.json(v) : (JSON.stringify(v) ?? '');
}

export class Span {
  constructor(
    private readonly tracer: Tracer,
    readonly record: SpanRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  set(key: string, value: unknown): this {
    if (value !== undefined) this.record.attributes[key] = attr(value, this.tracer.redactor);
    return this;
  }

  setAll(attrs: Record<string, unknown>): this {
    for (const [k, v] of Object.entries(attrs)) this.set(k, v);
    return this;
  }

  get ended(): boolean {
    return this.record.endMs !== undefined;
  }

  end(status: 'ok' | 'error' | 'cancelled' = 'ok', error?: string): void {
    if (this.ended) return;
    this.record.endMs = this.tracer.now();
    this.record.status = status;
    if (error !== undefined) this.record.error = this.tracer.redactor.text(error);
    this.tracer.emit({ type: 'span_end', span: this.record });
  }
}

export class Tracer {
  private seq = 0;
  private spanSeq = 0;
  readonly spans: SpanRecord[] = [];

  constructor(
    readonly runId: string,
    private readonly clock: Clock,
    private readonly sinks: EventSink[],
    readonly redactor: Redactor,
    /** Distinguishes span ids of a resumed session from those of earlier sessions of the run. */
    private readonly session = 1,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /**
   * Stamps, redacts and delivers one event to every sink, in order. Span records keep changing
   * after they are emitted, so events carry a copy of the span as it is now.
   */
  emit(body: RunEventBody): void {
    const stamp = { seq: ++this.seq, runId: this.runId, time: this.clock.now() };
    let event: RunEvent;
    // Span attributes and errors were redacted when set; other bodies are small and checked here.
    if (body.type === 'span_start' || body.type === 'span_end') event = { ...body, span: { ...body.span, attributes: { ...body.span.attributes } }, ...stamp };
    else if (body.type === 'token') event = { ...body, delta: this.redactor.text(body.delta), ...stamp };
    else if (body.type === 'node_status') event = { ...body, ...(body.error === undefined ? {} : { error: this.redactor.text(body.error) }), ...stamp };
    else if (body.type === 'edge_fired' || body.type === 'budget') event = { ...body, ...stamp };
    else event = this.redactor.value({ ...body, ...stamp });
    for (const sink of this.sinks) {
      try {
        sink(event);
      } catch {
        // A subscriber's bug must not break the run; the trace file sink does not throw.
      }
    }
  }

  start(kind: SpanKind, name: string, parent: Span | undefined, attributes: Record<string, unknown> = {}): Span {
    const record: SpanRecord = {
      id: `${this.session}.${++this.spanSeq}`,
      parentId: parent?.id,
      kind,
      name,
      startMs: this.clock.now(),
      attributes: {},
    };
    this.spans.push(record);
    const span = new Span(this, record).setAll(attributes);
    this.emit({ type: 'span_start', span: record });
    return span;
  }

  /** Copies of the spans (already redacted) for the run result. */
  snapshot(): SpanRecord[] {
    return this.spans.map((s) => ({ ...s, attributes: { ...s.attributes } }));
  }
}
