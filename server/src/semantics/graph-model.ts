// Builds the checked model of one graph: its nodes (instances of agents, humans, tools and other
// graphs), its edges with typed arguments and conditions, its route groups, budget and
// supervisors. Flow, reliability and cost checks all work on this model rather than on syntax.

import type { Edge, Expr, GraphDecl, NodeCall, NodeRef, Span, Supervise } from '../syntax/ast.ts';
import type { Ctx } from './context.ts';
import { declSite, quietCtx, refToSym } from './context.ts';
import type { CallableInfo, Declarations, ParamInfo } from './declarations.ts';
import { ExprChecker, tableScope, type Binding, type Scope } from './expr-checker.ts';
import type { Sym } from './program.ts';
import { PROPERTY_SPECS, SUPERVISION_STRATEGIES } from './property-specs.ts';
import { didYouMean } from './report.ts';
import { T, assignable, display, displayShort, isLoose, stripOptional, type Ty } from './types.ts';

export interface GNode {
  name: string;
  info: CallableInfo;
  /** Every call of this node on the graph's edges (empty when it only appears as a source). */
  calls: NodeCall[];
  /** Where the node first appears: its first call, or else its first use as an edge source. */
  site: Span;
  /** True when the node is the target of a `for … in` edge: it runs once per element. */
  mapped: boolean;
  /** The fan-out width bound of a mapped node. */
  width: number;
}

export interface GTarget {
  /** A node name, or 'end'. */
  name: string;
  span: Span;
  call?: NodeCall;
}

export interface GEdge {
  index: number;
  ast: Edge;
  /** 'start' or node names; more than one for a join. */
  from: string[];
  join: boolean;
  targets: GTarget[];
  when?: Expr;
  otherwise: boolean;
  /** The loop bound (`max N`). */
  max?: number;
  /** Nodes whose outputs or inputs this edge's expressions use, for availability checks. */
  uses: { name: string; span: Span }[];
}

export interface Budget {
  costUsd?: number;
  latencyMs?: number;
  steps?: number;
  tokens?: number;
  span?: Span;
  /** Spans of each limit's value, so a diagnostic can point at the exceeded limit. */
  spans: Partial<Record<'cost' | 'latency' | 'steps' | 'tokens', Span>>;
}

export interface SupervisorModel {
  ast: Supervise;
  name?: string;
  children: string[];
  strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  maxRestarts: number;
  withinMs: number;
  escalate?: Sym;
}

export interface GraphModel {
  sym: Sym;
  decl: GraphDecl;
  info: CallableInfo;
  nodes: Map<string, GNode>;
  edges: GEdge[];
  /** Conditional edges grouped by source, in the order written. */
  groups: Map<string, GEdge[]>;
  budget: Budget;
  concurrency: number;
  timeoutMs?: number;
  supervisors: SupervisorModel[];
  /** Graph parameters and node outputs, for typing expressions after the fact. */
  scope: Scope;
}

export const DEFAULT_CONCURRENCY = 4;

export function sourceKey(from: string[]): string {
  return from.join('&');
}

/** Builds the model; reports only when the graph is declared in the file under check. */
export function buildGraphModel(ctx: Ctx, decls: Declarations, sym: Sym): GraphModel {
  const decl = sym.decl as GraphDecl;
  const here = sym.file === ctx.file;
  // Imported graphs are modelled silently: their diagnostics belong to their own file.
  const c: Ctx = here ? ctx : quietCtx(ctx);
  const info = decls.callable(sym)!;
  const nodes = new Map<string, GNode>();

  // Pass 1: every call on an edge target makes (or adds to) a node.
  const calls: NodeCall[] = [];
  for (const item of decl.items) {
    if (item.kind !== 'Edge') continue;
    if (item.target.kind === 'NodeCall') calls.push(item.target);
    else if (item.target.kind === 'FanOut') calls.push(...item.target.calls);
  }
  for (const call of calls) {
    if (call.name.missing) continue;
    const name = call.name.text;
    const existing = nodes.get(name);
    if (existing) {
      existing.calls.push(call);
      if (call.forEach) existing.mapped = true;
      continue;
    }
    const target = ctx.symbols.get(name);
    if (!target) {
      const cands = [...ctx.symbols.values()].filter((s) => s.kind === 'agent' || s.kind === 'human' || s.kind === 'tool' || s.kind === 'graph').map((s) => s.name);
      const dym = didYouMean(name, cands);
      c.report('AG2001', call.name, `Unknown node '${name}'.${dym.text || ` Declare it, e.g. \`agent ${name}(…) -> … { model: …, prompt: "…" }\`.`}`, {
        data: { suggestion: dym.suggestion, create: 'agent', name },
      });
      continue;
    }
    c.refs.push(refToSym(call.name.start, call.name.end, target));
    if (target === sym) {
      c.report('AG4010', call.name, `Graph '${name}' cannot call itself; use a loop edge with \`max N\` instead.`);
      continue;
    }
    if (target.kind === 'graph' && callsGraph(ctx.symbols, target, sym)) {
      c.report('AG4010', call.name, `Graph '${name}' calls '${sym.name}' back (directly or through other graphs), so runs would nest forever. Use a loop edge with \`max N\` instead.`);
      continue;
    }
    const callInfo = decls.callable(target);
    if (!callInfo) {
      c.report('AG2009', call.name, `'${name}' is ${target.kind === 'eval' ? 'an' : 'a'} ${target.kind}; only agents, humans, tools and graphs can be nodes.`);
      continue;
    }
    nodes.set(name, { name, info: callInfo, calls: [call], mapped: !!call.forEach, width: 1, site: call.name });
  }
  // A declared agent used only as an edge source is still a node (one nothing leads to), so the
  // flow checks can say so instead of calling it unknown.
  for (const item of decl.items) {
    if (item.kind !== 'Edge') continue;
    const refs = item.source.kind === 'JoinSource' ? item.source.nodes : item.source.kind === 'NodeRef' ? [item.source] : [];
    for (const r of refs) {
      if (r.name.missing || nodes.has(r.name.text)) continue;
      const target = ctx.symbols.get(r.name.text);
      const callInfo = target && target !== sym ? decls.callable(target) : undefined;
      if (callInfo) nodes.set(r.name.text, { name: r.name.text, info: callInfo, calls: [], mapped: false, width: 1, site: r.name });
    }
  }
  for (const n of nodes.values()) {
    for (const call of n.calls) {
      if (call !== n.calls[0]) c.refs.push(refToSym(call.name.start, call.name.end, n.info.sym));
    }
  }

  // The expression scope of the graph: parameters, then node outputs (lists for mapped nodes).
  const table = new Map<string, Binding>();
  for (const p of info.params) table.set(p.name, { ty: p.type, ref: { kind: 'param', site: p.site } });
  for (const n of nodes.values()) {
    const s = n.info.sym;
    table.set(n.name, {
      ty: n.mapped ? T.list(n.info.output) : n.info.output,
      ref: { kind: s.kind, site: declSite(s), sym: s },
      node: { sym: s, inputs: n.info.inputTy },
    });
  }

  const model: GraphModel = {
    sym,
    decl,
    info,
    nodes,
    edges: [],
    groups: new Map(),
    budget: { spans: {} },
    concurrency: DEFAULT_CONCURRENCY,
    supervisors: [],
    scope: tableScope(table),
  };

  // Pass 2: edges, budget, properties, supervisors. One scope and one checker serve every edge;
  // node uses are recorded into the list of the edge being built.
  const edgeUses = new UseList();
  const edgeScope = tableScope(table, undefined, (name, span) => edgeUses.add(name, span));
  const edgeChecker = new ExprChecker(c, edgeScope);
  const seenProps = new Set<string>();
  for (const item of decl.items) {
    switch (item.kind) {
      case 'Edge':
        model.edges.push(buildEdge(c, model, item, table, edgeChecker, edgeScope, edgeUses));
        break;
      case 'Budget':
        readBudget(c, model, item.props, item);
        break;
      case 'Property': {
        const key = item.key.text;
        const spec = PROPERTY_SPECS.graph[key];
        if (!spec) {
          const dym = didYouMean(key, Object.keys(PROPERTY_SPECS.graph));
          c.report('AG2007', item.key, `'${key}' is not a graph property.${dym.text} Graph properties: ${Object.keys(PROPERTY_SPECS.graph).join(', ')}; limits go in \`budget { … }\`.`, { data: { suggestion: dym.suggestion } });
        } else if (seenProps.has(key)) c.report('AG2011', item.key, `'${key}' is set twice; remove one of them.`);
        else if (item.value.kind === 'ErrorExpr') {
          // Already reported by the parser.
        } else if (key === 'concurrency') {
          if (item.value.kind === 'NumberLit' && Number.isInteger(item.value.value) && item.value.value >= 1) model.concurrency = item.value.value;
          else c.report('AG2010', item.value, "'concurrency' takes a whole number of at least 1.");
        } else if (key === 'timeout') {
          if (item.value.kind === 'DurationLit') model.timeoutMs = item.value.ms;
          else c.report('AG2010', item.value, "'timeout' takes a duration such as 5m.");
        }
        seenProps.add(key);
        break;
      }
      case 'Supervise':
        model.supervisors.push(buildSupervisor(c, model, item));
        break;
    }
  }
  for (const e of model.edges) {
    if (!e.when && !e.otherwise) continue;
    const key = sourceKey(e.from);
    const g = model.groups.get(key);
    if (g) g.push(e);
    else model.groups.set(key, [e]);
  }
  return model;
}

/** Does graph `from` call graph `to`, directly or through other graphs? */
function callsGraph(symbols: Map<string, Sym>, from: Sym, to: Sym): boolean {
  const seen = new Set<Sym>();
  const stack = [from];
  while (stack.length) {
    const g = stack.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    const decl = g.decl as GraphDecl;
    for (const item of decl.items) {
      if (item.kind !== 'Edge') continue;
      const calls = item.target.kind === 'NodeCall' ? [item.target] : item.target.kind === 'FanOut' ? item.target.calls : [];
      for (const c of calls) {
        const s = symbols.get(c.name.text);
        if (s === to) return true;
        if (s?.kind === 'graph') stack.push(s);
      }
    }
  }
  return false;
}

/**
 * Node uses of the edge being built, recorded by the graph's shared edge scope. The edge keeps an
 * exact-size copy: edges are many and their lists short, and an array grown by push would keep
 * room for 16 entries each for the life of the analysis.
 */
class UseList {
  private readonly items: GEdge['uses'] = [];
  private count = 0;

  add(name: string, span: Span): void {
    this.items[this.count++] = { name, span };
  }

  /** The uses recorded since the last call. */
  take(): GEdge['uses'] {
    const out = this.items.slice(0, this.count);
    this.count = 0;
    return out;
  }
}

/** `checker` types in `scope` (the graph's table), which records node uses into `uses`. */
function buildEdge(c: Ctx, model: GraphModel, e: Edge, table: Map<string, Binding>, checker: ExprChecker, scope: Scope, uses: UseList): GEdge {
  const src = e.source;
  const refs: readonly NodeRef[] = src.kind === 'JoinSource' ? src.nodes : src.kind === 'NodeRef' ? [src] : [];
  let named = 0;
  for (const r of refs) if (!r.name.missing) named++;
  const from: string[] = new Array<string>(named + (src.kind === 'StartRef' ? 1 : 0));
  let nfrom = 0;
  if (src.kind === 'StartRef') from[nfrom++] = 'start';
  for (const r of refs) {
    if (r.name.missing) continue;
    const n = model.nodes.get(r.name.text);
    if (!n) {
      const sym = c.symbols.get(r.name.text);
      if (sym) c.refs.push(refToSym(r.name.start, r.name.end, sym));
      const dym = didYouMean(r.name.text, model.nodes.keys());
      c.report('AG2001', r.name, `'${r.name.text}' is not a node of graph '${model.sym.name}': no edge leads to it.${dym.text || ` Add one, e.g. \`start -> ${r.name.text}(…)\`.`}`, {
        data: { suggestion: dym.suggestion, name: r.name.text },
      });
    } else {
      c.refs.push(refToSym(r.name.start, r.name.end, n.info.sym));
    }
    from[nfrom++] = r.name.text;
  }
  if (src.kind === 'JoinSource' && new Set(from).size !== from.length) c.report('AG2011', e.source, 'A node is listed twice in this join.');

  const t = e.target;
  const targets: GTarget[] = new Array<GTarget>(t.kind === 'FanOut' ? t.calls.length : 1);
  if (t.kind === 'EndTarget') {
    targets[0] = { name: 'end', span: t };
    const result = model.info.output;
    if (!t.value) {
      if (!isLoose(result)) c.report('AG3007', t, `Graph '${model.sym.name}' returns ${displayShort(result)}; pass the result: end(…).`);
    } else {
      const vt = checker.check(t.value);
      if (!assignable(vt, result)) {
        c.report('AG3007', t.value, `This ends graph '${model.sym.name}' with ${displayShort(vt)}, but the graph returns ${displayShort(result)}. Pass a ${displayShort(result)}, or change the graph's result type.`);
      }
    }
  } else {
    const list = t.kind === 'FanOut' ? t.calls : [t];
    for (let i = 0; i < list.length; i++) {
      const call = list[i]!;
      targets[i] = { name: call.name.text, span: call.name, call };
      checkCall(c, model, call, checker, table, scope);
    }
  }

  let max: number | undefined;
  if (e.max) {
    if (Number.isInteger(e.max.value) && e.max.value >= 1) max = e.max.value;
    else c.report('AG2010', e.max, 'A loop bound is a whole number of at least 1, e.g. `max 3`.');
  }
  if (e.when) checker.condition(e.when, 'A `when` condition');
  if (e.when && e.otherwise) c.report('AG2010', e.otherwise, 'An edge has either `when …` or `otherwise`, not both.');
  return { index: model.edges.length, ast: e, from, join: e.source.kind === 'JoinSource', targets, when: e.when, otherwise: !!e.otherwise, max, uses: uses.take() };
}

/** Matches arguments to parameters (positional in order, or by name) and checks their types. */
function checkCall(c: Ctx, model: GraphModel, call: NodeCall, checker: ExprChecker, table: Map<string, Binding>, scope: Scope): void {
  const node = model.nodes.get(call.name.text);
  let argChecker = checker;
  if (call.forEach) {
    const listT = checker.check(call.forEach.list);
    const base = stripOptional(listT);
    let elem: Ty = T.error;
    if (base.k === 'list') elem = base.element;
    else if (!isLoose(listT)) c.report('AG3001', call.forEach.list, `\`for … in\` needs a list, but this is ${display(listT)}.`);
    const v = call.forEach.variable;
    if (!v.missing) {
      const inner = new Map<string, Binding>([[v.text, { ty: elem, ref: { kind: 'param', site: { file: c.file, start: v.start, end: v.end } } }]]);
      if (table.has(v.text)) c.report('AG2002', v, `'${v.text}' already names a parameter or node of this graph; choose another loop variable name.`);
      argChecker = new ExprChecker(c, tableScope(inner, scope));
    }
    const w = call.forEach.max;
    if (!w) {
      c.report('AG4007', call.forEach, `This fan-out has no width bound, so its worst-case cost is unbounded. Add \`max N\` after the list, e.g. \`for ${v.text || 'x'} in … max 5\`.`, { data: { insertAt: call.forEach.end } });
    } else if (!Number.isInteger(w.value) || w.value < 1) {
      c.report('AG2010', w, 'A fan-out width is a whole number of at least 1.');
    } else if (node) node.width = Math.max(node.width, w.value);
  }
  if (!node) {
    for (const a of call.args) argChecker.check(a.value);
    return;
  }
  const params = node.info.params;
  // Which parameters (by position) are given so far: parameter names are unique, so this is the
  // set of given names, without a Map and closures per call.
  const filled: boolean[] = new Array<boolean>(params.length).fill(false);
  let nextPositional = 0;
  for (const a of call.args) {
    let pname: string | undefined;
    let index: number;
    if (a.name) {
      pname = a.name.text;
      index = paramIndex(params, pname);
      const p = params[index];
      if (!p) {
        const dym = didYouMean(pname, params.map((x) => x.name));
        c.report('AG3004', a.name, `'${call.name.text}' has no parameter '${pname}'.${dym.text} Parameters: ${params.map((x) => x.name).join(', ') || '(none)'}.`, { data: { suggestion: dym.suggestion } });
        argChecker.check(a.value);
        continue;
      }
      c.refs.push({ start: a.name.start, end: a.name.end, name: pname, kind: 'param', target: p.site });
    } else {
      while (nextPositional < params.length && filled[nextPositional]) nextPositional++;
      index = nextPositional;
      const p = params[nextPositional];
      if (!p) {
        c.report('AG3004', a, `'${call.name.text}' takes ${params.length} argument${params.length === 1 ? '' : 's'}; remove this one.`);
        argChecker.check(a.value);
        continue;
      }
      pname = p.name;
      nextPositional++;
    }
    if (filled[index]) {
      c.report('AG3004', a, `Parameter '${pname}' is given twice.`);
      continue;
    }
    filled[index] = true;
    const p = params[index]!;
    const at = argChecker.check(a.value);
    if (!assignable(at, p.type)) {
      c.report('AG3001', a.value, `'${call.name.text}' expects ${pname}: ${displayShort(p.type)}, but this is ${displayShort(at)}.`);
    }
  }
  let missing: ParamInfo[] | undefined;
  for (let i = 0; i < params.length; i++) if (!filled[i] && params[i]!.type.k !== 'optional') (missing ??= []).push(params[i]!);
  if (missing) {
    c.report('AG3004', call, `'${call.name.text}' needs ${missing.map((p) => `${p.name}: ${displayShort(p.type)}`).join(', ')}.`, { data: { missing: missing.map((p) => p.name) } });
  }
}

/** The position of the parameter called `name`, or -1. */
function paramIndex(params: readonly ParamInfo[], name: string): number {
  for (let i = 0; i < params.length; i++) if (params[i]!.name === name) return i;
  return -1;
}

function readBudget(c: Ctx, model: GraphModel, props: { key: { text: string; start: number; end: number }; value: Expr }[], span: Span): void {
  const b = model.budget;
  b.span = span;
  const spec = PROPERTY_SPECS.budget;
  for (const p of props) {
    const key = p.key.text as 'cost' | 'latency' | 'steps' | 'tokens';
    if (!spec[key]) {
      const dym = didYouMean(key, Object.keys(spec));
      c.report('AG2007', p.key, `'${key}' is not a budget limit.${dym.text} Limits: cost, latency, steps, tokens.`, { data: { suggestion: dym.suggestion } });
      continue;
    }
    if (b.spans[key]) {
      c.report('AG2011', p.key, `'${key}' is set twice; remove one of them.`);
      continue;
    }
    b.spans[key] = p.value;
    const v = p.value;
    if (v.kind === 'ErrorExpr') continue; // The parser already reported it.
    if (key === 'cost') {
      if (v.kind === 'MoneyLit') b.costUsd = v.usd;
      else c.report('AG2010', v, 'A cost budget is an amount in dollars such as $0.10.');
    } else if (key === 'latency') {
      if (v.kind === 'DurationLit') b.latencyMs = v.ms;
      else c.report('AG2010', v, 'A latency budget is a duration such as 60s.');
    } else if (v.kind === 'NumberLit' && Number.isInteger(v.value) && v.value >= 1) {
      if (key === 'steps') b.steps = v.value;
      else b.tokens = v.value;
    } else c.report('AG2010', v, `A ${key} budget is a whole number of at least 1.`);
  }
}

function buildSupervisor(c: Ctx, model: GraphModel, s: Supervise): SupervisorModel {
  const sup: SupervisorModel = {
    ast: s,
    name: s.name && !s.name.missing ? s.name.text : undefined,
    children: s.children.filter((r) => !r.name.missing).map((r) => r.name.text),
    strategy: 'one_for_one',
    maxRestarts: 3,
    withinMs: 60_000,
  };
  if (!s.strategy.missing) {
    if ((SUPERVISION_STRATEGIES as readonly string[]).includes(s.strategy.text)) sup.strategy = s.strategy.text as SupervisorModel['strategy'];
    else {
      const dym = didYouMean(s.strategy.text, SUPERVISION_STRATEGIES);
      c.report('AG5009', s.strategy, `Unknown supervision strategy '${s.strategy.text}'; use one_for_one, one_for_all or rest_for_one.${dym.text}`, { data: { suggestion: dym.suggestion } });
    }
  }
  for (const a of s.args) {
    const key = a.name?.text;
    if (a.value.kind === 'ErrorExpr') continue;
    if (key === 'max_restarts') {
      if (a.value.kind === 'NumberLit' && Number.isInteger(a.value.value) && a.value.value >= 0) sup.maxRestarts = a.value.value;
      else c.report('AG2010', a.value, "'max_restarts' is a whole number, e.g. 3.");
    } else if (key === 'within') {
      if (a.value.kind === 'DurationLit') sup.withinMs = a.value.ms;
      else c.report('AG2010', a.value, "'within' is a duration, e.g. 60s.");
    } else {
      c.report('AG2007', a, 'A supervisor takes `max_restarts: N` and `within: <duration>`.');
    }
  }
  if (s.escalate && !s.escalate.name.missing) {
    const name = s.escalate.name.text;
    const target = c.symbols.get(name);
    if (!target) {
      const dym = didYouMean(name, [...c.symbols.values()].filter((x) => x.kind === 'human' || x.kind === 'graph').map((x) => x.name));
      c.report('AG2001', s.escalate.name, `Unknown escalation target '${name}'.${dym.text || ` Declare it, e.g. \`human ${name}(…) -> …\`.`}`, { data: { suggestion: dym.suggestion, create: 'human', name } });
    } else {
      c.refs.push(refToSym(s.escalate.name.start, s.escalate.name.end, target));
      if (target.kind !== 'human' && target.kind !== 'graph') {
        c.report('AG5007', s.escalate.name, `Escalation goes to a person or another graph, but '${name}' is ${target.kind === 'agent' ? 'an' : 'a'} ${target.kind}. Escalate to a \`human\` (or a graph) so a failure that restarts cannot fix reaches someone who can.`);
      } else {
        sup.escalate = target;
      }
    }
  }
  return sup;
}
