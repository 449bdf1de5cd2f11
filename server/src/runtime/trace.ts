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

/**
 * A value that enters the trace twice, as an attribute and as itself (in an event or the run's
 * result): both forms, redacted, from one serialization and one scan.
 */
export function attrAndValue<T>(v: T, redactor: Redactor): { attr: AttrValue; value: T } {
  if (v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) return { attr: attr(v, redactor), value: redactor.value(v) };
  const json = JSON.stringify(v) ?? '';
  if (!redactor.jsonNeeded(json)) return { attr: json, value: v };
  const value = redactor.value(v);
  return { attr: JSON.stringify(value) ?? '', value };
}

/**
 * A live span. Its record changes until the span ends; span_start events carry a copy of it as it
 * was then, and from the end on the record itself is handed out (in the span_end event and the
 * run's trace) and never changed again: a change after that works on a fresh copy.
 *
 * Records and attribute objects are always built from literals or `{}` with stores, never by
 * adding keys to a spread copy: V8 (Node 20) takes a slow path costing microseconds for every key
 * added to an object made by `{...x}`.
 */
export class Span {
  private shared = false;

  constructor(
    private readonly tracer: Tracer,
    /** The record as it is now. */
    public record: SpanRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get redactor(): Redactor {
    return this.tracer.redactor;
  }

  /** The record, for changing: a copy when the current one was handed out. */
  private own(): SpanRecord {
    if (this.shared) {
      this.record = copyRecord(this.record);
      this.shared = false;
    }
    return this.record;
  }

  /** The record, for handing out: it will not change any more. */
  share(): SpanRecord {
    this.shared = true;
    return this.record;
  }

  /**
   * The attributes, for setting: callers store already-redacted values (see attr) under literal
   * keys, which keeps large attribute objects compact where set(key, …) would not.
   */
  attrs(): Attributes {
    return this.own().attributes;
  }

  set(key: string, value: unknown): this {
    if (value !== undefined) this.own().attributes[key] = attr(value, this.tracer.redactor);
    return this;
  }

  setAll(attrs: Record<string, unknown>): this {
    for (const k in attrs) this.set(k, attrs[k]);
    return this;
  }

  get ended(): boolean {
    return this.record.endMs !== undefined;
  }

  end(status: 'ok' | 'error' | 'cancelled' = 'ok', error?: string): void {
    if (this.ended) return;
    const r = this.own();
    r.endMs = this.tracer.now();
    r.status = status;
    if (error !== undefined) r.error = this.tracer.redactor.text(error);
    this.tracer.spanEnded(this.share());
  }
}

/** A copy of a record that may be changed (built key by key, see Span). */
function copyRecord(r: SpanRecord): SpanRecord {
  const attributes: Attributes = {};
  for (const k in r.attributes) attributes[k] = r.attributes[k]!;
  const c: SpanRecord = { id: r.id, parentId: r.parentId, kind: r.kind, name: r.name, startMs: r.startMs, attributes };
  if ('endMs' in r) c.endMs = r.endMs;
  if ('status' in r) c.status = r.status;
  if ('error' in r) c.error = r.error;
  return c;
}

export class Tracer {
  private seq = 0;
  private spanSeq = 0;
  private readonly all: Span[] = [];

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

  /** The last object valueAttr turned into JSON, and that JSON. */
  private memoOf: object | undefined;
  private memoAttr: AttrValue = '';

  /**
   * attr(v) with a one-entry memo: an agent's answer becomes the output of its attempt span and
   * then of its node span, and is serialized and scanned once. (In between, the object is known
   * only to the runtime, which never changes values.)
   */
  valueAttr(v: unknown): AttrValue {
    if (v === null || typeof v !== 'object') return attr(v, this.redactor);
    if (v === this.memoOf) return this.memoAttr;
    const a = attr(v, this.redactor);
    this.memoOf = v;
    this.memoAttr = a;
    return a;
  }

  /** Every span's current record, in start order. */
  get spans(): SpanRecord[] {
    return this.all.map((s) => s.record);
  }

  /**
   * Stamps, redacts and delivers one event to every sink, in order. The body is stamped in place
   * (every caller makes a fresh one); span records in events are never changed afterwards (see
   * Span), so they need no copy. Span attributes and errors were redacted when set; the values in
   * run_start and run_end come redacted from runGraph (which serializes them once for the run
   * span as well); the rest is checked here.
   */
  emit(body: RunEventBody): void {
    const event = body as RunEvent;
    event.seq = ++this.seq;
    event.runId = this.runId;
    event.time = this.clock.now();
    switch (event.type) {
      case 'token':
        event.delta = this.redactor.text(event.delta);
        break;
      case 'node_status':
        if (event.error !== undefined) event.error = this.redactor.text(event.error);
        break;
      case 'run_start':
      case 'run_end':
        event.runId = this.redactor.text(event.runId);
        break;
      default:
        break;
    }
    this.deliver(event);
  }

  // The most frequent events, made as whole literals: adding the stamp to a body afterwards
  // (emit) costs a property store and a backing store per event. Same keys, same order.

  /** node_status of one task (a node, or one branch of a fan-out). */
  taskStatus(node: string, instance: number | undefined, status: NodeStatus, costUsd: number, error?: string): void {
    if (error !== undefined) {
      this.deliver({ type: 'node_status', node, instance, status, costUsd, error: this.redactor.text(error), seq: ++this.seq, runId: this.runId, time: this.clock.now() });
    } else this.deliver({ type: 'node_status', node, instance, status, costUsd, seq: ++this.seq, runId: this.runId, time: this.clock.now() });
  }

  /** A budget event; `time` is the reading the totals were taken at, when the caller has it. */
  budget(totals: Totals, limits: BudgetLimits, time = this.clock.now()): void {
    this.deliver({ type: 'budget', totals, limits, seq: ++this.seq, runId: this.runId, time });
  }

  edgeFired(edge: number, from: string[], to: string[], range: SourceRange): void {
    this.deliver({ type: 'edge_fired', edge, from, to, range, seq: ++this.seq, runId: this.runId, time: this.clock.now() });
  }

  /** span_end with the record (see Span.end), stamped with the span's end time. */
  spanEnded(span: SpanRecord): void {
    this.deliver({ type: 'span_end', span, seq: ++this.seq, runId: this.runId, time: span.endMs! });
  }

  private deliver(event: RunEvent): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) {
      try {
        sinks[i]!(event);
      } catch {
        // A subscriber's bug must not break the run; the trace file sink does not throw.
      }
    }
  }

  /** Starts a span; `attributes` are redacted and set in order (undefined values are left out). */
  start(kind: SpanKind, name: string, parent: Span | undefined, attributes?: Record<string, unknown>): Span {
    const attrs: Attributes = {};
    if (attributes) for (const k in attributes) {
      const v = attributes[k];
      if (v !== undefined) attrs[k] = attr(v, this.redactor);
    }
    return this.open(kind, name, parent, attrs);
  }

  /**
   * Starts a span with attributes that are already redacted; the span takes `attributes` over
   * (build them from a literal or `{}`, not a spread copy: see Span).
   */
  open(kind: SpanKind, name: string, parent: Span | undefined, attributes: Attributes): Span {
    // One clock reading for the start and its event (reading the clock is not free).
    const now = this.clock.now();
    const record: SpanRecord = {
      id: `${this.session}.${++this.spanSeq}`,
      parentId: parent?.record.id,
      kind,
      name,
      startMs: now,
      attributes,
    };
    const span = new Span(this, record);
    this.all.push(span);
    // The event gets a copy (never changed afterwards, so a spread is fine here).
    this.deliver({ type: 'span_start', span: { ...record, attributes: { ...attributes } }, seq: ++this.seq, runId: this.runId, time: now });
    return span;
  }

  /** The spans (already redacted) for the run result; they do not change afterwards. */
  snapshot(): SpanRecord[] {
    return this.all.map((s) => s.share());
  }
}
