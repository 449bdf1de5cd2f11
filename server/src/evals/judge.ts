// LLM-as-judge assertions: `judge(text, "rubric", min_score)` asks the eval's `judge:` model, through
// the same Provider interface the runtime uses, to grade a value against a rubric with a structured
// answer { score 0..1, reasoning }. The assertion passes when the score reaches min_score (0.7 when
// omitted). Fixtures script the judge under the agent name `judge`, so a test can force a verdict.

import type { ModelIR } from '../ir/schema.ts';
import { costOf } from '../runtime/budget.ts';
import type { Provider } from '../runtime/provider.ts';

export const DEFAULT_MIN_SCORE = 0.7;
/** The agent name judge requests carry (what fixtures are keyed by). */
export const JUDGE_AGENT = 'judge';

export const VERDICT_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    score: { type: 'number', minimum: 0, maximum: 1, description: 'How well the answer meets the rubric, from 0 (not at all) to 1 (fully).' },
    reasoning: { type: 'string', description: 'One or two sentences: why this score.' },
  },
  required: ['score', 'reasoning'],
  additionalProperties: false,
};

export interface JudgeVerdict {
  /** The judge model's name in the spec. */
  model: string;
  rubric: string;
  minScore: number;
  /** 0..1, or undefined when the judge's answer was unusable (then the assertion fails). */
  score?: number;
  reasoning: string;
  passed: boolean;
  costUsd: number;
  latencyMs: number;
  /** The judge was not asked: the assertion holds (or fails) whatever it would say. */
  skipped?: boolean;
}

const SYSTEM = [
  'You are a strict evaluator. Grade the answer below against the rubric only.',
  'Reply with JSON: {"score": number from 0 to 1, "reasoning": "one or two sentences"}.',
  'Score 1 when the answer fully meets the rubric, 0 when it does not at all.',
].join(' ');

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v, null, 2) ?? 'null';
  } catch {
    return String(v);
  }
}

/** Asks the judge once; a provider error or an unusable answer is a failing verdict that says why. */
export async function runJudge(o: { provider: Provider; model: ModelIR; value: unknown; rubric: string; minScore: number; signal?: AbortSignal }): Promise<JudgeVerdict> {
  const base = { model: o.model.name, rubric: o.rubric, minScore: o.minScore };
  let response;
  try {
    response = await o.provider.complete({
      model: o.model,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: `Rubric:\n${o.rubric}\n\nAnswer to grade:\n${asText(o.value)}` },
      ],
      tools: [],
      responseSchema: VERDICT_SCHEMA,
      responseName: 'verdict',
      temperature: 0,
      maxTokens: 300,
      agent: JUDGE_AGENT,
      attempt: 1,
      call: 0,
      signal: o.signal,
    });
  } catch (err) {
    return { ...base, reasoning: `the judge could not answer: ${err instanceof Error ? err.message : String(err)}`, passed: false, costUsd: 0, latencyMs: 0 };
  }
  const costUsd = costOf(o.model, response.usage.inputTokens, response.usage.outputTokens);
  const latencyMs = response.latencyMs;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.content);
  } catch {
    return { ...base, reasoning: `the judge's answer is not JSON: ${response.content.slice(0, 200)}`, passed: false, costUsd, latencyMs };
  }
  const p = parsed as { score?: unknown; reasoning?: unknown };
  if (typeof p?.score !== 'number' || !Number.isFinite(p.score) || p.score < 0 || p.score > 1) {
    return { ...base, reasoning: `the judge's answer has no score from 0 to 1: ${response.content.slice(0, 200)}`, passed: false, costUsd, latencyMs };
  }
  const reasoning = typeof p.reasoning === 'string' ? p.reasoning : '';
  return { ...base, score: p.score, reasoning, passed: p.score >= o.minScore, costUsd, latencyMs };
}
