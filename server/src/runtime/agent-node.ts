// One execution of an agent node. The prompt is rendered from the node's arguments and sent with
// the agent's tools and output schema. Tool calls are executed and their results sent back, up to
// `max_turns` model calls per attempt. The final answer is parsed as JSON and validated; an
// invalid answer gets exactly one repair request that quotes the validation errors, and if that
// fails too the attempt fails. Attempts are retried (retryable errors and invalid output only) with
// backoff, then the fallback models are tried in order, each with the same retry policy.

import type { AgentIR, ModelIR, ToolIR } from '../ir/schema.ts';
import type { BudgetScope } from './budget.ts';
import { costOf, estimateCall, type Reservation } from './budget.ts';
import { cacheKey } from './cache.ts';
import type { RunContext } from './context.ts';
import { GraphTimeoutError, RuntimeError, isAbortError, isRetryable, isStop, messageOf, reasonOf, retryAfterOf } from './errors.ts';
import { renderTemplate } from './evaluate.ts';
import type { ChatMessage, ModelRequest, ModelResponse } from './provider.ts';
import { ProviderError } from './provider.ts';
import { DeadlineExceeded, abortReason, backoffDelay, sleep, withClockTimeout, type StopScope } from './policies.ts';
import { randomFor } from './random.ts';
import { check, type Checked } from './schemas.ts';
import { attr, type Attributes, type Span, type Tracer } from './trace.ts';

export interface AgentExecution {
  ctx: RunContext;
  agent: AgentIR;
  args: Record<string, unknown>;
  /** The graph node (for events and idempotency keys). */
  node: string;
  /** `node` or `node[i]` for one branch of a fan-out. */
  label: string;
  span: Span;
  budget: BudgetScope;
  signal: StopScope;
  /** The graph's deadline on the run clock, when it has a `timeout`. */
  deadline?: number;
  /** A user prompt to send instead of the rendered template (a debugger's edit, a replay's override). */
  promptOverride?: string;
}

/** Runs the agent node: its output, with the number of attempts set on the node span. */
export async function runAgent(x: AgentExecution): Promise<unknown> {
  const { ctx, agent } = x;
  const redactor = ctx.tracer.redactor;
  const chain = agent.fallback.length === 0 ? [agent.model] : [agent.model, ...agent.fallback];
  let attempt = 0;
  let lastError: unknown;
  for (let mi = 0; mi < chain.length; mi++) {
    const model = ctx.ir.model(chain[mi]!);
    for (let r = 0; r <= agent.retry.max; r++) {
      attempt++;
      if (x.deadline !== undefined && ctx.clock.now() >= x.deadline) throw new GraphTimeoutError(`the graph's timeout passed while '${x.label}' was running`);
      // Attributes in a literal (fixed keys, no per-key calls); values redacted as they enter.
      const attrs: Attributes = {
        'agentgraph.node': redactor.text(x.node),
        'agentgraph.attempt': attempt,
        'agentgraph.model': redactor.text(model.name),
        'gen_ai.request.model': redactor.text(model.modelId),
        'agentgraph.fallback': mi > 0,
      };
      if (lastError !== undefined) attrs['agentgraph.retry_reason'] = redactor.text(reasonOf(lastError));
      const span = ctx.tracer.open('attempt', attemptName(model, attempt), x.span, attrs);
      try {
        const output = await runAttempt(x, model, attempt, span);
        span.end();
        x.span.attrs()['agentgraph.attempts'] = attempt;
        return output;
      } catch (err) {
        if (isStop(err) || x.signal.aborted) {
          const e = x.signal.aborted ? abortReason(x.signal) : err;
          span.end('cancelled', messageOf(e));
          throw e;
        }
        lastError = err;
        span.set('agentgraph.error_reason', reasonOf(err)).end('error', messageOf(err));
        // Errors a retry cannot fix (a 400, bad credentials) go straight to the next model.
        if (!isRetryable(err)) break;
        if (r < agent.retry.max) {
          const random = randomFor(ctx.seed, `${x.label}#${attempt}`);
          const delay = backoffDelay(agent.retry, r + 1, random, retryAfterOf(err));
          ctx.tracer.emit({ type: 'node_status', node: x.node, status: 'retrying', attempt: attempt + 1, costUsd: x.budget.totals.costUsd, error: messageOf(err) });
          span.set('agentgraph.retry_delay_ms', delay);
          await sleep(ctx.clock, delay, x.signal);
        }
      }
    }
  }
  throw lastError instanceof Error ? lastError : new RuntimeError('internal', `agent '${agent.name}' failed: ${String(lastError)}`);
}

function systemAndPrompt(x: AgentExecution, model: ModelIR): ChatMessage[] {
  const msgs: ChatMessage[] = [];
  if (x.agent.system) msgs.push({ role: 'system', content: renderTemplate(x.agent.system.template, x.args) });
  let prompt = x.promptOverride ?? renderTemplate(x.agent.prompt.template, x.args);
  // Models without native structured output get the schema in the prompt instead.
  if (!model.profile.supportsJsonSchema) prompt += `\n\nReply with only a JSON value that matches this JSON Schema:\n${JSON.stringify(x.agent.output)}`;
  msgs.push({ role: 'user', content: prompt });
  return msgs;
}

async function runAttempt(x: AgentExecution, model: ModelIR, attempt: number, span: Span): Promise<unknown> {
  const { ctx, agent } = x;
  const messages = systemAndPrompt(x, model);
  const prompt = messages[messages.length - 1]!.content;
  span.set('agentgraph.prompt', prompt);
  const tools: ToolIR[] = agent.tools.length === 0 ? [] : agent.tools.map((t) => ctx.ir.tool(t));
  const turns = tools.length ? agent.maxTurns : 1;
  const startedAt = ctx.clock.now();
  const attemptDeadline = agent.timeoutMs !== undefined ? startedAt + agent.timeoutMs : undefined;
  const deadline = minDefined(attemptDeadline, x.deadline);
  const signal = x.signal;
  let call = 0;
  for (let turn = 1; turn <= turns; turn++) {
    if (ctx.debug?.beforeCall) await debugModelCall(x, model, attempt, call + 1, messages);
    const c = startCall(x, model, messages, tools, attempt, ++call, span, deadline);
    let r: CallResult;
    if (c.cached) r = { response: c.cached };
    else {
      let response: ModelResponse;
      try {
        response = await askProvider(c);
      } catch (err) {
        throw callFailed(c, err);
      }
      r = callDone(c, response);
    }
    if (r.response.toolCalls.length > 0 && tools.length > 0) {
      if (turn === turns) throw new RuntimeError('max_turns', `'${x.label}' still called tools after ${turns} turns (max_turns)`, true);
      storeResponse(x, r);
      messages.push({ role: 'assistant', content: r.response.content, toolCalls: r.response.toolCalls });
      for (const tc of r.response.toolCalls) {
        const tool = tools.find((t) => t.name === tc.name);
        let content: string;
        if (!tool) content = JSON.stringify({ error: `unknown tool '${tc.name}'; available: ${tools.map((t) => t.name).join(', ')}` });
        else {
          const toolArgs = ctx.debug?.beforeCall ? await debugToolCall(x, tool, tc.arguments) : tc.arguments;
          const out = await ctx.tools.call(ctx, tool, toolArgs, { node: x.node, parent: span, budget: x.budget, signal, callId: tc.id });
          content = JSON.stringify(out.ok ? out.result : { error: out.error });
        }
        messages.push({ role: 'tool', toolCallId: tc.id, content });
      }
      if (deadline !== undefined && ctx.clock.now() >= deadline) throw timedOut(x, attempt);
      continue;
    }
    let parsed = parseAnswer(r.response.content, agent.output);
    if (parsed.ok) {
      storeResponse(x, r);
      if (parsed.value !== undefined) span.attrs()['agentgraph.output'] = ctx.tracer.valueAttr(parsed.value);
      return parsed.value;
    }
    // One repair request: show the model its answer and exactly what is wrong with it.
    span.set('agentgraph.invalid_output', parsed.issues.join('; '));
    messages.push({ role: 'assistant', content: r.response.content });
    messages.push({ role: 'user', content: repairMessage(parsed.issues) });
    if (ctx.debug?.beforeCall) await debugModelCall(x, model, attempt, call + 1, messages);
    const repair = await callModel(startCall(x, model, messages, [], attempt, call + 1, span, deadline, true));
    parsed = parseAnswer(repair.response.content, agent.output);
    if (parsed.ok) {
      storeResponse(x, repair);
      span.set('agentgraph.repaired', true).set('agentgraph.output', parsed.value);
      return parsed.value;
    }
    throw new RuntimeError('invalid_output', `'${x.label}' answered with invalid output twice (after one repair request): ${parsed.issues.join('; ')}`, true);
  }
  throw new RuntimeError('max_turns', `'${x.label}' used all ${turns} turns without answering`, true);
}

/** Lets a debugger stop before a model call and edit its messages (only called when it listens). */
async function debugModelCall(x: AgentExecution, model: ModelIR, attempt: number, call: number, messages: ChatMessage[]): Promise<void> {
  await x.ctx.debug!.beforeCall!({ kind: 'model', node: x.node, label: x.label, model: model.name, attempt, call, messages });
  if (x.signal.aborted) throw abortReason(x.signal);
}

/** Lets a debugger stop before a tool call and edit its arguments; resolves with the arguments to use. */
async function debugToolCall(x: AgentExecution, tool: ToolIR, raw: unknown): Promise<unknown> {
  // Models send arguments as JSON text; the debugger shows (and edits) the value.
  let args = raw;
  if (typeof raw === 'string') {
    try {
      args = JSON.parse(raw) as unknown;
    } catch {
      // Invalid JSON stays text: the tool runner reports it as the model's mistake.
    }
  }
  const stop = { kind: 'tool' as const, node: x.node, label: x.label, tool: tool.name, args };
  await x.ctx.debug!.beforeCall!(stop);
  if (x.signal.aborted) throw abortReason(x.signal);
  return stop.args;
}

export function repairMessage(issues: string[]): string {
  return `Your reply did not match the required JSON Schema:\n${issues.map((i) => `- ${i}`).join('\n')}\nReply again with only the corrected JSON value.`;
}

/** Parses a final answer: JSON (code fences tolerated), or the raw text when a string is expected. */
export function parseAnswer(content: string, schema: Record<string, unknown>): Checked {
  const trimmed = content.trim();
  // Code fences are rare: the regular expression runs only on text that starts with one.
  const text = trimmed.startsWith('```') ? trimmed.replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/, '$1') : trimmed;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (schema.type === 'string') return check(schema, content);
    return { ok: false, issues: [`(root): the reply is not valid JSON (${messageOf(err)})`] };
  }
  return check(schema, value);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Whichever deadline passed decides: the graph's ends the run, the attempt's may be retried. */
function timedOut(x: AgentExecution, attempt: number): Error {
  return x.deadline !== undefined && x.ctx.clock.now() >= x.deadline
    ? new GraphTimeoutError(`the graph's timeout passed while '${x.label}' was running`)
    : new RuntimeError('timeout', `attempt ${attempt} of '${x.label}' timed out after ${x.agent.timeoutMs} ms`, true);
}

interface CallResult {
  response: ModelResponse;
  /** The cache key to store the response under (see storeResponse), when it may be cached. */
  key?: string;
}

/** Stores a response in the cache; called only once the answer proved usable. */
function storeResponse(x: AgentExecution, r: CallResult): void {
  if (r.key && r.response.finishReason !== 'error') x.ctx.cache!.set(r.key, r.response, x.agent.cacheTtlMs!);
}

/** Span names per model, made once (`chat <model id>`, `attempt <n> <model>`). */
const names = new WeakMap<ModelIR, { chat: string; attempts: string[] }>();
function spanNames(model: ModelIR): { chat: string; attempts: string[] } {
  let n = names.get(model);
  if (!n) names.set(model, (n = { chat: `chat ${model.modelId}`, attempts: [] }));
  return n;
}
function attemptName(model: ModelIR, attempt: number): string {
  const list = spanNames(model).attempts;
  return (list[attempt] ??= `attempt ${attempt} ${model.name}`);
}

/** JSON lengths of what is the same for every call of an agent (for estimates), by agent or schema. */
const jsonLengths = new WeakMap<object, number>();
function jsonLength(key: object, make: () => unknown): number {
  let n = jsonLengths.get(key);
  if (n === undefined) jsonLengths.set(key, (n = JSON.stringify(make())?.length ?? 0));
  return n;
}

const responseNames = new WeakMap<AgentIR, string>();
function responseNameOf(agent: AgentIR): string {
  let name = responseNames.get(agent);
  if (name === undefined) responseNames.set(agent, (name = agent.name.replace(/[^A-Za-z0-9_-]/g, '_')));
  return name;
}

const SCOPE = Symbol('scope');

/** The getter of ModelRequest.signal, shared by every request (see providerRequest). */
function signalOfRequest(this: { [SCOPE]: StopScope }): AbortSignal {
  return this[SCOPE].signal;
}
const SIGNAL_PROPERTY: PropertyDescriptor = { get: signalOfRequest, enumerable: true, configurable: true };

/**
 * The request as the provider gets it: `signal` is an own, enumerable property (spreading or
 * copying the request copies it) whose AbortSignal is made only when a provider reads it. The
 * getter is one shared function reading the scope from a hidden field: a getter closure per
 * request (`get signal() {…}` in a literal) would be kept in V8's hidden classes, which live in
 * the old generation, and would keep each run's whole object graph alive past young collections.
 */
function providerRequest(req: ModelRequest, scope: StopScope, tracer: Tracer, spanId: string, node: string): ModelRequest {
  const r: ModelRequest = {
    model: req.model,
    messages: req.messages,
    tools: req.tools,
    responseSchema: req.responseSchema,
    responseName: req.responseName,
    temperature: req.temperature,
    maxTokens: req.maxTokens,
    agent: req.agent,
    attempt: req.attempt,
    call: req.call,
  };
  Object.defineProperty(r, SCOPE, { value: scope, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(r, 'signal', SIGNAL_PROPERTY);
  // Assigned, not declared: under tsx (keepNames) a named closure costs a defineProperty.
  r.onToken = (delta: string) => tracer.emit({ type: 'token', spanId, node, delta });
  return r;
}

/**
 * A model call between its start and its answer: the span, the budget reservation and what the
 * provider is asked. Calls are split into synchronous steps around one `await` in runAttempt
 * (an async function per call would cost a frame and a promise hop each).
 */
interface PendingCall {
  x: AgentExecution;
  model: ModelIR;
  attempt: number;
  span: Span;
  req: ModelRequest;
  key?: string;
  /** A cached answer (the span is already finished). */
  cached?: ModelResponse;
  reservation?: Reservation;
  deadline: number | undefined;
}

/** Opens the model_call span and reserves the call's worst case (or finds a cached answer). */
function startCall(
  x: AgentExecution,
  model: ModelIR,
  messages: ChatMessage[],
  tools: ToolIR[],
  attempt: number,
  call: number,
  parent: Span,
  deadline: number | undefined,
  repair = false,
): PendingCall {
  const { ctx, agent } = x;
  const redactor = ctx.tracer.redactor;
  const maxTokens = agent.maxTokens ?? model.params.maxTokens ?? model.profile.maxOutputTokens;
  const temperature = agent.temperature ?? model.params.temperature;
  const req: ModelRequest = {
    model,
    messages: messages.map((m) => ({ ...m })),
    tools,
    responseSchema: agent.output,
    responseName: responseNameOf(agent),
    temperature,
    maxTokens,
    agent: agent.name,
    attempt,
    call,
  };
  // The messages' JSON serves the span attribute and the cost estimate alike.
  const messagesJson = JSON.stringify(req.messages);
  const provider = redactor.text(model.provider);
  const inputMessages = redactor.jsonOf(req.messages, messagesJson);
  let attrs: Attributes;
  if (temperature !== undefined && maxTokens !== undefined) {
    // The common case as one literal (one allocation, every key in the object itself).
    attrs = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.system': provider,
      'gen_ai.request.model': redactor.text(model.modelId),
      'gen_ai.request.temperature': temperature,
      'gen_ai.request.max_tokens': maxTokens,
      'gen_ai.agent.name': redactor.text(agent.name),
      'gen_ai.input.messages': inputMessages,
      'gen_ai.output.type': 'json',
      'agentgraph.node': redactor.text(x.node),
      'agentgraph.model': redactor.text(model.name),
      'agentgraph.attempt': attempt,
      'agentgraph.call': call,
      'agentgraph.repair': repair,
    };
  } else {
    attrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.system': provider, 'gen_ai.request.model': redactor.text(model.modelId) };
    if (temperature !== undefined) attrs['gen_ai.request.temperature'] = temperature;
    if (maxTokens !== undefined) attrs['gen_ai.request.max_tokens'] = maxTokens;
    attrs['gen_ai.agent.name'] = redactor.text(agent.name);
    attrs['gen_ai.input.messages'] = inputMessages;
    attrs['gen_ai.output.type'] = 'json';
    attrs['agentgraph.node'] = redactor.text(x.node);
    attrs['agentgraph.model'] = redactor.text(model.name);
    attrs['agentgraph.attempt'] = attempt;
    attrs['agentgraph.call'] = call;
    attrs['agentgraph.repair'] = repair;
  }
  const span = ctx.tracer.open('model_call', spanNames(model).chat, parent, attrs);
  const useCache = agent.cacheTtlMs !== undefined && ctx.cache !== undefined && !ctx.noCache;
  const key = useCache ? cacheKey(req) : undefined;
  const cached = key ? ctx.cache!.get(key) : undefined;
  if (cached) {
    finishSpan(span, model, cached, 0, true);
    return { x, model, attempt, span, req, cached, deadline };
  }
  // With tools, they are always the agent's own (a repair request offers none).
  const toolsChars = tools.length === 0 ? 2 : jsonLength(agent, () => tools.map((t) => t.input));
  const chars = messagesJson.length + toolsChars + jsonLength(agent.output, () => agent.output);
  const reservation = x.budget.reserve(estimateCall(model, chars, maxTokens));
  return { x, model, attempt, span, req, key, reservation, deadline };
}

/** Asks the provider, under the deadline and the node's scope. */
function askProvider(c: PendingCall): Promise<ModelResponse> {
  const { x, deadline } = c;
  const ctx = x.ctx;
  const remaining = deadline === undefined ? undefined : Math.max(0, deadline - ctx.clock.now());
  return withClockTimeout(ctx.clock, remaining, x.signal, remaining === undefined ? '' : `model call to ${c.model.modelId}`, (s) =>
    ctx.provider.complete(providerRequest(c.req, s, ctx.tracer, c.span.id, x.label)),
  );
}

/** The call failed: releases the reservation, ends the span and returns the error to throw. */
function callFailed(c: PendingCall, err: unknown): Error {
  const { x, deadline } = c;
  x.budget.settle(c.reservation!);
  let e = err;
  if (x.signal.aborted) e = abortReason(x.signal);
  else if (err instanceof DeadlineExceeded || (isAbortError(err) && deadline !== undefined && x.ctx.clock.now() >= deadline)) e = timedOut(x, c.attempt);
  else if (!(err instanceof ProviderError) && !(err instanceof RuntimeError) && !isStop(err)) e = new RuntimeError('provider', `model call failed: ${messageOf(err)}`, true);
  c.span.setAll({ 'error.type': reasonOf(e), 'agentgraph.retry_after_ms': retryAfterOf(e) }).end(isStop(e) ? 'cancelled' : 'error', messageOf(e));
  return e as Error;
}

/** The call answered: books its usage, finishes the span, reports the budget. */
function callDone(c: PendingCall, response: ModelResponse): CallResult {
  const { x, model } = c;
  const cost = costOf(model, response.usage.inputTokens, response.usage.outputTokens);
  x.budget.settle(c.reservation!, { costUsd: cost, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens });
  finishSpan(c.span, model, response, cost, false);
  const now = x.ctx.clock.now();
  x.ctx.tracer.budget(x.budget.snapshot(now), x.budget.limits, now);
  return { response, key: c.key };
}

/** A model call from start to answer (see PendingCall). */
async function callModel(c: PendingCall): Promise<CallResult> {
  if (c.cached) return { response: c.cached };
  let response: ModelResponse;
  try {
    response = await askProvider(c);
  } catch (err) {
    throw callFailed(c, err);
  }
  return callDone(c, response);
}

function finishSpan(span: Span, model: ModelIR, r: ModelResponse, cost: number, cacheHit: boolean): void {
  // Named stores on the span's own attributes (the same keys, in the same order, as always).
  const redactor = span.redactor;
  const a = span.attrs();
  if (r.modelId !== undefined) a['gen_ai.response.model'] = attr(r.modelId, redactor);
  a['gen_ai.response.finish_reasons'] = attr([r.finishReason], redactor);
  const inputTokens = cacheHit ? 0 : r.usage.inputTokens;
  const outputTokens = cacheHit ? 0 : r.usage.outputTokens;
  if (inputTokens !== undefined) a['gen_ai.usage.input_tokens'] = attr(inputTokens, redactor);
  if (outputTokens !== undefined) a['gen_ai.usage.output_tokens'] = attr(outputTokens, redactor);
  a['gen_ai.output.messages'] = attr([{ role: 'assistant', content: r.content, toolCalls: r.toolCalls.length ? r.toolCalls : undefined }], redactor);
  a['agentgraph.cost_usd'] = cost;
  a['agentgraph.cache_hit'] = cacheHit;
  const latency = cacheHit ? 0 : r.latencyMs;
  if (latency !== undefined) a['agentgraph.provider_latency_ms'] = attr(latency, redactor);
  a['agentgraph.model'] = attr(model.name, redactor);
  span.end();
}
