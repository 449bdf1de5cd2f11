// The human channel: how the runtime asks a person something (a `human` node's answer, an
// approval before a tool call, an escalation) and waits for the reply. Implementations: a JSON
// answers file (for scripted and CI runs), a prompt on the terminal, and a programmatic one for
// tests and embedding. Each channel enforces the human's `timeout` itself, on the wall clock,
// because people answer in real time even when the rest of a run is simulated.

import * as readline from 'node:readline';
import { readFileSync } from 'node:fs';

export interface HumanRequest {
  /** Why the person is asked. */
  kind: 'node' | 'approval' | 'escalation';
  /** The human declaration's name (also the node name for human nodes). */
  human: string;
  /** The node that needs the answer (for approvals: the node whose tool call waits). */
  node: string;
  /** The rendered question. */
  prompt: string;
  /** The arguments the human was called with. */
  input: Record<string, unknown>;
  /** JSON Schema of the expected answer. */
  outputSchema: Record<string, unknown>;
  /** For approvals: the tool and its arguments. */
  tool?: { name: string; args: unknown };
  timeoutMs?: number;
  signal: AbortSignal;
}

export interface HumanChannel {
  ask(req: HumanRequest): Promise<unknown>;
}

export class HumanTimeoutError extends Error {
  constructor(human: string, ms: number) {
    super(`${human} did not answer within ${ms} ms`);
    this.name = 'HumanTimeoutError';
  }
}

export class NoAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoAnswerError';
  }
}

/** Waits for `answer` at most `timeoutMs` (wall clock) and until `signal` aborts. */
export function withHumanTimeout<T>(req: HumanRequest, answer: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (timer) clearTimeout(timer);
      reject(req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted'));
    };
    if (req.signal.aborted) return onAbort();
    req.signal.addEventListener('abort', onAbort, { once: true });
    if (req.timeoutMs !== undefined) timer = setTimeout(() => reject(new HumanTimeoutError(req.human, req.timeoutMs!)), req.timeoutMs);
    answer.then(
      (v) => {
        if (timer) clearTimeout(timer);
        req.signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        if (timer) clearTimeout(timer);
        req.signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Calls `fn` for every request: tests answer, delay, or throw as they like. */
export function programmaticHuman(fn: (req: HumanRequest) => unknown): HumanChannel {
  return { ask: (req) => withHumanTimeout(req, Promise.resolve().then(() => fn(req))) };
}

/**
 * Answers from a map `human name → answer`, or `→ [answer, answer, …]` used in order (the last
 * one repeats once the list is used up, so a loop that asks again gets a stable reply).
 */
export function answersHuman(answers: Record<string, unknown>): HumanChannel {
  const used = new Map<string, number>();
  return {
    async ask(req) {
      if (!(req.human in answers)) {
        throw new NoAnswerError(`no answer for '${req.human}' in the answers file (it has: ${Object.keys(answers).join(', ') || 'nothing'})`);
      }
      const entry = answers[req.human];
      if (!Array.isArray(entry)) return entry;
      // A human whose answer is itself a list must wrap it: [[...]].
      const i = used.get(req.human) ?? 0;
      used.set(req.human, i + 1);
      if (entry.length === 0) throw new NoAnswerError(`the answers file has an empty list for '${req.human}'`);
      return entry[Math.min(i, entry.length - 1)];
    },
  };
}

export function loadAnswersFile(file: string): HumanChannel {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: expected a JSON object mapping human names to answers`);
  return answersHuman(data as Record<string, unknown>);
}

/** For runs without any way to reach a person: every question fails with a clear message. */
export const noHuman: HumanChannel = {
  ask: (req) => Promise.reject(new NoAnswerError(`'${req.human}' must answer, but no human channel is configured (pass --answers FILE or run on a terminal)`)),
};

/**
 * Asks on a terminal. Approvals take y/n (and an optional note); other answers are JSON (a bare
 * line that is not JSON is taken as a string). One question at a time, even when branches ask
 * concurrently.
 */
export function terminalHuman(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): HumanChannel {
  let queue: Promise<unknown> = Promise.resolve();
  const question = (rl: readline.Interface, q: string, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      rl.question(q, { signal }, resolve);
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  const askOne = async (req: HumanRequest): Promise<unknown> => {
    const rl = readline.createInterface({ input, output, terminal: false });
    try {
      output.write(`\n── ${req.human} (${req.kind}, for ${req.node}) ──\n${req.prompt}\n`);
      if (Object.keys(req.input).length) output.write(`Input: ${JSON.stringify(req.input, null, 2)}\n`);
      if (req.kind === 'approval') {
        const line = (await question(rl, 'Approve? [y/N] (optionally followed by a note) ', req.signal)).trim();
        const approved = /^y(es)?\b/i.test(line);
        const note = line.replace(/^\S+\s*/, '');
        return { approved, note: note || null };
      }
      output.write(`Answer with JSON matching: ${JSON.stringify(req.outputSchema)}\n`);
      const line = await question(rl, '> ', req.signal);
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    } finally {
      rl.close();
    }
  };
  return {
    ask(req) {
      const next = queue.then(() => withHumanTimeout(req, askOne(req)));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
