// Erlang/OTP supervision for graph nodes. When a child fails for good (after its own retries and
// fallbacks), its supervisor restarts it (`one_for_one`), every child (`one_for_all`), or it and
// the children listed after it (`rest_for_one`). A supervisor that would restart more than
// `max_restarts` times within `within` (a sliding window) gives up: it escalates to its target
// when it has one, otherwise it fails in turn and its own supervisor (if it is named and
// supervised) handles that like the failure of any child. With no supervisor left, the run fails.

import type { GraphIR } from '../ir/schema.ts';

type SupervisorIR = GraphIR['supervisors'][number];

export type SupervisionDecision =
  /** Re-run these nodes (the failed one first); `strategy` says why. */
  | { kind: 'restart'; supervisor: string; strategy: SupervisorIR['strategy']; failed: string; nodes: string[]; restartCount: number }
  /** Hand over to a human or graph; `children` are the nodes to stop first. */
  | { kind: 'escalate'; supervisor: string; target: string; children: string[] }
  | { kind: 'fail'; reason: string };

export class Supervision {
  private readonly byName = new Map<string, SupervisorIR>();
  private readonly parentOf = new Map<string, SupervisorIR>();
  private readonly history = new Map<SupervisorIR, number[]>();

  constructor(private readonly supervisors: readonly SupervisorIR[]) {
    for (const s of supervisors) if (s.name) this.byName.set(s.name, s);
    for (const s of supervisors) for (const c of s.children) if (!this.parentOf.has(c)) this.parentOf.set(c, s);
  }

  /** True when any supervisor watches `node` (directly or through nested supervisors). */
  supervises(node: string): boolean {
    return this.parentOf.has(node);
  }

  /** The node names under a child (a node, or a named supervisor's subtree). */
  expand(child: string, seen = new Set<string>()): string[] {
    const sup = this.byName.get(child);
    if (!sup) return [child];
    if (seen.has(child)) return [];
    seen.add(child);
    return sup.children.flatMap((c) => this.expand(c, seen));
  }

  private label(s: SupervisorIR): string {
    return s.name ?? `[${s.children.join(', ')}]`;
  }

  /** Decides what happens after `child` failed at time `now`. */
  onFailure(child: string, now: number): SupervisionDecision {
    const s = this.parentOf.get(child);
    if (!s) return { kind: 'fail', reason: `'${child}' is not supervised` };
    const window = (this.history.get(s) ?? []).filter((t) => t > now - s.withinMs);
    if (window.length >= s.maxRestarts) {
      this.history.set(s, window);
      const why = `supervisor ${this.label(s)} reached max_restarts ${s.maxRestarts} within ${s.withinMs} ms`;
      if (s.escalate) return { kind: 'escalate', supervisor: this.label(s), target: s.escalate, children: s.children.flatMap((c) => this.expand(c)) };
      // Without a target the supervisor itself fails; a named one may be supervised in turn.
      if (s.name && this.parentOf.has(s.name)) return this.onFailure(s.name, now);
      return { kind: 'fail', reason: why };
    }
    window.push(now);
    this.history.set(s, window);
    let restart: string[];
    switch (s.strategy) {
      case 'one_for_one':
        restart = [child];
        break;
      case 'one_for_all':
        restart = [...s.children];
        break;
      case 'rest_for_one':
        restart = s.children.slice(Math.max(0, s.children.indexOf(child)));
        break;
    }
    const failedNodes = this.expand(child);
    const nodes = [...new Set([...failedNodes, ...restart.flatMap((c) => this.expand(c))])];
    return { kind: 'restart', supervisor: this.label(s), strategy: s.strategy, failed: child, nodes, restartCount: window.length };
  }
}
