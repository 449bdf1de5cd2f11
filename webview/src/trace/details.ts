/// <reference lib="dom" />
// The details pane for the selected span: what happened (status, error, retry reason), what it
// cost (tokens, cost, latency, cache hit), and what went in and out (rendered prompt, messages,
// tool call arguments and result, structured output). Every value is text; JSON is
// pretty-printed; large payloads are cut with an expand control.

import { el } from './dom.ts';
import { formatCost, formatMs } from './format.ts';
import { durationOf, num, sourceOf, str, usageOf, type TraceModel, type TraceSpan } from './model.ts';
import { payloadBlock } from './payload.ts';

export interface DetailsActions {
  copy(text: string): void;
  reveal(span: TraceSpan): void;
}

/** Attributes shown in their own sections, left out of the "All attributes" table. */
const SHOWN = new Set([
  'agentgraph.prompt',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'agentgraph.input',
  'agentgraph.output',
]);

function fact(label: string, value: string | undefined, cls = ''): HTMLElement | undefined {
  if (value === undefined || value === '') return undefined;
  return el('div', { class: `tv-fact ${cls}`.trim() }, [el('span', { class: 'tv-fact-label', text: label }), el('span', { class: 'tv-fact-value', text: value })]);
}

const yesNo = (v: unknown) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : undefined);

/** Message lists (`gen_ai.*.messages`) as one block per message; not-JSON text as one block. */
function messageBlocks(label: string, raw: string, a: DetailsActions): HTMLElement[] {
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return [payloadBlock(label, raw, a.copy)];
  }
  if (!Array.isArray(list)) return [payloadBlock(label, raw, a.copy)];
  const out: HTMLElement[] = [];
  list.forEach((m, i) => {
    const msg = (m && typeof m === 'object' ? m : {}) as Record<string, unknown>;
    const role = typeof msg.role === 'string' ? msg.role : 'message';
    const content = typeof msg.content === 'string' ? msg.content : JSON.stringify(msg.content ?? '', null, 2);
    out.push(payloadBlock(`${label} ${i + 1}: ${role}`, content, a.copy));
    const calls = msg.toolCalls ?? msg.tool_calls;
    if (Array.isArray(calls) && calls.length) out.push(payloadBlock(`${label} ${i + 1}: tool calls`, JSON.stringify(calls), a.copy));
  });
  return out;
}

export function renderDetails(model: TraceModel, span: TraceSpan | undefined, a: DetailsActions): HTMLElement {
  if (!span) return el('div', { class: 'tv-details-empty', text: 'Select a span to see its prompt, messages, tool calls, output, tokens and cost.' });
  const r = span.record;
  const at = r.attributes;
  const status = r.status ?? 'running';
  const usage = usageOf(span);
  const inTok = num(at['gen_ai.usage.input_tokens']);
  const outTok = num(at['gen_ai.usage.output_tokens']);
  const src = sourceOf(model, span);
  const head = el('div', { class: 'tv-details-head' }, [
    el('span', { class: `tv-kind tv-kind-${r.kind}`, text: r.kind.replace('_', ' ') }),
    el('h2', { text: r.name }),
    el('span', { class: `tv-status tv-status-${status}`, text: status }),
    src ? el('button', { class: 'tv-reveal', text: 'Go to declaration', title: `${src.file}:${src.start.line + 1}`, on: { click: () => a.reveal(span) } }) : undefined,
  ]);
  const facts = el('div', { class: 'tv-facts' }, [
    fact('Duration', formatMs(durationOf(model, r))),
    fact('Started', `+${formatMs(r.startMs - (model.startTime ?? r.startMs))}`),
    fact('Node', str(at['agentgraph.node'])),
    fact('Model', [str(at['agentgraph.model']), str(at['gen_ai.response.model']) ?? str(at['gen_ai.request.model'])].filter(Boolean).join(' · ') || undefined),
    fact('Attempt', num(at['agentgraph.attempt'])?.toString()),
    fact('Attempts', num(at['agentgraph.attempts'])?.toString()),
    fact('Fallback', at['agentgraph.fallback'] === true ? 'yes' : undefined),
    fact('Input tokens', inTok?.toString()),
    fact('Output tokens', outTok?.toString()),
    fact('Tokens', r.kind !== 'model_call' && usage.tokens ? String(usage.tokens) : undefined),
    fact('Cost', r.kind === 'model_call' ? formatCost(num(at['agentgraph.cost_usd']) ?? 0) : usage.costUsd ? formatCost(usage.costUsd) : num(at['agentgraph.cost_usd']) !== undefined ? formatCost(num(at['agentgraph.cost_usd'])!) : undefined),
    fact('Provider latency', num(at['agentgraph.provider_latency_ms']) !== undefined ? formatMs(num(at['agentgraph.provider_latency_ms'])!) : undefined),
    fact('Cache hit', yesNo(at['agentgraph.cache_hit'])),
    fact('Finish reason', Array.isArray(at['gen_ai.response.finish_reasons']) ? at['gen_ai.response.finish_reasons'].join(', ') : undefined),
    fact('Tool', str(at['gen_ai.tool.name'])),
    fact('Effect', str(at['agentgraph.tool.effect'])),
    fact('Human', str(at['agentgraph.human'])),
    fact('Approved', yesNo(at['agentgraph.approved'])),
    fact('Escalated to', str(at['agentgraph.escalated_to']) ?? str(at['agentgraph.escalation.target'])),
    fact('Failed node', str(at['agentgraph.escalation.failed_node'])),
    fact('Provider', str(at['agentgraph.provider'])),
    fact('Outcome', str(at['agentgraph.outcome'])),
    fact('Repaired', yesNo(at['agentgraph.repaired'])),
    fact('Replayed', at['agentgraph.replayed'] === true || at['agentgraph.idempotent_replay'] === true ? 'yes' : undefined),
  ]);
  const problems = el('div', { class: 'tv-problems-list' }, [
    fact('Error', r.error, 'tv-error'),
    fact('Error type', str(at['error.type']) ?? str(at['agentgraph.error_reason']) ?? str(at['agentgraph.tool.error_reason']), 'tv-error'),
    fact('Retry reason', str(at['agentgraph.retry_reason']), 'tv-warn'),
    fact('Retry delay', num(at['agentgraph.retry_delay_ms']) !== undefined ? formatMs(num(at['agentgraph.retry_delay_ms'])!) : undefined, 'tv-warn'),
    fact('Retry after', num(at['agentgraph.retry_after_ms']) !== undefined ? formatMs(num(at['agentgraph.retry_after_ms'])!) : undefined, 'tv-warn'),
    fact('Invalid output', str(at['agentgraph.invalid_output']), 'tv-warn'),
    fact('Escalation reason', str(at['agentgraph.escalation.reason']), 'tv-warn'),
    fact('Restart reason', str(at['agentgraph.restart_reason']), 'tv-warn'),
  ]);
  const blocks: HTMLElement[] = [];
  const prompt = str(at['agentgraph.prompt']);
  if (prompt) blocks.push(payloadBlock('Prompt', prompt, a.copy));
  const inMsgs = str(at['gen_ai.input.messages']);
  if (inMsgs) blocks.push(...messageBlocks('Input message', inMsgs, a));
  const outMsgs = str(at['gen_ai.output.messages']);
  if (outMsgs) blocks.push(...messageBlocks('Output message', outMsgs, a));
  else if (model.streamed.has(r.id)) blocks.push(payloadBlock(r.endMs === undefined ? 'Streaming output' : 'Streamed output', model.streamed.get(r.id)!, a.copy));
  const args = str(at['gen_ai.tool.call.arguments']);
  if (args !== undefined) blocks.push(payloadBlock('Tool arguments', args, a.copy));
  const result = str(at['gen_ai.tool.call.result']);
  if (result !== undefined) blocks.push(payloadBlock('Tool result', result, a.copy));
  const input = str(at['agentgraph.input']);
  if (input) blocks.push(payloadBlock('Input', input, a.copy));
  const output = str(at['agentgraph.output']);
  if (output) blocks.push(payloadBlock('Output', output, a.copy));

  const rows = Object.keys(at)
    .filter((k) => !SHOWN.has(k))
    .sort()
    .map((k) => {
      const v = at[k];
      return el('tr', {}, [el('th', { text: k }), el('td', { text: Array.isArray(v) ? v.join(', ') : String(v) })]);
    });
  const all = el('details', { class: 'tv-attrs' }, [el('summary', { text: `All attributes (${rows.length})` }), el('table', {}, [el('tbody', {}, rows)])]);
  return el('div', { class: 'tv-details-body', attrs: { 'data-span-id': r.id } }, [head, problems.childElementCount ? problems : undefined, facts, ...blocks, all]);
}
