// Asking a person, as the runtime sees it: render the human's prompt, open a `human_wait` span,
// mark the node as waiting, wait on the human channel, and validate the answer against the
// human's declared result type. Used by human nodes, tool approvals and escalations.

import type { HumanIR } from '../ir/schema.ts';
import type { BudgetScope } from './budget.ts';
import type { RunContext } from './context.ts';
import { RuntimeError, isStop, messageOf } from './errors.ts';
import { renderTemplate } from './evaluate.ts';
import { HumanTimeoutError, type HumanRequest } from './human.ts';
import { abortReason, type StopScope } from './policies.ts';
import { check, completeArgs } from './schemas.ts';
import type { Span } from './trace.ts';

export interface AskOptions {
  kind: HumanRequest['kind'];
  human: HumanIR;
  node: string;
  input: Record<string, unknown>;
  parent: Span;
  budget: BudgetScope;
  signal: StopScope;
  tool?: { name: string; args: unknown };
}

export async function askHuman(ctx: RunContext, o: AskOptions): Promise<unknown> {
  const input = completeArgs(o.human.params, o.input);
  const prompt = o.human.prompt ? renderTemplate(o.human.prompt.template, input) : defaultPrompt(o);
  const span = ctx.tracer.start('human_wait', `human ${o.human.name}`, o.parent, {
    'agentgraph.human': o.human.name,
    'agentgraph.human.kind': o.kind,
    'agentgraph.node': o.node,
    'agentgraph.prompt': prompt,
    'agentgraph.input': input,
  });
  ctx.tracer.emit({ type: 'node_status', node: o.node, status: 'waiting_for_human', costUsd: o.budget.totals.costUsd });
  const started = ctx.clock.now();
  try {
    const answer = await ctx.human.ask({
      kind: o.kind,
      human: o.human.name,
      node: o.node,
      prompt,
      input,
      outputSchema: o.human.output,
      tool: o.tool,
      timeoutMs: o.human.timeoutMs,
      signal: o.signal.signal,
    });
    const checked = check(o.human.output, answer);
    if (!checked.ok) throw new RuntimeError('human', `the answer from '${o.human.name}' does not match its result type: ${checked.issues.join('; ')}`);
    span.set('agentgraph.output', checked.value).end();
    return checked.value;
  } catch (err) {
    const e = o.signal.aborted ? abortReason(o.signal) : err;
    span.end(isStop(e) ? 'cancelled' : 'error', messageOf(e));
    if (isStop(e) || e instanceof RuntimeError) throw e;
    if (e instanceof HumanTimeoutError) throw new RuntimeError('timeout', e.message);
    throw new RuntimeError('human', messageOf(e));
  } finally {
    o.budget.addHumanWait(ctx.clock.now() - started);
  }
}

function defaultPrompt(o: AskOptions): string {
  if (o.kind === 'approval' && o.tool) return `Approve the call ${o.tool.name}(${JSON.stringify(o.tool.args)}) requested by ${o.node}?`;
  if (o.kind === 'escalation') return `The run escalated to ${o.human.name} after '${o.node}' kept failing. Please provide the result.`;
  return `Please provide the result for ${o.node}.`;
}

/** Approval answers: `true`, or an object with `approved: true` (a note is optional). */
export function isApproved(answer: unknown): { approved: boolean; note?: string } {
  if (answer === true) return { approved: true };
  if (answer && typeof answer === 'object') {
    const a = answer as Record<string, unknown>;
    const note = typeof a.note === 'string' ? a.note : typeof a.reason === 'string' ? a.reason : undefined;
    return { approved: a.approved === true || a.approve === true, note };
  }
  return { approved: false };
}
