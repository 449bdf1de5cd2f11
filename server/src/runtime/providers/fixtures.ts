// Scripted responses for the simulated provider, per agent, from a JSON file:
//
//   { "agents": { "classify": [ { "content": { "category": "billing", … } },
//                               { "error": { "kind": "rate_limit", "retryAfterMs": 200 }, "attempt": 1 } ],
//                 "billing":  [ { "toolCalls": [ { "name": "lookup_invoice", "arguments": { "id": "I-1" } } ] },
//                               { "content": "plain text or deliberately broken JSON" } ] } }
//
// Entries with `attempt`, `call` or `model` are matched against each request first. The others are
// consumed in order per agent, and the last one repeats. An entry with neither content, tool calls
// nor error only overrides usage/latency; the simulated provider generates the answer.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelRequest, ProviderErrorKind } from '../provider.ts';

const ErrorKind = z.enum(['rate_limit', 'server', 'timeout', 'bad_request', 'auth', 'network', 'aborted']);

export const FixtureResponseSchema = z.object({
  /** An object (sent as JSON text) or a string (sent as is, e.g. malformed JSON). */
  content: z.unknown().optional(),
  toolCalls: z.array(z.object({ name: z.string(), arguments: z.unknown().optional(), id: z.string().optional() })).optional(),
  error: z.object({ kind: ErrorKind, retryAfterMs: z.number().optional(), status: z.number().optional(), message: z.string().optional() }).optional(),
  attempt: z.number().int().positive().optional(),
  call: z.number().int().nonnegative().optional(),
  /** Model name (IR) or model id this entry answers for. */
  model: z.string().optional(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).optional(),
  latencyMs: z.number().nonnegative().optional(),
  finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter', 'error']).optional(),
});

export const FixtureFileSchema = z.object({ agents: z.record(z.string(), z.array(FixtureResponseSchema)) });

export type FixtureResponse = z.infer<typeof FixtureResponseSchema> & { error?: { kind: ProviderErrorKind } };
export type FixtureFile = z.infer<typeof FixtureFileSchema>;

/** Validates a fixtures value; throws a readable error naming the bad field. */
export function parseFixtures(value: unknown): FixtureFile {
  const r = FixtureFileSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`invalid fixtures: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : r.error.message}`);
  }
  return r.data;
}

export function loadFixtures(file: string): FixtureFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read fixtures ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseFixtures(JSON.parse(text));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Hands out fixture entries per agent; one instance per run (it remembers what was consumed). */
export class FixtureScript {
  private readonly used = new Map<string, number>();

  constructor(readonly file: FixtureFile) {}

  next(req: ModelRequest): FixtureResponse | undefined {
    const entries = this.file.agents[req.agent];
    if (!entries || entries.length === 0) return undefined;
    const matchers = entries.filter((e) => e.attempt !== undefined || e.call !== undefined || e.model !== undefined);
    const matched = matchers.find(
      (e) =>
        (e.attempt === undefined || e.attempt === req.attempt) &&
        (e.call === undefined || e.call === req.call) &&
        (e.model === undefined || e.model === req.model.name || e.model === req.model.modelId),
    );
    if (matched) return matched;
    const sequence = entries.filter((e) => !matchers.includes(e));
    if (sequence.length === 0) return undefined;
    const i = this.used.get(req.agent) ?? 0;
    this.used.set(req.agent, i + 1);
    return sequence[Math.min(i, sequence.length - 1)];
  }
}
