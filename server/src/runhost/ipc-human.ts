// The human channel of a run in the run host: every question goes to the parent (the editor, which
// shows a form) as a `humanAsk` message and waits for the matching `humanAnswer`. The human's
// timeout and the run's cancellation are enforced here, as every channel does (see human.ts); a
// question that is no longer needed is withdrawn with `humanCancel` so the editor closes its form.

import { NoAnswerError, withHumanTimeout, type HumanChannel, type HumanRequest } from '../runtime/human.ts';
import type { ChildMessage, HumanAnswerMessage } from './protocol.ts';

interface Pending {
  human: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class IpcHuman implements HumanChannel {
  private next = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly send: (m: ChildMessage) => void,
    /** Applied to every question before it leaves the process (secrets out). */
    private readonly redact: <T>(v: T) => T,
  ) {}

  ask(req: HumanRequest): Promise<unknown> {
    const id = ++this.next;
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { human: req.human, resolve, reject }));
    const question = { kind: req.kind, human: req.human, node: req.node, prompt: req.prompt, input: req.input, outputSchema: req.outputSchema, ...(req.tool ? { tool: req.tool } : {}), ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}) };
    this.send({ type: 'humanAsk', id, question: this.redact(question) });
    return withHumanTimeout(req, answer).finally(() => {
      // Still pending: the wait ended by timeout or cancellation, not by an answer.
      if (this.pending.delete(id)) this.send({ type: 'humanCancel', id });
    });
  }

  /** Delivers the parent's answer; unknown ids (a late answer to a withdrawn question) are ignored. */
  answer(m: HumanAnswerMessage): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.answer) p.resolve(m.answer.value);
    else p.reject(new NoAnswerError(`${p.human} dismissed the question without answering`));
  }
}
