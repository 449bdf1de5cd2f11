// The form shown to a waiting human, built from the runtime's question. Pure (no `vscode`
// import) so it is unit-tested without an editor; form-panel.ts opens it in a panel.

import type { HumanRequest } from '../../../server/src/runtime/human.ts';
import type { FormSpec } from '../../../webview/src/forms/protocol.ts';

/** The runtime's question as it reaches the editor: its AbortSignal stays with the run. */
export type HumanQuestionData = Omit<HumanRequest, 'signal'>;

const WHAT: Record<HumanQuestionData['kind'], string> = { node: 'answer', approval: 'approval', escalation: 'escalation' };

/** The form spec of a human's question; `specLabel` (the spec's workspace path) becomes the description. */
export function humanFormSpec(q: HumanQuestionData, specLabel?: string): FormSpec {
  const spec: FormSpec = {
    title: `${q.human}: ${WHAT[q.kind]} needed`,
    schema: q.outputSchema,
    submitLabel: 'Send answer',
    human: { kind: q.kind, human: q.human, node: q.node, prompt: q.prompt, input: q.input },
  };
  if (specLabel) spec.description = `Run of ${specLabel}`;
  if (q.tool) spec.human!.tool = q.tool;
  if (q.timeoutMs !== undefined) spec.human!.remainingMs = q.timeoutMs;
  return spec;
}

/** The notification text that brings a hidden question back. */
export function waitingMessage(human: string): string {
  return `AgentGraph: ${human} is waiting for an answer`;
}
