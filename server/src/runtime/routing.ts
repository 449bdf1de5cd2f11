// Routing semantics, as pure functions over the graph's edges. Edges are grouped by their source
// (`start`, a node, or a join `[a, b]`). When a source finishes, all of its unconditional edges
// fire; its conditional edges form one route group tried in written order, the first whose
// condition holds fires, and `otherwise` fires when none did. An edge with `max N` fires at most
// N times per run; once spent it counts as not matching.

import type { EdgeIR, GraphIR } from '../ir/schema.ts';

export const START = 'start';

export interface RouteTable {
  /** Edges by source key (`start`, `node`, or `a+b` for a join), in written order. */
  readonly bySource: ReadonlyMap<string, EdgeIR[]>;
  /** The source keys each node takes part in (its own, and the joins it is a member of). */
  readonly sourcesOf: ReadonlyMap<string, string[]>;
}

export function sourceKey(from: readonly string[]): string {
  return from.join('+');
}

const routeCache = new WeakMap<GraphIR, RouteTable>();

/** The route table of a graph, built once per graph object. */
export function buildRoutes(graph: GraphIR): RouteTable {
  let table = routeCache.get(graph);
  if (!table) routeCache.set(graph, (table = makeRoutes(graph)));
  return table;
}

function makeRoutes(graph: GraphIR): RouteTable {
  const bySource = new Map<string, EdgeIR[]>();
  const sourcesOf = new Map<string, string[]>();
  for (const e of graph.edges) {
    const key = sourceKey(e.from);
    const list = bySource.get(key);
    if (list) list.push(e);
    else bySource.set(key, [e]);
    for (const n of e.from) {
      const keys = sourcesOf.get(n) ?? [];
      if (!keys.includes(key)) keys.push(key);
      sourcesOf.set(n, keys);
    }
  }
  return { bySource, sourcesOf };
}

export function isSpent(e: EdgeIR, fires: ReadonlyMap<number, number>): boolean {
  return e.max !== undefined && (fires.get(e.id) ?? 0) >= e.max;
}

/**
 * The edges that fire when the source of `edges` finishes. `holds` evaluates a condition; it is
 * called only for conditional edges that are not spent, in order, until one holds.
 */
export function chooseEdges(edges: readonly EdgeIR[], fires: ReadonlyMap<number, number>, holds: (e: EdgeIR) => boolean): EdgeIR[] {
  const out: EdgeIR[] = [];
  let conditional = false;
  for (const e of edges) {
    if (e.when) conditional = true;
    else if (!e.otherwise && !isSpent(e, fires)) out.push(e);
  }
  let chosen: EdgeIR | undefined;
  if (conditional) {
    for (const e of edges) {
      if (e.when && !isSpent(e, fires) && holds(e)) {
        chosen = e;
        break;
      }
    }
  }
  if (chosen) out.push(chosen);
  else {
    const fallback = edges.find((e) => e.otherwise && !isSpent(e, fires));
    if (fallback) out.push(fallback);
  }
  return out;
}

const targetCache = new WeakMap<EdgeIR, string[]>();

/** The names of an edge's targets (made once per edge; events share the array, like `from`). */
export function targetNames(e: EdgeIR): string[] {
  let names = targetCache.get(e);
  if (!names) targetCache.set(e, (names = e.to.map((t) => t.node)));
  return names;
}

/** Describes why nothing fired, for the dead-end error. */
export function explainNoRoute(node: string, edges: readonly EdgeIR[] | undefined, fires: ReadonlyMap<number, number>): string {
  if (!edges || edges.length === 0) return `node '${node}' finished but has no outgoing edge`;
  const parts = edges.map((e) => {
    const cond = e.otherwise ? 'otherwise' : e.whenSrc ? `when ${e.whenSrc}` : 'always';
    const spent = isSpent(e, fires) ? ` (max ${e.max} spent)` : '';
    return `-> ${e.to.map((t) => t.node).join(', ')} ${cond}${spent}`;
  });
  return `node '${node}' finished but none of its outgoing edges fired: ${parts.join('; ')}`;
}

/** Why a run with nothing left to do never reached `end`: dead-end nodes and unfinished joins. */
export function explainIdle(graph: string, deadEnds: readonly string[], joins: ReadonlyMap<string, ReadonlySet<string>>): { message: string; node?: string } {
  const waiting = [...joins.entries()]
    .filter(([, done]) => done.size > 0)
    .map(([key, done]) => {
      const members = key.split('+');
      return `join [${members.join(', ')}] is waiting for ${members.filter((m) => !done.has(m)).join(', ')}`;
    });
  const reasons = [...new Set(deadEnds), ...waiting];
  const msg = reasons.length ? reasons.join('; ') : `no node is left to run in graph ${graph}`;
  return { message: `dead end: ${msg}, and end was not reached`, node: deadEnds[0]?.match(/'([^']+)'/)?.[1] };
}
