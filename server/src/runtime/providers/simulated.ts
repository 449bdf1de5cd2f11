// The simulated provider: the default, so every spec runs with no key and no network. It answers
// deterministically for a seed (the PRNG is derived from seed + agent + model + attempt + call +
// messages), with answers valid for the response schema, plausible tool calls when tools are
// offered, token counts from text length and latency from the model's profile. Fixtures script
// answers per agent; a fault plan injects errors and bad output so policies can be exercised.
//
// Time: the provider sleeps for the latency it reports on the clock it is given (a VirtualClock in
// simulated runs, so runs finish instantly while traces show realistic timings). Without a clock
// it reports latency without waiting.

import { ProviderError, type ChatMessage, type Clock, type ModelRequest, type ModelResponse, type Provider, type ToolCall } from '../provider.ts';
import { FaultInjector, faultError, parseFaultSpec, type FaultPlan } from './faults.ts';
import { FixtureScript, loadFixtures, type FixtureFile, type FixtureResponse } from './fixtures.ts';
import { generateValue, hashString, invalidValue, plainText, rngFor, type Rng } from './simulated-values.ts';

export interface SimulatedOptions {
  seed?: number | string;
  /** The runtime's clock (share it with runGraph); absent: latency is reported, not waited for. */
  clock?: Clock;
  /** A fixtures value, or the path of a fixtures JSON file. */
  fixtures?: FixtureFile | string;
  /** A fault plan, or a `--faults` spec string (see faults.ts). */
  faults?: FaultPlan | string;
}

export class SimulatedProvider implements Provider {
  readonly name = 'simulated';
  private readonly seed: string;
  private readonly clock: Clock | undefined;
  private readonly fixtures: FixtureScript | undefined;
  private readonly faults: FaultInjector | undefined;
  /** How often each exact request was seen: identical repeated requests still differ, reproducibly. */
  private readonly seen = new Map<string, number>();

  constructor(options: SimulatedOptions = {}) {
    this.seed = String(options.seed ?? 0);
    this.clock = options.clock;
    const fx = typeof options.fixtures === 'string' ? loadFixtures(options.fixtures) : options.fixtures;
    this.fixtures = fx ? new FixtureScript(fx) : undefined;
    const plan = typeof options.faults === 'string' ? parseFaultSpec(options.faults) : options.faults;
    this.faults = plan ? new FaultInjector(plan) : undefined;
  }

  async complete(req: ModelRequest): Promise<ModelResponse> {
    if (req.signal?.aborted) throw aborted(req.signal);
    const key = [this.seed, req.agent, req.model.name, req.attempt, req.call, digest(req.messages)].join('|');
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    const rng = rngFor(key, occurrence);
    const profile = req.model.profile;
    const inputTokens = Math.max(1, Math.ceil(req.messages.reduce((n, m) => n + m.content.length + toolCallChars(m.toolCalls), 0) / 4));

    const fixture = this.fixtures?.next(req);
    if (fixture?.error) {
      await this.wait(fixture.latencyMs ?? profile.ttftMs, req.signal);
      const e = fixture.error;
      throw new ProviderError(e.kind, e.message ?? `scripted ${e.kind} for ${req.agent} (attempt ${req.attempt}, call ${req.call})`, e.status, e.retryAfterMs);
    }

    const fault = this.faults?.decide(req, rng);
    const error = fault && faultError(fault, req);
    if (fault && error) {
      // A timeout hangs first (the runtime's own timeout may abort it sooner); the others fail fast.
      await this.wait(fault.kind === 'timeout' ? fault.hangMs : profile.ttftMs, req.signal);
      throw error;
    }

    let { content, toolCalls } = answer(req, rng, fixture);
    if (fault?.kind === 'invalid_output' && req.responseSchema) {
      content = JSON.stringify(invalidValue(req.responseSchema, { rng, source: userText(req.messages) }));
      toolCalls = [];
    } else if (fault?.kind === 'malformed_json') {
      content = malformed(content);
      toolCalls = [];
    }

    const outChars = content.length + toolCallChars(toolCalls);
    const outputTokens = Math.max(1, Math.ceil(outChars / 4));
    const genMs = profile.tokensPerSecond > 0 ? (outputTokens / profile.tokensPerSecond) * 1000 : 0;
    const latencyMs = fixture?.latencyMs ?? Math.round(profile.ttftMs + genMs);
    const ttft = Math.min(profile.ttftMs, latencyMs);
    await this.wait(ttft, req.signal);
    if (req.onToken && content) for (const piece of content.match(/\s*\S+/g) ?? [content]) req.onToken(piece);
    await this.wait(latencyMs - ttft, req.signal);

    return {
      content,
      toolCalls,
      usage: fixture?.usage ?? { inputTokens, outputTokens },
      latencyMs,
      finishReason: fixture?.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      modelId: req.model.modelId,
    };
  }

  private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!this.clock || ms <= 0) {
      if (signal?.aborted) throw aborted(signal);
      return;
    }
    try {
      await this.clock.sleep(ms, signal);
    } catch (e) {
      if (signal?.aborted) throw aborted(signal);
      throw e;
    }
  }
}

/** The scripted or generated answer: tool calls on the first round when tools are offered. */
function answer(req: ModelRequest, rng: Rng, fixture: FixtureResponse | undefined): { content: string; toolCalls: ToolCall[] } {
  const ids = (i: number) => `call_${hashString(`${req.agent}|${req.attempt}|${req.call}|${i}`).toString(36)}`;
  if (fixture && (fixture.content !== undefined || fixture.toolCalls)) {
    const toolCalls = (fixture.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? ids(i),
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
    }));
    const content = fixture.content === undefined ? '' : typeof fixture.content === 'string' ? fixture.content : JSON.stringify(fixture.content);
    return { content, toolCalls };
  }
  const source = userText(req.messages);
  const toolRoundDone = req.messages.some((m) => m.role === 'tool');
  if (req.tools.length > 0 && !toolRoundDone) {
    // One tool, sometimes two different ones, with arguments valid for each tool's input schema.
    const first = Math.floor(rng() * req.tools.length);
    const chosen = [req.tools[first]!];
    if (req.tools.length > 1 && rng() < 0.3) chosen.push(req.tools[(first + 1 + Math.floor(rng() * (req.tools.length - 1))) % req.tools.length]!);
    const toolCalls = chosen.map((t, i) => ({ id: ids(i), name: t.name, arguments: JSON.stringify(generateValue(t.input, { rng, source })) }));
    return { content: '', toolCalls };
  }
  const content = req.responseSchema ? JSON.stringify(generateValue(req.responseSchema, { rng, source })) : plainText({ rng, source });
  return { content, toolCalls: [] };
}

/** Broken JSON the runtime must notice: a cut-off answer (or, when a cut happens to parse, junk after it). */
function malformed(json: string): string {
  const cut = json.slice(0, Math.max(1, Math.ceil(json.length * 0.6)));
  try {
    JSON.parse(cut);
    return `${json}}`;
  } catch {
    return cut;
  }
}

function userText(messages: ChatMessage[]): string {
  return messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}

function toolCallChars(calls: ToolCall[] | undefined): number {
  return calls ? calls.reduce((n, c) => n + c.name.length + c.arguments.length, 0) : 0;
}

function digest(messages: ChatMessage[]): string {
  let h = 0;
  for (const m of messages) h = hashString(`${m.role}\u0002${m.content}\u0002${m.toolCallId ?? ''}\u0002${m.toolCalls?.map((c) => c.name + c.arguments).join() ?? ''}`, h);
  return h.toString(36);
}

function aborted(signal: AbortSignal): ProviderError {
  const reason: unknown = signal.reason;
  if (reason instanceof ProviderError) return reason;
  return new ProviderError('aborted', reason instanceof Error && reason.message ? `aborted: ${reason.message}` : 'aborted');
}
