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

const NO_EDGES: readonly GEdge[] = [];

function pushTo<T>(m: Map<string, T[]>, k: string, x: T): void {
  const l = m.get(k);
  if (l) l.push(x);
  else m.set(k, [x]);
}

/**
 * The vertices of a graph numbered by name (start, then the nodes, then any other name an edge
 * mentions, such as end or an unknown node), with every vertex's successors in one flat array:
 * those of v are succ[first[v]] … succ[first[v + 1] - 1], in edge order, duplicates kept.
 * Reachability, Tarjan and dominators all walk this instead of maps of small arrays.
 */
interface Numbered {
  names: string[];
  id: Map<string, number>;
  first: number[];
  succ: number[];
  /** Vertices with outgoing edges, in the order `out` lists them. */
  sources: number[];
}

function numberGraph(g: GraphModel, out: Map<string, GEdge[]>): Numbered {
  const names: string[] = [];
  const id = new Map<string, number>();
  const idOf = (name: string): number => {
    let i = id.get(name);
    if (i === undefined) {
      i = names.length;
      id.set(name, i);
      names.push(name);
    }
    return i;
  };
  idOf(START);
  for (const n of g.nodes.keys()) idOf(n);
  const sources: number[] = [];
  let edges = 0;
  for (const [v, es] of out) {
    sources.push(idOf(v));
    for (const e of es) {
      for (const t of e.targets) idOf(t.name);
      edges += e.targets.length;
    }
  }
  const count: number[] = new Array<number>(names.length + 1).fill(0);
  for (const [v, es] of out) {
    let k = 0;
    for (const e of es) k += e.targets.length;
    count[id.get(v)! + 1] = k;
  }
  for (let v = 0; v < names.length; v++) count[v + 1]! += count[v]!;
  const succ: number[] = new Array<number>(edges).fill(0);
  for (const [v, es] of out) {
    let at = count[id.get(v)!]!;
    for (const e of es) for (const t of e.targets) succ[at++] = id.get(t.name)!;
  }
  return { names, id, first: count, succ, sources };
}

export function buildTopology(g: GraphModel): Topology {
  const out = new Map<string, GEdge[]>();
  const inc = new Map<string, GEdge[]>();
  for (const e of g.edges) {
    for (const f of e.from) pushTo(out, f, e);
    for (const t of e.targets) pushTo(inc, t.name, e);
  }
  const num = numberGraph(g, out);
  const reachable = reachableFromStart(num);
  const reachesEnd = reachesEndOf(inc);
  const { loops, sccOf } = tarjan(g, num);
  const idom = dominators(num);
  return { out, in: inc, reachable, reachesEnd, loops, sccOf, idom };
}

/** Vertices reachable from start, breadth-first (the set lists them in visiting order). */
function reachableFromStart(num: Numbered): Set<string> {
  const { names, first, succ } = num;
  const seen: boolean[] = new Array<boolean>(names.length).fill(false);
  seen[0] = true;
  const queue = [0];
  const out = new Set<string>([START]);
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (let k = first[v]!; k < first[v + 1]!; k++) {
      const w = succ[k]!;
      if (!seen[w]) {
        seen[w] = true;
        out.add(names[w]!);
        queue.push(w);
      }
    }
  }
  return out;
}

/** Vertices from which end is reachable: breadth-first from end over the sources of edges in. */
function reachesEndOf(inc: Map<string, GEdge[]>): Set<string> {
  const seen = new Set<string>([END]);
  const queue = [END];
  for (let i = 0; i < queue.length; i++) {
    for (const e of inc.get(queue[i]!) ?? NO_EDGES) {
      for (const w of e.from) {
        if (!seen.has(w)) {
          seen.add(w);
          queue.push(w);
        }
      }
    }
  }
  return seen;
}

/**
 * Iterative Tarjan, so deep chains of thousands of nodes cannot overflow the stack. Roots are
 * taken in g.nodes order; successors that are not nodes (end, unknown names) are skipped.
 */
function tarjan(g: GraphModel, num: Numbered): { loops: string[][]; sccOf: Map<string, number> } {
  const { names, id, first, succ } = num;
  const n = names.length;
  const isNode: boolean[] = new Array<boolean>(n).fill(false);
  for (let v = 0; v < n; v++) isNode[v] = names[v] !== END && g.nodes.has(names[v]!);
  const index: number[] = new Array<number>(n).fill(-1);
  const low: number[] = new Array<number>(n).fill(0);
  const onStack: boolean[] = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const sccOf = new Map<string, number>();
  const loops: string[][] = [];
  let counter = 0;
  let sccCount = 0;
  // The DFS work stack as two parallel arrays: the vertex and the position in its successors.
  const workV: number[] = [];
  const workK: number[] = [];

  for (const rootName of g.nodes.keys()) {
    const root = id.get(rootName)!;
    if (index[root]! >= 0) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    workV.push(root);
    workK.push(first[root]!);
    while (workV.length) {
      const top = workV.length - 1;
      const v = workV[top]!;
      const k = workK[top]!;
      if (k < first[v + 1]!) {
        workK[top] = k + 1;
        const w = succ[k]!;
        if (!isNode[w]) continue;
        if (index[w]! < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          workV.push(w);
          workK.push(first[w]!);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      workV.pop();
      workK.pop();
      if (workV.length) {
        const parent = workV[workV.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      if (stack[stack.length - 1] === v) {
        // A single node: a loop only if it has an edge to itself. (No list made for the rest.)
        stack.pop();
        onStack[v] = false;
        sccOf.set(names[v]!, sccCount);
        if (hasSucc(num, v, v)) loops.push([names[v]!]);
      } else {
        const comp: string[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          sccOf.set(names[w]!, sccCount);
          comp.push(names[w]!);
        } while (w !== v);
        loops.push(comp.reverse());
      }
      sccCount++;
    }
  }
  return { loops, sccOf };
}

function hasSucc(num: Numbered, v: number, w: number): boolean {
  for (let k = num.first[v]!; k < num.first[v + 1]!; k++) if (num.succ[k] === w) return true;
  return false;
}

/**
 * Cooper–Harvey–Kennedy iterative dominators over the vertices reachable from start. Vertices are
 * renumbered in reverse postorder so the algorithm runs on integers; the result map is then
 * filled in the order the vertices first got a dominator.
 */
function dominators(num: Numbered): Map<string, string> {
  const { names, first, succ, sources } = num;
  const n = names.length;
  // Postorder of a depth-first walk from start.
  const post: number[] = [];
  const seen: boolean[] = new Array<boolean>(n).fill(false);
  seen[0] = true;
  const workV: number[] = [0];
  const workK: number[] = [first[0]!];
  while (workV.length) {
    const top = workV.length - 1;
    const v = workV[top]!;
    const k = workK[top]!;
    if (k < first[v + 1]!) {
      workK[top] = k + 1;
      const w = succ[k]!;
      if (!seen[w]) {
        seen[w] = true;
        workV.push(w);
        workK.push(first[w]!);
      }
      continue;
    }
    workV.pop();
    workK.pop();
    post.push(v);
  }
  // rpo[v]: v's number in reverse postorder (-1: unreachable); order[i]: the vertex numbered i.
  const m = post.length;
  const order: number[] = new Array<number>(m).fill(0);
  const rpo: number[] = new Array<number>(n).fill(-1);
  for (let i = 0; i < m; i++) {
    const v = post[m - 1 - i]!;
    order[i] = v;
    rpo[v] = i;
  }
  // Predecessors (in reverse-postorder numbers), flat like the successors: edges are read source
  // by source in `out` order, as the list of each vertex's predecessors was always built.
  const pfirst: number[] = new Array<number>(m + 1).fill(0);
  for (const v of sources) {
    if (rpo[v]! < 0) continue;
    for (let k = first[v]!; k < first[v + 1]!; k++) pfirst[rpo[succ[k]!]! + 1]!++;
  }
  for (let i = 0; i < m; i++) pfirst[i + 1]! += pfirst[i]!;
  const pred: number[] = new Array<number>(pfirst[m]!).fill(0);
  const fill = pfirst.slice(0, m);
  for (const v of sources) {
    const pv = rpo[v]!;
    if (pv < 0) continue;
    for (let k = first[v]!; k < first[v + 1]!; k++) pred[fill[rpo[succ[k]!]!]!++] = pv;
  }

  // idom[i]: the number of i's immediate dominator, -1 while unknown. Start is number 0.
  const idom: number[] = new Array<number>(m).fill(-1);
  idom[0] = 0;
  const firstSet: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (let v = 1; v < m; v++) {
      let nd = -1;
      for (let k = pfirst[v]!; k < pfirst[v + 1]!; k++) {
        const p = pred[k]!;
        if (idom[p]! < 0) continue;
        if (nd < 0) {
          nd = p;
          continue;
        }
        // Intersect: walk both up the current tree until they meet.
        let x = p;
        let y = nd;
        while (x !== y) {
          while (x > y) x = idom[x]!;
          while (y > x) y = idom[y]!;
        }
        nd = x;
      }
      if (nd >= 0 && idom[v] !== nd) {
        if (idom[v]! < 0) firstSet.push(v);
        idom[v] = nd;
        changed = true;
      }
    }
  }
  const result = new Map<string, string>([[START, START]]);
  for (const v of firstSet) result.set(names[order[v]!]!, names[order[idom[v]!]!]!);
  return result;
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
 *
 * The sets are bitsets over the reachable vertices, one row of 32-bit words per vertex, updated in
 * place; the rounds, the order and the "changed" test (a different size) are those of the
 * set-based formulation, so the answers are the same.
 */
export function mustHaveRun(g: GraphModel, topo: Topology): ((node: string, at: string) => boolean) {
  const hasJoin = g.edges.some((e) => e.join);
  if (!hasJoin || g.nodes.size > 2000) return (node, at) => dominates(topo.idom, node, at);
  const vertices: string[] = [];
  const id = new Map<string, number>();
  const addVertex = (v: string) => {
    if (!topo.reachable.has(v) || id.has(v)) return;
    id.set(v, vertices.length);
    vertices.push(v);
  };
  addVertex(START);
  for (const v of g.nodes.keys()) addVertex(v);
  const n = vertices.length;
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(n * words);
  // Which vertices have a set yet; the others are "everything" (not yet constrained).
  const known = new Uint8Array(n);
  const size = new Int32Array(n);
  const startAt = id.get(START);
  if (startAt !== undefined) {
    bits[startAt * words + (startAt >>> 5)] = 1 << (startAt & 31);
    known[startAt] = 1;
    size[startAt] = 1;
  }
  // The ways into each vertex that count (all sources reachable), flat: the ways into v are
  // numbers wayFirst[v] … wayFirst[v + 1] - 1, and the sources of way k are src[srcFirst[k]] …
  // src[srcFirst[k + 1] - 1]. A source that is no vertex here is -1: it never has a set, so it
  // leaves the way unconstrained.
  const wayFirst: number[] = [0];
  const srcFirst: number[] = [0];
  const src: number[] = [];
  for (const v of vertices) {
    for (const e of topo.in.get(v) ?? NO_EDGES) {
      if (!allIn(topo.reachable, e.from)) continue;
      for (const f of e.from) src.push(id.get(f) ?? -1);
      srcFirst.push(src.length);
    }
    wayFirst.push(srcFirst.length - 1);
  }

  const acc = new Uint32Array(words);
  const via = new Uint32Array(words);
  for (let changed = true, rounds = 0; changed && rounds < 100; rounds++) {
    changed = false;
    for (let v = 0; v < n; v++) {
      if (v === startAt) continue;
      let first = true;
      for (let way = wayFirst[v]!; way < wayFirst[v + 1]!; way++) {
        via.fill(0);
        let unconstrained = false;
        for (let k = srcFirst[way]!; k < srcFirst[way + 1]!; k++) {
          const f = src[k]!;
          if (f < 0 || !known[f]) {
            unconstrained = true;
            break;
          }
          for (let w = 0, o = f * words; w < words; w++) via[w] = via[w]! | bits[o + w]!;
        }
        if (unconstrained) continue; // Unconstrained predecessor: contributes "everything".
        if (first) {
          acc.set(via);
          first = false;
        } else for (let w = 0; w < words; w++) acc[w] = acc[w]! & via[w]!;
      }
      if (first) continue;
      acc[v >>> 5] = acc[v >>> 5]! | (1 << (v & 31));
      let count = 0;
      for (let w = 0; w < words; w++) count += popcount(acc[w]!);
      if (!known[v] || size[v] !== count) {
        bits.set(acc, v * words);
        known[v] = 1;
        size[v] = count;
        changed = true;
      }
    }
  }
  return (node, at) => {
    const a = id.get(at);
    if (a === undefined || !known[a]) return dominates(topo.idom, node, at);
    const b = id.get(node);
    return b !== undefined && (bits[a * words + (b >>> 5)]! & (1 << (b & 31))) !== 0;
  };
}

function allIn(set: Set<string>, xs: readonly string[]): boolean {
  for (const x of xs) if (!set.has(x)) return false;
  return true;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
