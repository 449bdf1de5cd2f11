// Flow checks over one graph: a start and an end, reachability both ways, bounded loops,
// exhaustive routing (including loops whose bound runs out), joins that could wait forever, and
// node outputs used where that node may not have run.

import type { Expr } from '../syntax/ast.ts';
import { quietCtx, type Ctx } from '../semantics/context.ts';
import { ExprChecker } from '../semantics/expr-checker.ts';
import type { GEdge, GraphModel } from '../semantics/graph-model.ts';
import { sourceKey } from '../semantics/graph-model.ts';
import { quoteList } from '../semantics/report.ts';
import { literalValues, type Ty } from '../semantics/types.ts';
import { buildTopology, commonDominator, END, mustHaveRun, START, type Topology } from './graph-topology.ts';

export function checkFlow(ctx: Ctx, g: GraphModel): Topology {
  const topo = buildTopology(g);
  const name = g.sym.name;

  if (!topo.out.has(START)) {
    ctx.report('AG4006', g.decl.name, `Graph '${name}' has no \`start -> …\` edge, so nothing would run. Add one, e.g. \`start -> first_agent(${g.info.params.map((p) => p.name).join(', ')})\`.`);
  }
  if (!topo.in.has(END)) {
    ctx.report('AG4009', g.decl.name, `Graph '${name}' never reaches \`end\`, so a run could not return its ${g.info.output.k === 'object' && g.info.output.name ? g.info.output.name : 'result'}. Add an edge such as \`last -> end(last)\`.`);
  }

  for (const n of g.nodes.values()) {
    if (topo.out.has(START) && !topo.reachable.has(n.name)) {
      for (const site of n.calls.length ? n.calls.map((c) => c.name) : [n.site]) {
        ctx.report('AG4002', site, `Node '${n.name}' can never run: no path from start leads to it. Add an edge into it from a node that runs, or remove it.`, { tags: ['unnecessary'] });
      }
      continue;
    }
    if (topo.in.has(END) && !topo.reachesEnd.has(n.name)) {
      const hasOut = topo.out.has(n.name);
      ctx.report('AG4003', n.site, hasOut
        ? `Node '${n.name}' has no path to end: every route from it loops or dead-ends. Add an edge that leads towards end.`
        : `Nothing follows node '${n.name}', so a run that gets here stops without a result. Add an edge from it, e.g. \`${n.name} -> end(${n.name})\`.`, { data: { node: n.name } });
    }
  }

  checkLoops(ctx, g, topo);
  checkRouting(ctx, g, topo);
  checkJoins(ctx, g, topo);
  checkAvailability(ctx, g, topo);
  return topo;
}

/** Every cycle must pass an edge with `max N`. */
function checkLoops(ctx: Ctx, g: GraphModel, topo: Topology): void {
  for (const comp of topo.loops) {
    const members = new Set(comp);
    // Look for a cycle made only of unbounded edges inside this component (DFS, iterative).
    const color = new Map<string, 0 | 1 | 2>();
    const parentEdge = new Map<string, GEdge>();
    for (const root of comp) {
      if (color.get(root)) continue;
      const work: { v: string; edges: { e: GEdge; to: string }[]; i: number }[] = [];
      const open = (v: string) => {
        color.set(v, 1);
        const edges = (topo.out.get(v) ?? []).filter((e) => e.max === undefined).flatMap((e) => e.targets.filter((t) => members.has(t.name)).map((t) => ({ e, to: t.name })));
        work.push({ v, edges, i: 0 });
      };
      open(root);
      while (work.length) {
        const f = work[work.length - 1]!;
        if (f.i >= f.edges.length) {
          color.set(f.v, 2);
          work.pop();
          continue;
        }
        const { e, to } = f.edges[f.i++]!;
        const c = color.get(to) ?? 0;
        if (c === 0) {
          parentEdge.set(to, e);
          open(to);
        } else if (c === 1) {
          // `e` closes a cycle through the DFS stack: name the path for the message.
          const path: string[] = [];
          for (let k = work.findIndex((w) => w.v === to); k >= 0 && k < work.length; k++) path.push(work[k]!.v);
          path.push(to);
          ctx.report('AG4004', e.ast, `This edge closes a loop (${path.join(' → ')}) that nothing bounds, so a run could cycle forever and spend without limit. Add \`max N\` to the edge, e.g. \`… max 3\`.`, {
            data: { insertAt: e.ast.end, loop: path },
          });
          return;
        }
      }
    }
  }
}

interface Atom {
  subject: string;
  subjectExpr: Expr;
  values: (string | number | boolean)[];
}

/** Reads `x == "a"`, `x == "a" || x == "b"`, `x`, `!x` as a subject with the values it covers. */
function atomOf(ctx: Ctx, e: Expr): Atom | undefined {
  const text = (x: Expr) => ctx.unit.text.slice(x.start, x.end).replace(/\s+/g, '');
  const lit = (x: Expr) => (x.kind === 'StringLit' || x.kind === 'NumberLit' || x.kind === 'BoolLit' ? x.value : undefined);
  if (e.kind === 'Binary' && e.op === '==') {
    const lv = lit(e.left);
    const rv = lit(e.right);
    if (rv !== undefined && lv === undefined) return { subject: text(e.left), subjectExpr: e.left, values: [rv] };
    if (lv !== undefined && rv === undefined) return { subject: text(e.right), subjectExpr: e.right, values: [lv] };
    return undefined;
  }
  if (e.kind === 'Binary' && e.op === '||') {
    const a = atomOf(ctx, e.left);
    const b = atomOf(ctx, e.right);
    if (a && b && a.subject === b.subject) return { subject: a.subject, subjectExpr: a.subjectExpr, values: [...a.values, ...b.values] };
    return undefined;
  }
  if (e.kind === 'Unary' && e.op === '!') {
    const a = atomOf(ctx, e.operand);
    if (a && a.values.length === 1 && a.values[0] === true) return { ...a, values: [false] };
    return undefined;
  }
  if (e.kind === 'Ident' || e.kind === 'Member') return { subject: text(e), subjectExpr: e, values: [true] };
  return undefined;
}

function silentType(ctx: Ctx, g: GraphModel, e: Expr): Ty {
  // A graph's own scope already has no onNodeUse hook; only copy a scope that has one.
  const scope = g.scope.onNodeUse ? { ...g.scope, onNodeUse: undefined } : g.scope;
  return new ExprChecker(quietCtx(ctx), scope).check(e);
}

/** What a set of conditions leaves uncovered, if it can be told; `undefined` means "unknown". */
function uncovered(ctx: Ctx, g: GraphModel, edges: GEdge[]): { subject: string; missing: (string | number | boolean)[] } | undefined {
  let subject: Atom | undefined;
  const covered = new Set<string | number | boolean>();
  for (const e of edges) {
    if (!e.when) continue;
    const a = atomOf(ctx, e.when);
    if (!a || (subject && a.subject !== subject.subject)) return undefined;
    subject ??= a;
    for (const v of a.values) covered.add(v);
  }
  if (!subject) return undefined;
  const all = literalValues(silentType(ctx, g, subject.subjectExpr));
  if (!all) return undefined;
  return { subject: subject.subject, missing: all.filter((v) => !covered.has(v)) };
}

function checkRouting(ctx: Ctx, g: GraphModel, topo: Topology): void {
  for (const [key, group] of g.groups) {
    const source = key === START ? 'start' : key.split('&').join(', ');
    const otherwise = group.filter((e) => e.otherwise);
    if (otherwise.length > 1) {
      for (const e of otherwise.slice(1)) ctx.report('AG4008', e.ast.otherwise ?? e.ast, `A second \`otherwise\` from ${source} never fires; the first one takes every unmatched case. Remove it.`, { tags: ['unnecessary'] });
    }
    // Conditions already covered by an earlier route never fire (the first match wins).
    const seen = new Map<string, Set<string | number | boolean>>();
    for (const e of group) {
      if (!e.when || e.max !== undefined) continue;
      const a = atomOf(ctx, e.when);
      if (!a) continue;
      const s = seen.get(a.subject) ?? new Set();
      if (a.values.every((v) => s.has(v))) {
        ctx.report('AG4008', e.when, `This route never fires: an earlier route from ${source} already handles ${quoteList(a.values)}.`, { tags: ['unnecessary'] });
      }
      for (const v of a.values) s.add(v);
      seen.set(a.subject, s);
    }
    if (otherwise.length) continue;
    if (!topo.reachable.has(group[0]!.from[0]!) && key !== START) continue;

    const unbounded = group.filter((e) => e.max === undefined);
    const withoutLoops = uncovered(ctx, g, unbounded);
    if (withoutLoops && withoutLoops.missing.length === 0) continue;
    const last = group[group.length - 1]!;
    const data = { source: key, insertAfter: last.ast.end, missing: withoutLoops?.missing, subject: withoutLoops?.subject, sourceExpr: sourceKey(group[0]!.from) };
    const bounded = group.filter((e) => e.max !== undefined);
    const withLoops = bounded.length ? uncovered(ctx, g, group) : undefined;
    if (bounded.length && (withLoops ? withLoops.missing.length === 0 : true)) {
      const b = bounded[0]!;
      ctx.report('AG4001', b.ast, `Once this loop's \`max ${b.max}\` is spent its route stops matching, and no other route from ${source} covers that case, so the run would stop without a result. Add an \`otherwise\` route from ${source} (for example to a human or to end).`, { data });
      continue;
    }
    const what = withoutLoops && withoutLoops.missing.length
      ? `nothing handles ${withoutLoops.subject} == ${quoteList(withoutLoops.missing)}`
      : 'when no condition holds, no route applies';
    ctx.report('AG4001', last.ast, `Routing from ${source} is not exhaustive: ${what}. Add ${withoutLoops && withoutLoops.missing.length ? 'the missing cases or ' : ''}an \`otherwise\` route.`, { data });
  }
}

/** A join fires once all its members finished: a member a route can skip would block it forever. */
function checkJoins(ctx: Ctx, g: GraphModel, topo: Topology): void {
  for (const e of g.edges) {
    if (!e.join) continue;
    const members = e.from.filter((m) => g.nodes.has(m) && topo.reachable.has(m));
    if (members.length < 2) continue;
    const d = commonDominator(topo.idom, members);
    const always = alwaysRunsAfter(g, topo, d);
    const refs = e.ast.source.kind === 'JoinSource' ? e.ast.source.nodes : [];
    for (const m of members) {
      if (always.has(m)) continue;
      const ref = refs.find((r) => r.name.text === m) ?? e.ast.source;
      ctx.report('AG4005', ref, `This join waits for '${m}', but a route can skip '${m}', and then the join never fires. Join only branches that always run together (e.g. the targets of one fan-out), or send each route its own edge into the next node.`);
    }
  }
}

/** Vertices that surely run once `from` ran: reached through unconditional edges only. */
function alwaysRunsAfter(g: GraphModel, topo: Topology, from: string): Set<string> {
  const set = new Set<string>([from]);
  const queue = [from];
  const joins: GEdge[] = [];
  const fire = (e: GEdge) => {
    for (const t of e.targets) {
      if (!set.has(t.name)) {
        set.add(t.name);
        queue.push(t.name);
      }
    }
  };
  for (let progress = true; progress; ) {
    progress = false;
    while (queue.length) {
      const v = queue.shift()!;
      for (const e of topo.out.get(v) ?? []) {
        if (e.when || e.otherwise) continue;
        if (e.join) joins.push(e);
        else fire(e);
      }
    }
    for (const e of joins) {
      if (e.from.every((f) => set.has(f)) && e.targets.some((t) => !set.has(t.name))) {
        fire(e);
        progress = true;
      }
    }
  }
  void g;
  return set;
}

function allReachable(topo: Topology, vs: readonly string[]): boolean {
  for (const v of vs) if (!topo.reachable.has(v)) return false;
  return true;
}

function anyRan(ran: (node: string, at: string) => boolean, node: string, at: readonly string[]): boolean {
  for (const s of at) if (ran(node, s)) return true;
  return false;
}

/** A node's output is only there if the node ran before on every path to this edge. */
function checkAvailability(ctx: Ctx, g: GraphModel, topo: Topology): void {
  if (!g.edges.some((e) => e.uses.length)) return;
  const ran = mustHaveRun(g, topo);
  for (const e of g.edges) {
    if (!e.uses.length) continue;
    const sources = e.from.length === 1 && e.from[0] !== START ? e.from : e.from.filter((f) => f !== START);
    if (!allReachable(topo, sources)) continue;
    for (const u of e.uses) {
      if (sources.includes(u.name)) continue;
      // Inside a loop a node may have run in an earlier iteration only; "ran on every way in" is the safe rule.
      if (anyRan(ran, u.name, sources)) continue;
      const where = sources.length ? `'${sources.join("', '")}'` : 'start';
      ctx.report('AG3010', u.span, `'${u.name}' may not have run when this edge leaves ${where}: some path reaches here without it, and its value would be missing. Use a node that always runs before this point, or route through '${u.name}'.`);
    }
  }
}
