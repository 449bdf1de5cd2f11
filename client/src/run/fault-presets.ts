// The choices of `AgentGraph: Simulate Faults`, built from the graph being simulated: for each
// agent a first-attempt timeout, a burst of 429s and a server error; for each tool a failure. Model
// faults are items of the simulated provider's fault spec (server/src/runtime/providers/faults.ts);
// tool faults are carried out by the run host, which makes the tool throw.

import { parseFaultSpec } from '../../../server/src/runtime/providers/faults.ts';
import type { GraphDescription, ToolFault } from '../../../server/src/runhost/protocol.ts';

export interface FaultPreset {
  label: string;
  description: string;
  /** A fault-spec item for the simulated provider. */
  spec?: string;
  toolFault?: ToolFault;
}

export function buildFaultPresets(g: GraphDescription): FaultPreset[] {
  const out: FaultPreset[] = [];
  for (const a of [...g.agents].sort((x, y) => x.name.localeCompare(y.name))) {
    const policy = a.retries > 0 ? `retries ${a.retries}×` : 'no retries';
    const fallback = a.fallback.length ? `, falls back to ${a.fallback.join(', ')}` : '';
    out.push(
      { label: `${a.name} times out on first attempt`, description: `${policy}${fallback}`, spec: `${a.name}:timeout@1` },
      { label: `${a.name}: provider returns 429s`, description: `rate limited on attempts 1-2 (${policy})`, spec: `${a.name}:429@1-2` },
      { label: `${a.name}: server error 5xx`, description: `on every call to ${a.model}${fallback}`, spec: `${a.name}/${a.model}:5xx` },
    );
  }
  for (const t of g.tools) out.push({ label: `${t} throws`, description: 'every call of the tool fails; the agent reads the error', toolFault: { tool: t } });
  return out;
}

/** The fault spec and tool faults of the chosen presets plus an optional custom spec. */
export function combineFaults(chosen: readonly FaultPreset[], custom?: string): { faults: string; toolFaults: ToolFault[] } {
  const items = chosen.flatMap((p) => (p.spec ? [p.spec] : []));
  const extra = custom?.trim();
  if (extra) items.push(extra);
  return { faults: items.join(','), toolFaults: chosen.flatMap((p) => (p.toolFault ? [p.toolFault] : [])) };
}

/** An error message for a custom fault spec, or undefined when it parses (for an input box). */
export function customFaultError(text: string): string | undefined {
  if (!text.trim()) return 'Enter at least one fault, e.g. triage:timeout@1,*:429@0.2';
  try {
    parseFaultSpec(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
