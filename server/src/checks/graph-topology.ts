// Graph algorithms over a GraphModel: successors, reachability, strongly connected components and
// dominators. Everything is linear or near-linear in nodes plus edges, so the 10,000-agent
// benchmark stays fast.

import type { GEdge, GraphModel } from '../semantics/graph-model.ts';

export const START = 'start';
export const END = 'end';

export interface Topology {
  /** Outgoing edges of each vertex ('start', node names). A join edge appears under each member. */
  out: Map<string, GEdge[]>;
  /** Incoming edges of each vertex (node names, 'end'). */
  in: Map<string, GEdge[]>;
  /** Vertices reachable from start. */
  reachable: Set<string>;
  /** Vertices from which end is reachable. */
  reachesEnd: Set<string>;
  /** Strongly connected components (each a list of node names) that contain a cycle. */
  loops: string[][];
  /** The component index of each node. */
  sccOf: Map<string, number>;
  /** Immediate dominator of each reachable vertex ('start' dominates everything). */
  idom: Map<string, string>;
}

export function successors(e: GEdge): string[] {
  return e.targets.map((t) => t.name);
}

export function buildTopology(g: GraphModel): Topology {
  const out = new Map<string, GEdge[]>();
  const inc = new Map<string, GEdge[]>();
  const push = (m: Map<string, GEdge[]>, k: string, e: GEdge) => {
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  };
  for (const e of g.edges) {
    for (const f of e.from) push(out, f, e);
    for (const t of e.targets) push(inc, t.name, e);
  }

  const reachable = bfs(START, (v) => (out.get(v) ?? []).flatMap(successors));
  const reachesEnd = bfs(END, (v) => (inc.get(v) ?? []).flatMap((e) => e.from));

  const { loops, sccOf } = tarjan(g, out);
  const idom = dominators(out, reachable);
  return { out, in: inc, reachable, reachesEnd, loops, sccOf, idom };
}

function bfs(root: string, next: (v: string) => string[]): Set<string> {
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const w of next(queue[i]!)) {
      if (!seen.has(w)) {
        seen.add(w);
        queue.push(w);
      }
    }
  }
  return seen;
}

/** Iterative Tarjan, so deep chains of thousands of nodes cannot overflow the stack. */
function tarjan(g: GraphModel, out: Map<string, GEdge[]>): { loops: string[][]; sccOf: Map<string, number> } {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccOf = new Map<string, number>();
  const loops: string[][] = [];
  let counter = 0;
  let sccCount = 0;
  const succ = (v: string) => (out.get(v) ?? []).flatMap(successors).filter((w) => w !== END && g.nodes.has(w));

  for (const root of g.nodes.keys()) {
    if (index.has(root)) continue;
    const work: { v: string; succs: string[]; i: number }[] = [];
    const open = (v: string) => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      work.push({ v, succs: succ(v), i: 0 });
    };
    open(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.succs.length) {
        const w = frame.succs[frame.i++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(frame.v)!));
      if (low.get(frame.v) === index.get(frame.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          sccOf.set(w, sccCount);
          comp.push(w);
        } while (w !== frame.v);
        const selfLoop = comp.length === 1 && succ(comp[0]!).includes(comp[0]!);
        if (comp.length > 1 || selfLoop) loops.push(comp.reverse());
        sccCount++;
      }
    }
  }
  return { loops, sccOf };
}

/** Cooper–Harvey–Kennedy iterative dominators over the vertices reachable from start. */
function dominators(out: Map<string, GEdge[]>, reachable: Set<string>): Map<string, string> {
  // Reverse postorder from start.
  const order: string[] = [];
  const seen = new Set<string>([START]);
  const work: { v: string; succs: string[]; i: number }[] = [{ v: START, succs: (out.get(START) ?? []).flatMap(successors), i: 0 }];
  while (work.length) {
    const f = work[work.length - 1]!;
    if (f.i < f.succs.length) {
      const w = f.succs[f.i++]!;
      if (!seen.has(w)) {
        seen.add(w);
        work.push({ v: w, succs: (out.get(w) ?? []).flatMap(successors), i: 0 });
      }
      continue;
    }
    work.pop();
    order.push(f.v);
  }
  order.reverse();
  const rpo = new Map(order.map((v, i) => [v, i]));
  const preds = new Map<string, string[]>();
  for (const [v, edges] of out) {
    if (!reachable.has(v)) continue;
    for (const e of edges) for (const t of e.targets) {
      const l = preds.get(t.name);
      if (l) l.push(v);
      else preds.set(t.name, [v]);
    }
  }
  const idom = new Map<string, string>([[START, START]]);
  const intersect = (a: string, b: string): string => {
    let x = a;
    let y = b;
    while (x !== y) {
      while (rpo.get(x)! > rpo.get(y)!) x = idom.get(x)!;
      while (rpo.get(y)! > rpo.get(x)!) y = idom.get(y)!;
    }
    return x;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const v of order) {
      if (v === START) continue;
      let nd: string | undefined;
      for (const p of preds.get(v) ?? []) {
        if (!idom.has(p)) continue;
        nd = nd === undefined ? p : intersect(p, nd);
      }
      if (nd !== undefined && idom.get(v) !== nd) {
        idom.set(v, nd);
        changed = true;
      }
    }
  }
  return idom;
}

/** Does `a` dominate `b` (every path from start to b passes a)? */
export function dominates(idom: Map<string, string>, a: string, b: string): boolean {
  if (a === START) return true;
  let cur: string | undefined = b;
  for (let guard = 0; cur !== undefined && guard < 1_000_000; guard++) {
    if (cur === a) return true;
    const up = idom.get(cur);
    if (up === undefined || up === cur) return false;
    cur = up;
  }
  return false;
}

/** The nearest vertex dominating all of `vs`. */
export function commonDominator(idom: Map<string, string>, vs: string[]): string {
  if (vs.length === 0) return START;
  const chain = (v: string): string[] => {
    const out: string[] = [];
    let cur: string | undefined = v;
    while (cur !== undefined) {
      out.push(cur);
      const up = idom.get(cur);
      if (up === undefined || up === cur) break;
      cur = up;
    }
    if (out[out.length - 1] !== START) out.push(START);
    return out;
  };
  let common = chain(vs[0]!);
  for (const v of vs.slice(1)) {
    const s = new Set(chain(v));
    common = common.filter((x) => s.has(x));
  }
  return common[0] ?? START;
}

/**
 * For each vertex, the nodes that have surely run whenever it runs: itself, plus what every way in
 * guarantees. A join guarantees all its members (unlike dominators, which treat a join's members
 * as alternatives). Quadratic in the worst case, so large graphs fall back to dominators.
 */
export function mustHaveRun(g: GraphModel, topo: Topology): ((node: string, at: string) => boolean) {
  const hasJoin = g.edges.some((e) => e.join);
  if (!hasJoin || g.nodes.size > 2000) return (node, at) => dominates(topo.idom, node, at);
  const vertices = [START, ...g.nodes.keys()].filter((v) => topo.reachable.has(v));
  const must = new Map<string, Set<string> | null>(vertices.map((v) => [v, v === START ? new Set([START]) : null])); // null = "everything" (not yet constrained)
  for (let changed = true, rounds = 0; changed && rounds < 100; rounds++) {
    changed = false;
    for (const v of vertices) {
      if (v === START) continue;
      let acc: Set<string> | null = null;
      let first = true;
      for (const e of topo.in.get(v) ?? []) {
        if (!e.from.every((f) => topo.reachable.has(f))) continue;
        let viaEdge: Set<string> | null = new Set<string>();
        for (const f of e.from) {
          const m = must.get(f);
          if (m === null || m === undefined) {
            viaEdge = null;
            break;
          }
          for (const x of m) viaEdge.add(x);
        }
        if (viaEdge === null) continue; // Unconstrained predecessor: contributes "everything".
        if (first) {
          acc = viaEdge;
          first = false;
        } else acc = new Set([...acc!].filter((x) => viaEdge!.has(x)));
      }
      if (first) continue;
      acc!.add(v);
      const prev = must.get(v);
      if (prev === null || prev === undefined || prev.size !== acc!.size) {
        must.set(v, acc!);
        changed = true;
      }
    }
  }
  return (node, at) => {
    const m = must.get(at);
    return m === null || m === undefined ? dominates(topo.idom, node, at) : m.has(node);
  };
}
