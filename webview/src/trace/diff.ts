// Compare Runs: two traces aligned node by node. Nodes are matched by name and activation (the
// second run of `review` matches the second run of `review`), in execution order; a node present
// in only one run marks a different route. Pure: the compare webview renders the result and the
// unit tests check it.

import { nodeSummaries, type NodeSummary, type TraceModel } from './model.ts';

export interface Delta {
  left: number;
  right: number;
  /** right − left. */
  abs: number;
  /** Relative change in percent, undefined when left is 0. */
  pct?: number;
}

export interface CompareRow {
  key: string;
  name: string;
  left?: NodeSummary;
  right?: NodeSummary;
  /** 'both', or the only side that ran the node (a different route). */
  presence: 'both' | 'left' | 'right';
  statusDiffers: boolean;
  outputDiffers: boolean;
  attemptsDiffer: boolean;
  cost?: Delta;
  latency?: Delta;
  tokens?: Delta;
}

export interface CompareTotals {
  cost: Delta;
  latency: Delta;
  tokens: Delta;
  steps: Delta;
}

export interface Comparison {
  rows: CompareRow[];
  totals: CompareTotals;
  /** True when the runs went through different nodes. */
  routeDiffers: boolean;
  outcome: { left?: string; right?: string };
}

export function delta(left: number, right: number): Delta {
  const d: Delta = { left, right, abs: right - left };
  if (left !== 0) d.pct = ((right - left) / left) * 100;
  return d;
}

/** Outputs compared as values (key order and whitespace in the JSON text do not count). */
function sameOutput(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return false;
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Merges the two execution orders: common nodes keep their order, nodes of one run only are
 * placed where that run had them (after the previous common node).
 */
function mergeOrder(a: string[], b: string[]): string[] {
  const inA = new Set(a);
  const inB = new Set(b);
  const out: string[] = [];
  const done = new Set<string>();
  let i = 0;
  let j = 0;
  const push = (k: string) => {
    if (!done.has(k)) {
      done.add(k);
      out.push(k);
    }
  };
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && done.has(x)) i++;
    else if (y !== undefined && done.has(y)) j++;
    else if (x !== undefined && x === y) {
      push(x);
      i++;
      j++;
    } else if (x !== undefined && !inB.has(x)) {
      push(x);
      i++;
    } else if (y !== undefined && !inA.has(y)) {
      push(y);
      j++;
    } else if (x !== undefined) {
      // Both runs have both nodes, in opposite orders: take the left run's.
      push(x);
      i++;
    } else if (y !== undefined) {
      push(y);
      j++;
    }
  }
  return out;
}

export function compareTraces(left: TraceModel, right: TraceModel): Comparison {
  const ln = nodeSummaries(left);
  const rn = nodeSummaries(right);
  const lm = new Map(ln.map((n) => [n.key, n]));
  const rm = new Map(rn.map((n) => [n.key, n]));
  const rows = mergeOrder(
    ln.map((n) => n.key),
    rn.map((n) => n.key),
  ).map((key): CompareRow => {
    const l = lm.get(key);
    const r = rm.get(key);
    const row: CompareRow = {
      key,
      name: (l ?? r)!.name,
      presence: l && r ? 'both' : l ? 'left' : 'right',
      statusDiffers: !!l && !!r && l.status !== r.status,
      outputDiffers: !!l && !!r && !sameOutput(l.output, r.output),
      attemptsDiffer: !!l && !!r && l.attempts !== r.attempts,
    };
    if (l) row.left = l;
    if (r) row.right = r;
    if (l && r) {
      row.cost = delta(l.costUsd, r.costUsd);
      row.latency = delta(l.latencyMs, r.latencyMs);
      row.tokens = delta(l.tokens, r.tokens);
    }
    return row;
  });
  const sum = (list: NodeSummary[], f: (n: NodeSummary) => number) => list.reduce((t, n) => t + f(n), 0);
  const lt = left.totals;
  const rt = right.totals;
  return {
    rows,
    routeDiffers: rows.some((r) => r.presence !== 'both'),
    outcome: { left: left.outcome, right: right.outcome },
    totals: {
      cost: delta(lt?.costUsd ?? sum(ln, (n) => n.costUsd), rt?.costUsd ?? sum(rn, (n) => n.costUsd)),
      latency: delta(lt?.latencyMs ?? left.lastTime - (left.startTime ?? left.lastTime), rt?.latencyMs ?? right.lastTime - (right.startTime ?? right.lastTime)),
      tokens: delta(lt?.tokens ?? sum(ln, (n) => n.tokens), rt?.tokens ?? sum(rn, (n) => n.tokens)),
      steps: delta(lt?.steps ?? ln.length, rt?.steps ?? rn.length),
    },
  };
}
