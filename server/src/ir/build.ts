// Compiles an analysed file to the IR: every declaration visible from the file (its own and its
// imports'), with arguments matched to parameter names, expressions as trees, JSON Schemas for
// every type, worst-case economics, and source ranges so views can jump back to the spec.

import type { Expr, NodeCall, Span } from '../syntax/ast.ts';
import type { Analysis } from '../semantics/analyze.ts';
import type { AgentInfo, CallableInfo, HumanInfo, ModelInfo, ToolInfo } from '../semantics/declarations.ts';
import type { Sym } from '../semantics/program.ts';
import { toJsonSchema } from '../semantics/types.ts';
import { LineIndex } from '../util/line-index.ts';
import { IR_VERSION, type EvalIR, type ExprIR, type GraphIR, type IR, type SourceRange } from './schema.ts';

export function exprToIR(e: Expr): ExprIR {
  switch (e.kind) {
    case 'StringLit':
      return { op: 'lit', value: e.value };
    case 'NumberLit':
    case 'BoolLit':
      return { op: 'lit', value: e.value };
    case 'NullLit':
    case 'ErrorExpr':
      return { op: 'lit', value: null };
    case 'DurationLit':
      return { op: 'lit', value: e.ms, unit: 'ms' };
    case 'MoneyLit':
      return { op: 'lit', value: e.usd, unit: 'usd' };
    case 'Ident':
      return { op: 'ref', name: e.name };
    case 'Member':
      return { op: 'get', object: exprToIR(e.object), key: e.property.text };
    case 'Index':
      return { op: 'index', object: exprToIR(e.object), index: exprToIR(e.index) };
    case 'Call':
      return { op: 'call', fn: e.callee.text, args: e.args.map((a) => exprToIR(a.value)) };
    case 'Unary':
      return { op: 'unary', operator: e.op, operand: exprToIR(e.operand) };
    case 'Binary':
      return { op: 'binary', operator: e.op, left: exprToIR(e.left), right: exprToIR(e.right) };
    case 'ListLit':
      return { op: 'list', items: e.items.map(exprToIR) };
    case 'ObjectLit':
      return { op: 'object', entries: e.entries.map((p) => ({ key: p.key.text, value: exprToIR(p.value) })) };
  }
}

/** Evaluates a constant expression (literals, lists, objects) to plain JSON, for inline eval cases. */
/** `variants: { name: { agent: { model: m, retry: 0, … } } }` as IR (the checker validated it). */
function variantsIR(v: Expr | undefined): EvalIR['variants'] {
  if (v?.kind !== 'ObjectLit') return undefined;
  return v.entries.map((variant) => ({
    name: variant.key.text,
    overrides:
      variant.value.kind !== 'ObjectLit'
        ? []
        : variant.value.entries.map((o) => {
            const out: NonNullable<EvalIR['variants']>[number]['overrides'][number] = { agent: o.key.text };
            const entries = o.value.kind === 'ObjectLit' ? o.value.entries : [];
            for (const p of entries) {
              const x = p.value;
              if (p.key.text === 'model' && x.kind === 'Ident') out.model = x.name;
              else if (p.key.text === 'retry' && x.kind === 'NumberLit') out.retry = x.value;
              else if (p.key.text === 'max_tokens' && x.kind === 'NumberLit') out.maxTokens = x.value;
              else if (p.key.text === 'temperature' && x.kind === 'NumberLit') out.temperature = x.value;
              else if ((p.key.text === 'prompt' || p.key.text === 'system') && x.kind === 'StringLit') out[p.key.text] = x.value;
            }
            return out;
          }),
  }));
}

export function constValue(e: Expr): unknown {
  switch (e.kind) {
    case 'StringLit':
    case 'NumberLit':
    case 'BoolLit':
      return e.value;
    case 'DurationLit':
      return e.ms;
    case 'MoneyLit':
      return e.usd;
    case 'ListLit':
      return e.items.map(constValue);
    case 'ObjectLit':
      return Object.fromEntries(e.entries.map((p) => [p.key.text, constValue(p.value)]));
    case 'Unary':
      return e.op === '-' && e.operand.kind === 'NumberLit' ? -e.operand.value : null;
    default:
      return null;
  }
}

export function buildIR(a: Analysis): IR {
  const indexes = new Map<string, LineIndex>();
  const texts = new Map(a.units.map((u) => [u.path, u.text]));
  const range = (file: string, span: Span): SourceRange => {
    let idx = indexes.get(file);
    if (!idx) {
      idx = new LineIndex(texts.get(file) ?? '');
      indexes.set(file, idx);
    }
    return { file, start: idx.positionAt(span.start), end: idx.positionAt(span.end) };
  };
  const srcOf = (file: string, span: Span) => (texts.get(file) ?? '').slice(span.start, span.end);
  const symRange = (s: Sym) => range(s.file, s.decl.name);
  const params = (c: CallableInfo) => c.params.map((p) => ({ name: p.name, schema: toJsonSchema(p.type) }));

  const ir: IR = { version: IR_VERSION, source: a.path, types: {}, models: [], tools: [], agents: [], humans: [], graphs: [], evals: [] };
  const syms = [...a.symbols.values()];

  for (const s of syms.filter((x) => x.kind === 'type')) ir.types[s.name] = toJsonSchema(a.ctx.types.ofDecl(s));
  for (const s of syms.filter((x) => x.kind === 'model')) {
    const m: ModelInfo = a.decls.model(s);
    const { id: _id, family: _family, ...profile } = m.profile;
    ir.models.push({
      name: m.name,
      provider: m.provider,
      modelId: m.modelId,
      params: { temperature: m.temperature, maxTokens: m.maxTokens, topP: m.topP, seed: m.seed },
      baseUrl: m.baseUrl,
      apiKeyEnv: m.apiKeyEnv,
      profile,
      inCatalog: m.inCatalog,
      range: symRange(s),
    });
  }
  for (const s of syms.filter((x) => x.kind === 'tool')) {
    const t: ToolInfo = a.decls.tool(s);
    ir.tools.push({
      name: s.name,
      description: t.description,
      params: params(t),
      input: toJsonSchema(t.inputTy),
      output: toJsonSchema(t.output),
      effect: t.effect,
      timeoutMs: t.timeoutMs,
      impl: t.impl,
      approve: t.approve?.name,
      range: symRange(s),
    });
  }
  for (const s of syms.filter((x) => x.kind === 'agent')) {
    const ag = a.decls.callable(s) as AgentInfo;
    ir.agents.push({
      name: s.name,
      doc: s.decl.doc,
      params: params(ag),
      input: toJsonSchema(ag.inputTy),
      output: toJsonSchema(ag.output),
      model: ag.model?.name ?? '',
      fallback: ag.fallback.map((m) => m.name),
      tools: ag.tools.map((t) => t.sym.name),
      prompt: ag.prompt ? { template: ag.prompt.text, source: ag.prompt.source, path: ag.prompt.path } : { template: '', source: 'inline' },
      system: ag.system ? { template: ag.system.text, source: ag.system.source, path: ag.system.path } : undefined,
      retry: ag.retry,
      cacheTtlMs: ag.cacheTtlMs,
      timeoutMs: ag.timeoutMs,
      maxTurns: ag.maxTurns,
      temperature: ag.temperature,
      maxTokens: ag.maxTokens,
      worstCase: a.economics.node(ag),
      range: symRange(s),
    });
  }
  for (const s of syms.filter((x) => x.kind === 'human')) {
    const h = a.decls.callable(s) as HumanInfo;
    ir.humans.push({
      name: s.name,
      doc: s.decl.doc,
      params: params(h),
      input: toJsonSchema(h.inputTy),
      output: toJsonSchema(h.output),
      prompt: h.prompt ? { template: h.prompt.text, source: h.prompt.source, path: h.prompt.path } : undefined,
      timeoutMs: h.timeoutMs,
      range: symRange(s),
    });
  }
  for (const s of syms.filter((x) => x.kind === 'graph')) {
    const g = a.graphOf(s.name);
    if (!g) continue;
    const local = a.graphs.get(s.name);
    const worst = local?.worst ?? a.economics.graph(g.model, g.topo, false);
    const worstR = local?.worstSupervised ?? a.economics.graph(g.model, g.topo, true);
    const m = g.model;
    const file = s.file;
    const args = (call: NodeCall) => {
      const node = m.nodes.get(call.name.text);
      const ps = node?.info.params ?? [];
      const filled = new Set<string>();
      let next = 0;
      const out: GraphIR['edges'][number]['to'][number]['args'] = [];
      for (const arg of call.args) {
        let name = arg.name?.text;
        if (!name) {
          while (next < ps.length && filled.has(ps[next]!.name)) next++;
          name = ps[next++]?.name;
        }
        if (!name) continue;
        filled.add(name);
        out.push({ param: name, value: exprToIR(arg.value), src: srcOf(file, arg.value) });
      }
      return out;
    };
    const wc = ({ perNode: _p, ...rest }: typeof worst) => rest;
    ir.graphs.push({
      name: s.name,
      doc: s.decl.doc,
      params: params(m.info),
      input: toJsonSchema(m.info.inputTy),
      output: toJsonSchema(m.info.output),
      budget: { costUsd: m.budget.costUsd, latencyMs: m.budget.latencyMs, steps: m.budget.steps, tokens: m.budget.tokens },
      concurrency: m.concurrency,
      timeoutMs: m.timeoutMs,
      nodes: [...m.nodes.values()].map((n) => ({ name: n.name, kind: n.info.kind, mapped: n.mapped, width: n.width, range: range(file, n.site) })),
      edges: m.edges.map((e) => ({
        id: e.index,
        from: e.from,
        join: e.join,
        to: e.targets.map((t) => {
          if (t.name === 'end') {
            const end = e.ast.target.kind === 'EndTarget' ? e.ast.target : undefined;
            return { node: 'end', args: [], result: end?.value ? exprToIR(end.value) : undefined, range: range(file, t.span) };
          }
          const call = t.call!;
          const fe = call.forEach;
          return {
            node: t.name,
            args: args(call),
            forEach: fe && !fe.variable.missing ? { variable: fe.variable.text, list: exprToIR(fe.list), max: m.nodes.get(t.name)?.width ?? 1 } : undefined,
            range: range(file, call),
          };
        }),
        when: e.when ? exprToIR(e.when) : undefined,
        whenSrc: e.when ? srcOf(file, e.when) : undefined,
        otherwise: e.otherwise,
        max: e.max,
        range: range(file, e.ast),
      })),
      supervisors: m.supervisors.map((sv) => ({ name: sv.name, children: sv.children, strategy: sv.strategy, maxRestarts: sv.maxRestarts, withinMs: sv.withinMs, escalate: sv.escalate?.name, range: range(file, sv.ast) })),
      worstCase: wc(worst),
      worstCaseWithRestarts: wc(worstR),
      range: symRange(s),
    });
  }
  for (const [name, ev] of a.evals) {
    const d = ev.sym.decl;
    if (d.kind !== 'EvalDecl' || !ev.graph) continue;
    const prop = (k: string) => d.props.find((p) => p.key.text === k)?.value;
    const num = (k: string) => {
      const v = prop(k);
      return v?.kind === 'NumberLit' ? v.value : undefined;
    };
    const cases = prop('cases');
    const maxCost = prop('max_cost');
    const judge = prop('judge');
    ir.evals.push({
      name,
      graph: ev.graph.name,
      dataset: ev.datasetPath,
      cases: cases?.kind === 'ListLit' ? (cases.items.map(constValue).filter((x) => x && typeof x === 'object') as Record<string, unknown>[]) : undefined,
      caseRanges:
        cases?.kind === 'ListLit'
          ? cases.items.filter((x) => {
              const v = constValue(x);
              return v && typeof v === 'object';
            }).map((x) => range(ev.sym.file, x))
          : undefined,
      repeat: num('repeat') ?? 1,
      passRate: num('pass_rate') ?? 1,
      concurrency: num('concurrency'),
      maxCostUsd: maxCost?.kind === 'MoneyLit' ? maxCost.usd : undefined,
      judge: judge?.kind === 'Ident' ? judge.name : undefined,
      variants: variantsIR(prop('variants')),
      asserts: d.asserts.map((as) => ({ expr: exprToIR(as.expr), src: srcOf(ev.sym.file, as.expr), range: range(ev.sym.file, as) })),
      range: symRange(ev.sym),
    });
  }
  return ir;
}
