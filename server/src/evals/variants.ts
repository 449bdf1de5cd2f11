// Eval variants: the same eval over alternative configurations of the graph's agents. A variant is
// applied to a copy of the IR before anything runs (the spec's own IR is never changed), and the
// variants are compared side by side: pass rate with its interval, cost, latency and escalation
// rate, with the Pareto-best ones marked (no other variant is at least as good on pass rate, cost
// and latency and strictly better on one).

import type { EvalIR, IR } from '../ir/schema.ts';

export type VariantIR = NonNullable<EvalIR['variants']>[number];

/** The IR with a variant's agent overrides applied. Throws when it names an unknown agent or model. */
export function applyVariant(ir: IR, variant: VariantIR): IR {
  if (variant.overrides.length === 0) return ir;
  const agents = ir.agents.map((a) => ({ ...a }));
  for (const o of variant.overrides) {
    const agent = agents.find((a) => a.name === o.agent);
    if (!agent) throw new Error(`variant '${variant.name}': no agent '${o.agent}'`);
    if (o.model !== undefined) {
      if (!ir.models.some((m) => m.name === o.model)) throw new Error(`variant '${variant.name}': no model '${o.model}'`);
      agent.model = o.model;
    }
    if (o.retry !== undefined) agent.retry = { ...agent.retry, max: o.retry };
    if (o.prompt !== undefined) agent.prompt = { template: o.prompt, source: 'inline' };
    if (o.system !== undefined) agent.system = { template: o.system, source: 'inline' };
    if (o.temperature !== undefined) agent.temperature = o.temperature;
    if (o.maxTokens !== undefined) agent.maxTokens = o.maxTokens;
  }
  return { ...ir, agents };
}

/** What the comparison needs of one variant's result. */
export interface VariantScore {
  passRate: number;
  /** Mean cost of a run, in dollars. */
  cost: number;
  /** Mean latency of a run, in milliseconds. */
  latencyMs: number;
}

/** Does `a` dominate `b`: at least as good on every axis and strictly better on one? */
export function dominates(a: VariantScore, b: VariantScore): boolean {
  const noWorse = a.passRate >= b.passRate && a.cost <= b.cost && a.latencyMs <= b.latencyMs;
  const better = a.passRate > b.passRate || a.cost < b.cost || a.latencyMs < b.latencyMs;
  return noWorse && better;
}

/** Indexes of the variants no other variant dominates (ties are all kept). */
export function paretoBest(scores: readonly VariantScore[]): Set<number> {
  const best = new Set<number>();
  scores.forEach((s, i) => {
    if (!scores.some((o, j) => j !== i && dominates(o, s))) best.add(i);
  });
  return best;
}
