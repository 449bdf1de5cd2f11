// Checks `eval` declarations: the graph under test, where cases come from, the type of a case row
// (declared, or inferred from the dataset or inline cases), and every assertion's type.

import * as path from 'node:path';
import type { Call, EvalDecl, Expr } from '../syntax/ast.ts';
import type { Ctx } from './context.ts';
import { refToSym } from './context.ts';
import type { Declarations } from './declarations.ts';
import { ExprChecker, tableScope, type Binding, type ExtraFunctions } from './expr-checker.ts';
import type { GraphModel } from './graph-model.ts';
import type { Sym } from './program.ts';
import { PROPERTY_SPECS } from './property-specs.ts';
import { didYouMean } from './report.ts';
import { T, assignable, display, displayShort, isLoose, isStringy, isNumeric, widen, type FieldTy, type Ty } from './types.ts';

export const RUN_TYPE: Ty = {
  k: 'object',
  name: 'Run',
  fields: [
    { name: 'cost', type: T.money, optional: false, doc: 'What the run cost.' },
    { name: 'latency', type: T.duration, optional: false, doc: 'Machine time of the run (human waits excluded).' },
    { name: 'steps', type: T.integer, optional: false, doc: 'Node executions.' },
    { name: 'tokens', type: T.integer, optional: false, doc: 'Input plus output tokens.' },
    { name: 'retries', type: T.integer, optional: false, doc: 'Retries across all nodes.' },
    { name: 'escalated', type: T.boolean, optional: false, doc: 'Whether a human got involved.' },
  ],
};

export interface EvalModel {
  sym: Sym;
  graph?: Sym;
  datasetPath?: string;
  caseType: Ty;
}

/** The type of JSON values seen in a dataset column. */
function jsonType(v: unknown): Ty {
  if (typeof v === 'string') return T.string;
  if (typeof v === 'number') return Number.isInteger(v) ? T.integer : T.number;
  if (typeof v === 'boolean') return T.boolean;
  if (v === null) return T.null;
  if (Array.isArray(v)) return T.list(v.length ? jsonType(v[0]) : T.any);
  if (typeof v === 'object') return { k: 'object', fields: Object.entries(v as Record<string, unknown>).map(([name, x]) => ({ name, type: jsonType(x), optional: false })) };
  return T.any;
}

/** Infers a row type from JSONL or CSV text: the union of keys, each typed by its values. */
export function inferRowType(text: string, file: string): Ty {
  const fields = new Map<string, { type: Ty; count: number }>();
  let rows = 0;
  if (file.endsWith('.csv')) {
    const header = text.split(/\r?\n/, 1)[0] ?? '';
    return { k: 'object', fields: header.split(',').filter(Boolean).map((h) => ({ name: h.trim().replace(/^"|"$/g, ''), type: T.string, optional: false })) };
  }
  for (const line of text.split(/\r?\n/).slice(0, 1000)) {
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) continue;
    rows++;
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
      const t = jsonType(v);
      const f = fields.get(k);
      if (!f) fields.set(k, { type: t, count: 1 });
      else {
        f.count++;
        if (!assignable(t, f.type)) f.type = assignable(f.type, t) ? t : T.any;
      }
    }
  }
  if (rows === 0) return T.any;
  const out: FieldTy[] = [...fields].map(([name, f]) => ({ name, type: f.type, optional: f.count < rows }));
  return { k: 'object', fields: out };
}

/**
 * Checks a literal case value against a declared type field by field, keeping literal types (so
 * `tier: "pro"` fits `"free" | "pro"`), and says where and why it does not fit.
 */
function conforms(e: Expr, t: Ty, checker: ExprChecker): { at: Expr; why: string } | undefined {
  const target = t.k === 'optional' ? t.inner : t;
  if (e.kind === 'NullLit' && t.k === 'optional') return undefined;
  if (e.kind === 'ObjectLit' && target.k === 'object') {
    for (const f of target.fields) {
      const entry = e.entries.find((x) => x.key.text === f.name);
      if (!entry) {
        if (!f.optional && f.type.k !== 'optional') return { at: e, why: `field '${f.name}' is missing.` };
        continue;
      }
      const inner = conforms(entry.value, f.optional ? T.optional(f.type) : f.type, checker);
      if (inner) return inner;
    }
    const extra = e.entries.find((x) => !target.fields.some((f) => f.name === x.key.text));
    return extra ? { at: extra.value, why: `'${extra.key.text}' is not a field of ${displayShort(target)}.` } : undefined;
  }
  if (e.kind === 'ListLit' && target.k === 'list') {
    for (const item of e.items) {
      const inner = conforms(item, target.element, checker);
      if (inner) return inner;
    }
    return undefined;
  }
  const actual = checker.check(e);
  return assignable(actual, t) ? undefined : { at: e, why: `this is ${displayShort(widen(actual))}.` };
}

export function checkEval(ctx: Ctx, decls: Declarations, sym: Sym, graphModel: (s: Sym) => GraphModel | undefined): EvalModel {
  const d = sym.decl as EvalDecl;
  const model: EvalModel = { sym, caseType: T.any };
  const props = new Map<string, { value: Expr; key: { start: number; end: number } }>();
  const table = PROPERTY_SPECS.eval;
  for (const p of d.props) {
    if (!table[p.key.text]) {
      const dym = didYouMean(p.key.text, Object.keys(table));
      ctx.report('AG2007', p.key, `'${p.key.text}' is not a property of an eval.${dym.text || ` Known properties: ${Object.keys(table).join(', ')}.`}`, { data: { suggestion: dym.suggestion } });
      continue;
    }
    if (props.has(p.key.text)) {
      ctx.report('AG2011', p.key, `'${p.key.text}' is set twice; remove one of them.`);
      continue;
    }
    props.set(p.key.text, p);
  }

  // The graph under test.
  let g: GraphModel | undefined;
  if (!d.graph.missing) {
    const target = ctx.symbols.get(d.graph.text);
    if (!target) {
      const dym = didYouMean(d.graph.text, [...ctx.symbols.values()].filter((s) => s.kind === 'graph').map((s) => s.name));
      ctx.report('AG2001', d.graph, `Unknown graph '${d.graph.text}'.${dym.text}`, { data: { suggestion: dym.suggestion } });
    } else {
      ctx.refs.push(refToSym(d.graph.start, d.graph.end, target));
      if (target.kind !== 'graph') ctx.report('AG2009', d.graph, `An eval tests a graph, but '${target.name}' is ${target.kind === 'agent' ? 'an' : 'a'} ${target.kind}.`);
      else {
        model.graph = target;
        g = graphModel(target);
      }
    }
  }

  // Where cases come from, and their type.
  const dataset = props.get('dataset');
  const cases = props.get('cases');
  const caseProp = props.get('case');
  if (!dataset && !cases) ctx.report('AG7002', d.name, `Eval '${sym.name}' has no cases. Add \`dataset: "evals/${sym.name}.jsonl"\` or inline \`cases: [ { … } ]\`.`);
  if (dataset) {
    const v = dataset.value;
    if (v.kind !== 'StringLit') ctx.report('AG2010', v, "'dataset' takes a path in double quotes.");
    else {
      const abs = path.resolve(path.dirname(sym.file), v.value);
      if (!ctx.program.isInsideRoot(abs)) ctx.report('AG2005', v, `Dataset "${v.value}" is outside the workspace; keep it inside.`);
      else if (!/\.(jsonl|csv)$/.test(abs)) ctx.report('AG2010', v, 'A dataset is a .jsonl or .csv file.');
      else {
        const text = ctx.program.host.readFile(abs);
        if (text === undefined) ctx.report('AG7001', v, `Dataset "${v.value}" does not exist. Create it (one JSON object per line) or fix the path (relative to this spec).`, { data: { path: abs } });
        else {
          model.datasetPath = abs;
          model.caseType = inferRowType(text, abs);
        }
      }
    }
  }
  const scope0 = tableScope(new Map());
  const checker0 = new ExprChecker(ctx, scope0);
  if (cases) {
    const v = cases.value;
    if (v.kind !== 'ListLit') ctx.report('AG2010', v, "'cases' takes a list of objects: [ { … }, { … } ].");
    else {
      const inline = checker0.check(v);
      const elem = inline.k === 'list' ? inline.element : T.any;
      if (model.caseType.k === 'any') model.caseType = elem.k === 'union' ? T.any : elem;
      for (const item of v.items) {
        if (item.kind !== 'ObjectLit') {
          ctx.report('AG2010', item, 'Each case is an object holding the graph parameters and expectation fields.');
          continue;
        }
        if (!g) continue;
        for (const p of g.info.params) {
          const entry = item.entries.find((x) => x.key.text === p.name);
          if (!entry) {
            ctx.report('AG3004', item, `This case lacks '${p.name}', an input of graph '${g.sym.name}' (${p.name}: ${displayShort(p.type)}).`);
            continue;
          }
          const problem = conforms(entry.value, p.type, checker0);
          if (problem) ctx.report('AG3001', problem.at, `Graph '${g.sym.name}' expects ${p.name}: ${displayShort(p.type)}; ${problem.why}`);
        }
      }
    }
  }
  if (caseProp) {
    const v = caseProp.value;
    const target = v.kind === 'Ident' ? ctx.symbols.get(v.name) : undefined;
    if (v.kind !== 'Ident') ctx.report('AG2010', v, "'case' takes the name of a type.");
    else if (!target || target.kind !== 'type') ctx.report(target ? 'AG2009' : 'AG2001', v, `'${v.name}' is not a type.${didYouMean(v.name, [...ctx.symbols.values()].filter((s) => s.kind === 'type').map((s) => s.name)).text}`);
    else {
      ctx.refs.push(refToSym(v.start, v.end, target));
      model.caseType = ctx.types.ofDecl(target);
    }
  }
  for (const key of ['repeat', 'pass_rate', 'concurrency', 'max_cost'] as const) {
    const p = props.get(key);
    if (!p) continue;
    const spec = table[key]!;
    const v = p.value;
    if (spec.kind === 'money') {
      if (v.kind !== 'MoneyLit') ctx.report('AG2010', v, `'${key}' takes an amount such as $1.00.`);
      continue;
    }
    if (v.kind !== 'NumberLit' || (spec.kind === 'integer' && !Number.isInteger(v.value)) || (spec.min !== undefined && v.value < spec.min) || (spec.max !== undefined && v.value > spec.max)) {
      ctx.report('AG2010', v, `'${key}' takes ${spec.kind === 'integer' ? 'a whole number' : 'a number'}${spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : spec.min !== undefined ? ` of at least ${spec.min}` : ''}.`);
    }
  }

  // The judge model and the variants.
  const judge = props.get('judge');
  let judgeOk = false;
  if (judge) judgeOk = checkModelName(ctx, judge.value, "'judge'");
  const variants = props.get('variants');
  if (variants) checkVariants(ctx, variants.value, g);

  // Assertions.
  const bindings = new Map<string, Binding>();
  if (g) {
    for (const n of g.nodes.values()) {
      const r = refToSym(0, 0, n.info.sym);
      bindings.set(n.name, { ty: n.mapped ? T.list(n.info.output) : n.info.output, ref: { kind: r.kind, site: r.target, sym: n.info.sym }, node: { sym: n.info.sym, inputs: n.info.inputTy } });
    }
    for (const p of g.info.params) bindings.set(p.name, { ty: p.type, ref: { kind: 'param', site: p.site } });
    bindings.set('output', { ty: g.info.output });
  }
  bindings.set('case', { ty: model.caseType });
  bindings.set('run', { ty: RUN_TYPE });
  const checker = new ExprChecker(ctx, tableScope(bindings), assertionFunctions(ctx, judge ? judgeOk : false, sym.name));
  if (d.asserts.length === 0) ctx.report('AG7003', d.name, `Eval '${sym.name}' asserts nothing, so every case would pass. Add \`assert …\` lines, e.g. \`assert run.cost < $0.05\`.`);
  for (const a of d.asserts) checker.condition(a.expr, 'An assertion');
  return model;
}

/** `judge:` and a variant's `model:` name a declared model. */
function checkModelName(ctx: Ctx, v: Expr, what: string): boolean {
  if (v.kind === 'ErrorExpr') return false; // The parser reported it.
  if (v.kind !== 'Ident') {
    ctx.report('AG2010', v, `${what} takes the name of a model.`);
    return false;
  }
  const target = ctx.symbols.get(v.name);
  if (!target) {
    const dym = didYouMean(v.name, [...ctx.symbols.values()].filter((s) => s.kind === 'model').map((s) => s.name));
    ctx.report('AG2001', v, `Unknown model '${v.name}'.${dym.text}`, { data: { suggestion: dym.suggestion } });
    return false;
  }
  ctx.refs.push(refToSym(v.start, v.end, target));
  if (target.kind !== 'model') {
    ctx.report('AG2009', v, `${what} takes a model, but '${target.name}' is ${target.kind === 'agent' ? 'an' : 'a'} ${target.kind}.`);
    return false;
  }
  return true;
}

/** What a variant may override on an agent, and how each value is checked. */
export const VARIANT_KEYS = ['model', 'retry', 'prompt', 'system', 'temperature', 'max_tokens'] as const;

/**
 * `variants: { name: { agent: { model: m, retry: 0, prompt: "…" }, … }, … }`: each variant names
 * agents of the graph under test and overrides some of their settings. `baseline: {}` is the spec
 * as written.
 */
function checkVariants(ctx: Ctx, v: Expr, g: GraphModel | undefined): void {
  if (v.kind !== 'ObjectLit') {
    ctx.report('AG7005', v, "'variants' takes an object of named variants: { baseline: {}, cheap: { classify: { model: fast } } }.");
    return;
  }
  const agentsInGraph = new Set(g ? [...g.nodes.values()].filter((n) => n.info.sym.kind === 'agent').map((n) => n.info.sym.name) : []);
  const seen = new Set<string>();
  for (const variant of v.entries) {
    if (seen.has(variant.key.text)) ctx.report('AG2011', variant.key, `Variant '${variant.key.text}' is defined twice; rename one of them.`);
    seen.add(variant.key.text);
    if (variant.value.kind !== 'ObjectLit') {
      ctx.report('AG7005', variant.value, `Variant '${variant.key.text}' takes an object of agent overrides, e.g. { classify: { model: fast } } (or {} for the spec as written).`);
      continue;
    }
    for (const o of variant.value.entries) checkAgentOverride(ctx, o.key, o.value, agentsInGraph, g !== undefined);
  }
}

function checkAgentOverride(ctx: Ctx, key: { text: string; start: number; end: number }, value: Expr, agentsInGraph: Set<string>, haveGraph: boolean): void {
  const target = ctx.symbols.get(key.text);
  if (!target) {
    const dym = didYouMean(key.text, [...agentsInGraph]);
    ctx.report('AG2001', key, `Unknown agent '${key.text}'.${dym.text}`, { data: { suggestion: dym.suggestion } });
  } else {
    ctx.refs.push(refToSym(key.start, key.end, target));
    if (target.kind !== 'agent') ctx.report('AG2009', key, `A variant overrides agents, but '${target.name}' is a ${target.kind}.`);
    else if (haveGraph && !agentsInGraph.has(key.text)) ctx.report('AG7005', key, `Agent '${key.text}' is not a node of the graph under test, so overriding it changes nothing.`);
  }
  if (value.kind !== 'ObjectLit') {
    ctx.report('AG7005', value, `Override ${key.text}'s settings with an object, e.g. { model: fast, retry: 0 }.`);
    return;
  }
  for (const p of value.entries) {
    const k = p.key.text;
    const v = p.value;
    if (v.kind === 'ErrorExpr' && k !== 'model') continue;
    switch (k) {
      case 'model':
        checkModelName(ctx, v, "A variant's 'model'");
        break;
      case 'retry':
      case 'max_tokens':
        if (v.kind !== 'NumberLit' || !Number.isInteger(v.value) || v.value < (k === 'retry' ? 0 : 1)) ctx.report('AG7005', v, `'${k}' takes a whole number${k === 'retry' ? ' of retries (0 for none)' : ' of at least 1'}.`);
        break;
      case 'temperature':
        if (v.kind !== 'NumberLit' || v.value < 0 || v.value > 2) ctx.report('AG7005', v, "'temperature' takes a number from 0 to 2.");
        break;
      case 'prompt':
      case 'system':
        if (v.kind !== 'StringLit') ctx.report('AG7005', v, `'${k}' takes a prompt in double quotes.`);
        break;
      default: {
        const dym = didYouMean(k, [...VARIANT_KEYS]);
        ctx.report('AG7005', p.key, `A variant cannot override '${k}'.${dym.text || ` It can override ${VARIANT_KEYS.join(', ')}.`}`, { data: { suggestion: dym.suggestion } });
      }
    }
  }
}

/** `judge(text, "rubric"[, min_score])` and `is_type(value, Type)`: functions only assertions have. */
function assertionFunctions(ctx: Ctx, hasJudge: boolean, evalName: string): ExtraFunctions {
  return {
    names: ['judge', 'is_type'],
    check(e: Call, check: (x: Expr) => Ty): Ty | undefined {
      const args = e.args;
      if (e.callee.text === 'judge') {
        if (args.length < 2 || args.length > 3) {
          ctx.report('AG3008', e, 'judge() takes 2 or 3 arguments: judge(text, "rubric", min_score).');
          for (const a of args) check(a.value);
          return T.boolean;
        }
        const t = check(args[0]!.value);
        if (!isLoose(t) && !isStringy(t) && t.k !== 'object' && t.k !== 'list' && !(t.k === 'optional' && isStringy(t.inner))) ctx.report('AG3008', args[0]!, `judge() grades text (or a structured value), not ${display(t)}.`);
        const rubric = args[1]!.value;
        if (rubric.kind !== 'StringLit' || !rubric.value.trim()) ctx.report('AG3008', rubric, 'The rubric of judge() must be a non-empty string literal: what a good answer does.');
        else check(rubric);
        const min = args[2]?.value;
        if (min) {
          const mt = check(min);
          if (min.kind !== 'NumberLit' || min.value < 0 || min.value > 1) ctx.report('AG3008', min, `The minimum score of judge() is a number from 0 to 1${isNumeric(mt) ? '' : `, not ${display(mt)}`}.`);
        }
        if (!hasJudge) ctx.report('AG7004', e.callee, `This assertion asks a judge model, but eval '${evalName}' declares none (or an invalid one). Add \`judge: some_model\` to the eval.`);
        return T.boolean;
      }
      // is_type(value, Type): the value matches the JSON Schema of a declared type.
      if (args.length !== 2) {
        ctx.report('AG3008', e, 'is_type() takes 2 arguments: is_type(value, TypeName).');
        for (const a of args) check(a.value);
        return T.boolean;
      }
      check(args[0]!.value);
      const tn = args[1]!.value;
      const target = tn.kind === 'Ident' ? ctx.symbols.get(tn.name) : undefined;
      if (tn.kind !== 'Ident' || !target || target.kind !== 'type') {
        const dym = tn.kind === 'Ident' ? didYouMean(tn.name, [...ctx.symbols.values()].filter((s) => s.kind === 'type').map((s) => s.name)) : { text: '', suggestion: undefined };
        ctx.report('AG3008', tn, `is_type() checks against a declared type; ${tn.kind === 'Ident' ? `'${tn.name}' is not one.` : 'write its name.'}${dym.text}`, { data: { suggestion: dym.suggestion } });
      } else ctx.refs.push(refToSym(tn.start, tn.end, target));
      return T.boolean;
    },
  };
}
