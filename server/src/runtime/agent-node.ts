// One execution of an agent node. The prompt is rendered from the node's arguments and sent with
// the agent's tools and output schema. Tool calls are executed and their results sent back, up to
// `max_turns` model calls per attempt. The final answer is parsed as JSON and validated; an
// invalid answer gets exactly one repair request that quotes the validation errors, and if that
// fails too the attempt fails. Attempts are retried (retryable errors and invalid output only) with
// backoff, then the fallback models are tried in order, each with the same retry policy.

import type { AgentIR, ModelIR, ToolIR } from '../ir/schema.ts';
import type { BudgetScope } from './budget.ts';
import { costOf, estimateCall } from './budget.ts';
import { cacheKey } from './cache.ts';
import type { RunContext } from './context.ts';
import { GraphTimeoutError, RuntimeError, isAbortError, isRetryable, isStop, messageOf, reasonOf, retryAfterOf } from './errors.ts';
import { renderTemplate } from './evaluate.ts';
import type { ChatMessage, ModelRequest, ModelResponse } from './provider.ts';
import { ProviderError } from './provider.ts';
import { DeadlineExceeded, abortReason, backoffDelay, sleep, withClockTimeout, type StopScope } from './policies.ts';
import { randomFor } from './random.ts';
import { check, type Checked } from './schemas.ts';
import { attr, type Attributes, type Span } from './trace.ts';

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
}

export interface AgentResult {
  output: unknown;
  attempts: number;
}

export async function runAgent(x: AgentExecution): Promise<AgentResult> {
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
      const span = ctx.tracer.open('attempt', `attempt ${attempt} ${model.name}`, x.span, attrs);
      try {
        const output = await runAttempt(x, model, attempt, span);
        span.end();
        return { output, attempts: attempt };
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
  let prompt = renderTemplate(x.agent.prompt.template, x.args);
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
  // Whichever deadline passed decides: the graph's ends the run, the attempt's may be retried.
  const timedOut = (): Error =>
    x.deadline !== undefined && ctx.clock.now() >= x.deadline
      ? new GraphTimeoutError(`the graph's timeout passed while '${x.label}' was running`)
      : new RuntimeError('timeout', `attempt ${attempt} of '${x.label}' timed out after ${agent.timeoutMs} ms`, true);
  for (let turn = 1; turn <= turns; turn++) {
    const r = await callModel(x, model, messages, tools, attempt, ++call, span, signal, deadline, timedOut);
    if (r.response.toolCalls.length > 0 && tools.length > 0) {
      if (turn === turns) throw new RuntimeError('max_turns', `'${x.label}' still called tools after ${turns} turns (max_turns)`, true);
      r.store();
      messages.push({ role: 'assistant', content: r.response.content, toolCalls: r.response.toolCalls });
      for (const tc of r.response.toolCalls) {
        const tool = tools.find((t) => t.name === tc.name);
        let content: string;
        if (!tool) content = JSON.stringify({ error: `unknown tool '${tc.name}'; available: ${tools.map((t) => t.name).join(', ')}` });
        else {
          const out = await ctx.tools.call(ctx, tool, tc.arguments, { node: x.node, parent: span, budget: x.budget, signal, callId: tc.id });
          content = JSON.stringify(out.ok ? out.result : { error: out.error });
        }
        messages.push({ role: 'tool', toolCallId: tc.id, content });
      }
      if (deadline !== undefined && ctx.clock.now() >= deadline) throw timedOut();
      continue;
    }
    let parsed = parseAnswer(r.response.content, agent.output);
    if (parsed.ok) {
      r.store();
      if (parsed.value !== undefined) span.attrs()['agentgraph.output'] = ctx.tracer.valueAttr(parsed.value);
      return parsed.value;
    }
    // One repair request: show the model its answer and exactly what is wrong with it.
    span.set('agentgraph.invalid_output', parsed.issues.join('; '));
    messages.push({ role: 'assistant', content: r.response.content });
    messages.push({ role: 'user', content: repairMessage(parsed.issues) });
    const repair = await callModel(x, model, messages, [], attempt, call + 1, span, signal, deadline, timedOut, true);
    parsed = parseAnswer(repair.response.content, agent.output);
    if (parsed.ok) {
      repair.store();
      span.set('agentgraph.repaired', true).set('agentgraph.output', parsed.value);
      return parsed.value;
    }
    throw new RuntimeError('invalid_output', `'${x.label}' answered with invalid output twice (after one repair request): ${parsed.issues.join('; ')}`, true);
  }
  throw new RuntimeError('max_turns', `'${x.label}' used all ${turns} turns without answering`, true);
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

interface CallResult {
  response: ModelResponse;
  /** Stores the response in the cache; called only once the answer proved usable. */
  store: () => void;
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

async function callModel(
  x: AgentExecution,
  model: ModelIR,
  messages: ChatMessage[],
  tools: ToolIR[],
  attempt: number,
  call: number,
  parent: Span,
  signal: StopScope,
  deadline: number | undefined,
  timedOut: () => Error,
  repair = false,
): Promise<CallResult> {
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
  const attrs: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': redactor.text(model.provider),
    'gen_ai.system': redactor.text(model.provider),
    'gen_ai.request.model': redactor.text(model.modelId),
  };
  if (temperature !== undefined) attrs['gen_ai.request.temperature'] = temperature;
  if (maxTokens !== undefined) attrs['gen_ai.request.max_tokens'] = maxTokens;
  attrs['gen_ai.agent.name'] = redactor.text(agent.name);
  attrs['gen_ai.input.messages'] = redactor.jsonOf(req.messages, messagesJson);
  attrs['gen_ai.output.type'] = 'json';
  attrs['agentgraph.node'] = redactor.text(x.node);
  attrs['agentgraph.model'] = redactor.text(model.name);
  attrs['agentgraph.attempt'] = attempt;
  attrs['agentgraph.call'] = call;
  attrs['agentgraph.repair'] = repair;
  const span = ctx.tracer.open('model_call', `chat ${model.modelId}`, parent, attrs);
  const useCache = agent.cacheTtlMs !== undefined && ctx.cache !== undefined && !ctx.noCache;
  const key = useCache ? cacheKey(req) : undefined;
  const cached = key ? ctx.cache!.get(key) : undefined;
  if (cached) {
    finishSpan(span, model, cached, 0, true);
    return { response: cached, store: () => undefined };
  }
  // With tools, they are always the agent's own (a repair request offers none).
  const toolsChars = tools.length === 0 ? 2 : jsonLength(agent, () => tools.map((t) => t.input));
  const chars = messagesJson.length + toolsChars + jsonLength(agent.output, () => agent.output);
  const reservation = x.budget.reserve(estimateCall(model, chars, maxTokens));
  const remaining = deadline === undefined ? undefined : Math.max(0, deadline - ctx.clock.now());
  const onToken = (delta: string) => ctx.tracer.emit({ type: 'token', spanId: span.id, node: x.label, delta });
  let response: ModelResponse;
  try {
    response = await withClockTimeout(ctx.clock, remaining, signal, `model call to ${model.modelId}`, (s) =>
      ctx.provider.complete({
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
        // An AbortSignal is made only for a provider that looks at it.
        get signal() {
          return s.signal;
        },
        onToken,
      }),
    );
  } catch (err) {
    x.budget.settle(reservation);
    let e = err;
    if (x.signal.aborted) e = abortReason(x.signal);
    else if (err instanceof DeadlineExceeded || (isAbortError(err) && deadline !== undefined && ctx.clock.now() >= deadline)) e = timedOut();
    else if (!(err instanceof ProviderError) && !(err instanceof RuntimeError) && !isStop(err)) e = new RuntimeError('provider', `model call failed: ${messageOf(err)}`, true);
    span.setAll({ 'error.type': reasonOf(e), 'agentgraph.retry_after_ms': retryAfterOf(e) }).end(isStop(e) ? 'cancelled' : 'error', messageOf(e));
    throw e;
  }
  const cost = costOf(model, response.usage.inputTokens, response.usage.outputTokens);
  x.budget.settle(reservation, { costUsd: cost, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens });
  finishSpan(span, model, response, cost, false);
  ctx.tracer.emit({ type: 'budget', totals: x.budget.snapshot(), limits: x.budget.limits });
  return {
    response,
    store: () => {
      if (key && response.finishReason !== 'error') ctx.cache!.set(key, response, agent.cacheTtlMs!);
    },
  };
}

function finishSpan(span: Span, model: ModelIR, r: ModelResponse, cost: number, cacheHit: boolean): void {
  // Named stores on the span's own attributes (the same keys, in the same order, as always).
  const redactor = span.redactor;
  const a = span.attrs();
  const v = (value: unknown) => attr(value, redactor);
  if (r.modelId !== undefined) a['gen_ai.response.model'] = v(r.modelId);
  a['gen_ai.response.finish_reasons'] = v([r.finishReason]);
  const inputTokens = cacheHit ? 0 : r.usage.inputTokens;
  const outputTokens = cacheHit ? 0 : r.usage.outputTokens;
  if (inputTokens !== undefined) a['gen_ai.usage.input_tokens'] = v(inputTokens);
  if (outputTokens !== undefined) a['gen_ai.usage.output_tokens'] = v(outputTokens);
  a['gen_ai.output.messages'] = v([{ role: 'assistant', content: r.content, toolCalls: r.toolCalls.length ? r.toolCalls : undefined }]);
  a['agentgraph.cost_usd'] = cost;
  a['agentgraph.cache_hit'] = cacheHit;
  const latency = cacheHit ? 0 : r.latencyMs;
  if (latency !== undefined) a['agentgraph.provider_latency_ms'] = v(latency);
  a['agentgraph.model'] = v(model.name);
  span.end();
}
