// Converts a run's trace.jsonl to OTLP JSON (the body of an OTLP/HTTP `v1/traces` request), so any
// OpenTelemetry backend (Jaeger, Tempo, Honeycomb, Langfuse, …) can show agentgraph runs. The shape
// is written by hand: resourceSpans → scopeSpans → spans, ids as lowercase hex (32 characters for
// the trace, 16 for spans), times as unix nanoseconds in decimal strings, attributes as OTLP
// key/value pairs. Ids are derived from the run id, so exporting the same run twice gives the same
// ids, and the spans of a resumed run land in the same trace.

import { createHash } from 'node:crypto';
import type { AttrValue, RunEvent, SpanRecord } from './trace.ts';

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 3 client (model calls go to a remote service). */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: { timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }[];
  status: { code: number; message?: string };
}

export interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

function hexId(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}

/** Milliseconds (possibly fractional) to an exact decimal string of nanoseconds. */
export function msToUnixNano(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(frac)).toString();
}

export function anyValue(v: AttrValue): OtlpAnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { arrayValue: { values: (v as (string | number)[]).map((x) => anyValue(x)) } };
}

function keyValues(attrs: Record<string, AttrValue>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: anyValue(v) }));
}

/** Parses trace.jsonl text; blank and unparsable lines (a line cut short by a crash) are skipped. */
export function parseTraceJsonl(text: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as RunEvent);
    } catch {
      // A crash can leave the last line half-written; everything before it is still good.
    }
  }
  return out;
}

/** The spans of a trace: the last known state of each (its span_end when it ended). */
export function spansOf(events: readonly RunEvent[]): SpanRecord[] {
  const byId = new Map<string, SpanRecord>();
  for (const e of events) if (e.type === 'span_start' || e.type === 'span_end') byId.set(e.span.id, e.span);
  return [...byId.values()];
}

export function toOtlp(events: readonly RunEvent[], opts: { serviceName?: string; version?: string } = {}): OtlpTraces {
  const runId = events.find((e) => e.runId)?.runId ?? 'unknown-run';
  const traceId = hexId(`trace:${runId}`, 32);
  const spanId = (id: string) => hexId(`span:${runId}:${id}`, 16);
  const lastTime = events.reduce((t, e) => Math.max(t, e.time), 0);
  const tokens = new Map<string, { time: number; delta: string }[]>();
  for (const e of events) {
    if (e.type !== 'token') continue;
    const list = tokens.get(e.spanId) ?? [];
    list.push({ time: e.time, delta: e.delta });
    tokens.set(e.spanId, list);
  }
  const spans: OtlpSpan[] = spansOf(events).map((s) => {
    const ended = s.endMs !== undefined;
    const status = !ended
      ? { code: STATUS_ERROR, message: 'the span never ended (the run was interrupted)' }
      : s.status === 'error'
        ? { code: STATUS_ERROR, message: s.error ?? '' }
        : s.status === 'cancelled'
          ? { code: STATUS_UNSET, message: s.error ?? 'cancelled' }
          : { code: STATUS_OK };
    const attributes = keyValues({ ...s.attributes, 'agentgraph.span.kind': s.kind });
    const streamed = tokens.get(s.id);
    return {
      traceId,
      spanId: spanId(s.id),
      ...(s.parentId ? { parentSpanId: spanId(s.parentId) } : {}),
      name: s.name,
      kind: s.kind === 'model_call' ? SPAN_KIND_CLIENT : SPAN_KIND_INTERNAL,
      startTimeUnixNano: msToUnixNano(s.startMs),
      endTimeUnixNano: msToUnixNano(s.endMs ?? Math.max(lastTime, s.startMs)),
      attributes,
      // Streaming is summarised as one event (first token time and chunk count), not one per chunk.
      events: streamed?.length
        ? [{ timeUnixNano: msToUnixNano(streamed[0]!.time), name: 'gen_ai.first_token', attributes: keyValues({ 'agentgraph.stream.chunks': streamed.length }) }]
        : [],
      status,
    };
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ 'service.name': opts.serviceName ?? 'agentgraph', 'agentgraph.run_id': runId }) },
        scopeSpans: [{ scope: { name: 'agentgraph', version: opts.version ?? '0.0.0' }, spans }],
      },
    ],
  };
}
