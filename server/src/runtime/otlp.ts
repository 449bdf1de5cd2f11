// Converts a run's trace.jsonl to OTLP JSON (the body of an OTLP/HTTP `v1/traces` request), so any
// OpenTelemetry backend (Jaeger, Tempo, Honeycomb, Langfuse, …) can show agentgraph runs. The shape
// is resourceSpans → scopeSpans → spans, ids as lowercase hex (32 characters for
// the trace, 16 for spans), times as unix nanoseconds in decimal strings, attributes as OTLP
// key/value pairs — produced by the OpenTelemetry SDK's JSON serializer. Ids are derived from the run id, so exporting the same run twice gives the same
// ids, and the spans of a resumed run land in the same trace.

import { createHash } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttrValue, RunEvent, SpanRecord } from './trace.ts';

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string | number }
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
  const resource = resourceFromAttributes({ 'service.name': opts.serviceName ?? 'agentgraph', 'agentgraph.run_id': runId });
  const scope = { name: 'agentgraph', version: opts.version ?? '0.0.0' };
  // The OpenTelemetry SDK's own serializer writes the OTLP JSON, so the encoding (ids, nanosecond
  // timestamps, attribute values) is exactly what collectors expect; we only describe the spans.
  const spans: ReadableSpan[] = spansOf(events).map((s) => {
    const ended = s.endMs !== undefined;
    const status = !ended
      ? { code: STATUS_ERROR, message: 'the span never ended (the run was interrupted)' }
      : s.status === 'error'
        ? { code: STATUS_ERROR, message: s.error ?? '' }
        : s.status === 'cancelled'
          ? { code: STATUS_UNSET, message: s.error ?? 'cancelled' }
          : { code: STATUS_OK };
    const streamed = tokens.get(s.id);
    const start = hrTime(s.startMs);
    const endMs = s.endMs ?? Math.max(lastTime, s.startMs);
    const context = { traceId, spanId: spanId(s.id), traceFlags: 1 };
    return {
      name: s.name,
      kind: s.kind === 'model_call' ? SPAN_KIND_CLIENT - 1 : SPAN_KIND_INTERNAL - 1,
      spanContext: () => context,
      parentSpanContext: s.parentId ? { traceId, spanId: spanId(s.parentId), traceFlags: 1 } : undefined,
      startTime: start,
      endTime: hrTime(endMs),
      duration: hrTime(endMs - s.startMs),
      status,
      attributes: { ...(s.attributes as Record<string, AttrValue>), 'agentgraph.span.kind': s.kind } as Attributes,
      links: [],
      // Streaming is summarised as one event (first token time and chunk count), not one per chunk.
      events: streamed?.length ? [{ time: hrTime(streamed[0]!.time), name: 'gen_ai.first_token', attributes: { 'agentgraph.stream.chunks': streamed.length } }] : [],
      ended,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  return JSON.parse(new TextDecoder().decode(bytes)) as OtlpTraces;
}

/** Milliseconds since the epoch (possibly fractional) as OpenTelemetry's [seconds, nanoseconds]. */
function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
