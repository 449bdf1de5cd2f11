// A content-addressed cache of model responses. The key is the sha256 of everything that decides
// the answer: provider, model id, sampling parameters, messages, tools and the response schema.
// Entries live `cache:` long (the agent's cacheTtlMs). Only answers that were used are stored:
// errors never, and a final answer only after it validated, so a retry after an invalid answer
// asks the model again instead of replaying the same mistake from the cache.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelRequest, ModelResponse } from './provider.ts';
import { canonicalJson, sha256 } from './random.ts';

export interface ResponseCache {
  get(key: string): ModelResponse | undefined;
  set(key: string, response: ModelResponse, ttlMs: number): void;
}

interface Entry {
  expiresAt: number;
  response: ModelResponse;
}

export function cacheKey(req: ModelRequest): string {
  return sha256(
    canonicalJson({
      provider: req.model.provider,
      modelId: req.model.modelId,
      baseUrl: req.model.baseUrl,
      temperature: req.temperature,
      maxTokens: req.maxTokens,
      messages: req.messages,
      tools: req.tools.map((t) => ({ name: t.name, description: t.description, input: t.input })),
      schema: req.responseSchema,
    }),
  );
}

/** `<dir>/<aa>/<key>.json`; expiry uses the wall clock because entries outlive runs. */
export class FileResponseCache implements ResponseCache {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): ModelResponse | undefined {
    try {
      const e = JSON.parse(readFileSync(this.file(key), 'utf8')) as Entry;
      return e.expiresAt > this.now() ? e.response : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, response: ModelResponse, ttlMs: number): void {
    const file = this.file(key);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ expiresAt: this.now() + ttlMs, response } satisfies Entry));
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs money, never correctness.
    }
  }
}

export class MemoryResponseCache implements ResponseCache {
  readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): ModelResponse | undefined {
    const e = this.entries.get(key);
    return e && e.expiresAt > this.now() ? e.response : undefined;
  }

  set(key: string, response: ModelResponse, ttlMs: number): void {
    this.entries.set(key, { expiresAt: this.now() + ttlMs, response });
  }
}
