// Reads model, tool, agent and human declarations into checked, normalised descriptions (ModelInfo,
// ToolInfo, AgentInfo, HumanInfo) that the graph checks, the cost model and the IR all use. Each
// description is built once per analysis; diagnostics are reported only for declarations in the
// file under check, so an imported file's mistakes show up in that file, not in every importer.

import * as path from 'node:path';
import type { Expr, Property, Span, StringLit } from '../syntax/ast.ts';
import { parseTemplateText } from '../syntax/templates.ts';
import { lookupModel, PROVIDERS, type ModelProfile } from '../catalog/models.ts';
import type { Code } from '../diagnostics/codes.ts';
import type { Ctx, DeclSite } from './context.ts';
import { namesOfKind, quietCtx, refToSym } from './context.ts';
import { ExprChecker, type Binding, type Scope } from './expr-checker.ts';
import type { Sym, SymbolKind } from './program.ts';
import { BACKOFF_STRATEGIES, EFFECTS, PROPERTY_SPECS, type BlockKind, type Effect, type PropertySpec } from './property-specs.ts';
import { didYouMean } from './report.ts';
import { T, type FieldTy, type Ty } from './types.ts';

export interface ParamInfo {
  name: string;
  type: Ty;
  site: DeclSite;
}

export interface CallableInfo {
  sym: Sym;
  kind: 'agent' | 'tool' | 'human' | 'graph';
  params: ParamInfo[];
  /** The parameters as one object type, which is what `inputs(node)` returns. */
  inputTy: Ty & { k: 'object' };
  output: Ty;
}

export interface ModelInfo {
  sym: Sym;
  name: string;
  provider: string;
  modelId: string;
  /** Catalog profile with the declaration's overrides applied. */
  profile: ModelProfile;
  inCatalog: boolean;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  baseUrl?: string;
  apiKeyEnv?: string;
}

export interface ToolInfo extends CallableInfo {
  kind: 'tool';
  description?: string;
  effect: Effect;
  timeoutMs?: number;
  impl?: { module: string; export: string };
  approve?: Sym;
}

export interface RetryInfo {
  max: number;
  strategy: 'exponential' | 'linear' | 'constant';
  baseMs: number;
  maxMs: number;
  jitter: boolean;
}

export interface PromptInfo {
  text: string;
  source: 'inline' | 'file';
  /** Absolute path of a file prompt. */
  path?: string;
  /** Characters of literal text, without the `{{ }}` references. */
  literalChars: number;
  /** Types of the `{{ }}` references, which decide how large the rendered prompt can get. */
  refTypes: Ty[];
}

export interface AgentInfo extends CallableInfo {
  kind: 'agent';
  model?: ModelInfo;
  fallback: ModelInfo[];
  tools: ToolInfo[];
  prompt?: PromptInfo;
  system?: PromptInfo;
  retry: RetryInfo;
  cacheTtlMs?: number;
  timeoutMs?: number;
  maxTurns: number;
  temperature?: number;
  maxTokens?: number;
  /** Spans of the `retry` and `fallback` properties, for diagnostics about re-running. */
  retrySpan?: Span;
  fallbackSpan?: Span;
}

export interface HumanInfo extends CallableInfo {
  kind: 'human';
  prompt?: PromptInfo;
  timeoutMs?: number;
}

export const DEFAULT_MAX_TURNS = 5;
export const DEFAULT_MAX_TOKENS = 1024;
const NO_RETRY: RetryInfo = { max: 0, strategy: 'exponential', baseMs: 250, maxMs: 4000, jitter: true };
const RETRY_COUNT_SPEC: PropertySpec = { kind: 'integer', min: 0, max: 20, doc: '' };

/** The required keys of each block kind, in table order (computed once, not per declaration). */
const requiredKeys = new Map<BlockKind, [string, PropertySpec][]>();
function requiredOf(kind: BlockKind): [string, PropertySpec][] {
  let out = requiredKeys.get(kind);
  if (!out) {
    out = Object.entries(PROPERTY_SPECS[kind]).filter(([, spec]) => spec.required);
    requiredKeys.set(kind, out);
  }
  return out;
}

/** Builds and caches the descriptions of declarations for one analysis. */
export class Declarations {
  private readonly models = new Map<Sym, ModelInfo>();
  private readonly callables = new Map<Sym, CallableInfo>();
  private readonly signatures = new Map<Sym, Omit<CallableInfo, 'kind'>>();

  constructor(private readonly ctx: Ctx) {}

  /** Reports only for declarations in the file under check. */
  private report(sym: Sym, code: Code, span: Span, message: string, data?: Record<string, unknown>): void {
    if (sym.file === this.ctx.file) this.ctx.report(code, span, message, data ? { data } : undefined);
  }

  private ref(sym: Sym, span: Span, target: Sym): void {
    if (sym.file === this.ctx.file) this.ctx.refs.push(refToSym(span.start, span.end, target));
  }

  /** Validates a property block's keys against its table: unknown, duplicate, missing required. */
  private props(sym: Sym, kind: BlockKind, props: Property[], ownerSpan: Span): Props {
    const table = PROPERTY_SPECS[kind];
    const out = new Props(props.length);
    for (const p of props) {
      const key = p.key.text;
      if (p.key.missing) continue;
      if (!table[key]) {
        const dym = didYouMean(key, Object.keys(table));
        this.report(sym, 'AG2007', p.key, `'${key}' is not a property of ${article(kind)} ${kind}.${dym.text || ` Known properties: ${Object.keys(table).join(', ')}.`}`, { suggestion: dym.suggestion });
        continue;
      }
      if (out.has(key)) {
        this.report(sym, 'AG2011', p.key, `'${key}' is set twice; remove one of them.`);
        continue;
      }
      out.add(p);
    }
    for (const [key, spec] of requiredOf(kind)) {
      if (!out.has(key)) {
        this.report(sym, 'AG2008', ownerSpan, `${capital(kind)} '${sym.name}' needs a '${key}' property: ${spec.doc}`, { property: key });
      }
    }
    return out;
  }

  // ------------------------------------------------------------ constant values

  private num(sym: Sym, p: Property | undefined, spec: PropertySpec | undefined): number | undefined {
    if (!p) return undefined;
    return this.numValue(sym, p.value, p.key.text, spec);
  }

  private numValue(sym: Sym, v: Expr, key: string, spec: PropertySpec | undefined): number | undefined {
    let n: number | undefined;
    if (v.kind === 'NumberLit') n = v.value;
    else if (v.kind === 'Unary' && v.op === '-' && v.operand.kind === 'NumberLit') n = -v.operand.value;
    if (n === undefined) {
      if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes a number${spec?.kind === 'integer' ? ' (a whole number)' : ''}.`);
      return undefined;
    }
    if (spec?.kind === 'integer' && !Number.isInteger(n)) {
      this.report(sym, 'AG2010', v, `'${key}' takes a whole number.`);
      return undefined;
    }
    if ((spec?.min !== undefined && n < spec.min) || (spec?.max !== undefined && n > spec.max)) {
      this.report(sym, 'AG2010', v, `'${key}' must be between ${spec?.min ?? '-∞'} and ${spec?.max ?? '∞'}; it is ${n}.`);
      return undefined;
    }
    return n;
  }

  private str(sym: Sym, p: Property | undefined): string | undefined {
    if (!p) return undefined;
    if (p.value.kind === 'StringLit') return p.value.value;
    if (p.value.kind !== 'ErrorExpr') this.report(sym, 'AG2010', p.value, `'${p.key.text}' takes a string in double quotes.`);
    return undefined;
  }

  private duration(sym: Sym, v: Expr | undefined, key: string): number | undefined {
    if (!v) return undefined;
    if (v.kind === 'DurationLit') return v.ms;
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes a duration such as 500ms, 5s, 2m, 4h or 1d.`);
    return undefined;
  }

  private money(sym: Sym, v: Expr | undefined, key: string): number | undefined {
    if (!v) return undefined;
    if (v.kind === 'MoneyLit') return v.usd;
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes an amount in dollars such as $0.10.`);
    return undefined;
  }

  private bool(sym: Sym, v: Expr | undefined, key: string): boolean | undefined {
    if (!v) return undefined;
    if (v.kind === 'BoolLit') return v.value;
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes true or false.`);
    return undefined;
  }

  /** An identifier naming a declaration of one of `kinds`. */
  private symRef(sym: Sym, v: Expr, kinds: SymbolKind[], key: string): Sym | undefined {
    if (v.kind !== 'Ident') {
      if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${key}' takes the name of ${kinds.map((k) => `${article(k)} ${k}`).join(' or ')}.`);
      return undefined;
    }
    const target = this.ctx.symbols.get(v.name);
    if (!target) {
      // (A helper rather than a callback capturing `kinds`: a capturing closure would make every
      // call of this method allocate a context, not just the failing ones.)
      const cands = namesOfKind(this.ctx, kinds);
      const dym = didYouMean(v.name, cands);
      this.report(sym, 'AG2001', v, `Unknown ${kinds.join(' or ')} '${v.name}'.${dym.text || (cands.length ? ` Declared: ${cands.slice(0, 8).join(', ')}.` : ` Declare it with \`${kinds[0]} ${v.name} …\`.`)}`, {
        suggestion: dym.suggestion,
        create: kinds[0],
        name: v.name,
      });
      return undefined;
    }
    this.ref(sym, v, target);
    if (!kinds.includes(target.kind)) {
      this.report(sym, 'AG2009', v, `'${v.name}' is ${article(target.kind)} ${target.kind}, but '${key}' needs ${kinds.map((k) => `${article(k)} ${k}`).join(' or ')}.`);
      return undefined;
    }
    return target;
  }

  private symList(sym: Sym, p: Property | undefined, kinds: SymbolKind[]): Sym[] {
    if (!p) return [];
    const v = p.value;
    const items = v.kind === 'ListLit' ? v.items : v.kind === 'Ident' ? [v] : undefined;
    if (!items) {
      if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${p.key.text}' takes a list of ${kinds[0]} names, e.g. [a, b].`);
      return [];
    }
    const out: Sym[] = [];
    for (const it of items) {
      const s = this.symRef(sym, it, kinds, p.key.text);
      if (s) {
        if (out.includes(s)) this.report(sym, 'AG2011', it, `'${s.name}' is listed twice.`);
        else out.push(s);
      }
    }
    return out;
  }

  /** `{ key: value }` objects validated against a nested table. */
  private objectProps(sym: Sym, p: Property | undefined, spec: PropertySpec): Map<string, Expr> {
    const out = new Map<string, Expr>();
    if (!p) return out;
    if (p.value.kind !== 'ObjectLit') {
      if (p.value.kind !== 'ErrorExpr') this.report(sym, 'AG2010', p.value, `'${p.key.text}' takes an object: { ${Object.keys(spec.keys ?? {}).join(', ')} }.`);
      return out;
    }
    for (const e of p.value.entries) {
      if (!spec.keys?.[e.key.text]) {
        const dym = didYouMean(e.key.text, Object.keys(spec.keys ?? {}));
        this.report(sym, 'AG2007', e.key, `'${e.key.text}' is not a key of '${p.key.text}'.${dym.text || ` Keys: ${Object.keys(spec.keys ?? {}).join(', ')}.`}`, { suggestion: dym.suggestion });
        continue;
      }
      out.set(e.key.text, e.value);
    }
    return out;
  }

  // ------------------------------------------------------------ declarations

  model(sym: Sym): ModelInfo {
    const cached = this.models.get(sym);
    if (cached) return cached;
    const d = sym.decl;
    if (d.kind !== 'ModelDecl') throw new Error('not a model');
    const spec = PROPERTY_SPECS.model;
    const props = this.props(sym, 'model', d.props, d.name);
    const provider = d.provider.text;
    if (!d.provider.missing && !(PROVIDERS as readonly string[]).includes(provider)) {
      const dym = didYouMean(provider, PROVIDERS);
      this.report(sym, 'AG2010', d.provider, `Unknown provider '${provider}'.${dym.text} Providers: ${PROVIDERS.join(', ')}.`, { suggestion: dym.suggestion });
    }
    const modelId = d.modelId?.value ?? '';
    const catalog = lookupModel(modelId);
    const price = this.objectProps(sym, props.get('price'), spec.price!);
    const caps = this.objectProps(sym, props.get('capabilities'), spec.capabilities!);
    const lat = this.objectProps(sym, props.get('latency'), spec.latency!);
    const ctxWindow = this.num(sym, props.get('context_window'), spec.context_window);
    const inPrice = this.money(sym, price.get('input'), 'input');
    const outPrice = this.money(sym, price.get('output'), 'output');
    if (!catalog && d.modelId && (inPrice === undefined || outPrice === undefined || ctxWindow === undefined)) {
      this.report(sym, 'AG5010', d.modelId, `Model "${modelId}" is not in the built-in catalog, so its cost and limits are unknown. Add \`price: { input: $…, output: $… }\` (per 1M tokens) and \`context_window: …\` to the model.`);
    }
    const base: ModelProfile = catalog ?? {
      id: modelId,
      family: 'openai',
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      inputPrice: 0,
      outputPrice: 0,
      supportsTools: true,
      supportsJsonSchema: false,
      ttftMs: 500,
      tokensPerSecond: 60,
    };
    const ttft = this.duration(sym, lat.get('ttft'), 'ttft');
    const tps = lat.get('tokens_per_second');
    const profile: ModelProfile = {
      ...base,
      contextWindow: ctxWindow ?? base.contextWindow,
      inputPrice: inPrice ?? base.inputPrice,
      outputPrice: outPrice ?? base.outputPrice,
      supportsTools: this.bool(sym, caps.get('tools'), 'tools') ?? base.supportsTools,
      supportsJsonSchema: this.bool(sym, caps.get('json_schema'), 'json_schema') ?? base.supportsJsonSchema,
      ttftMs: ttft ?? base.ttftMs,
      tokensPerSecond: (tps ? this.numValue(sym, tps, 'tokens_per_second', spec.latency!.keys!.tokens_per_second) : undefined) ?? base.tokensPerSecond,
    };
    const info: ModelInfo = {
      sym,
      name: sym.name,
      provider,
      modelId,
      profile,
      inCatalog: !!catalog,
      temperature: this.num(sym, props.get('temperature'), spec.temperature),
      maxTokens: this.num(sym, props.get('max_tokens'), spec.max_tokens),
      topP: this.num(sym, props.get('top_p'), spec.top_p),
      seed: this.num(sym, props.get('seed'), spec.seed),
      baseUrl: this.str(sym, props.get('base_url')),
      apiKeyEnv: this.str(sym, props.get('api_key_env')),
    };
    this.models.set(sym, info);
    return info;
  }

  /** Parameters and result of any node-like declaration. */
  private signature(sym: Sym): Omit<CallableInfo, 'kind'> {
    const known = this.signatures.get(sym);
    if (known) return known; // human() runs again for economics; its signature need not.
    const d = sym.decl;
    if (d.kind !== 'AgentDecl' && d.kind !== 'ToolDecl' && d.kind !== 'HumanDecl' && d.kind !== 'GraphDecl') throw new Error('not callable');
    // Kept signatures are resolved once, so their types need not be remembered by the resolver,
    // except for humans and graphs: escalation checks resolve their parameter types again.
    const types = this.ctx.types;
    const once = d.kind === 'AgentDecl' || d.kind === 'ToolDecl';
    // Sized for every parameter and trimmed if some are dropped: arrays grown by push reserve room
    // for 16 entries, and every callable keeps two of these for the whole analysis.
    const params: ParamInfo[] = new Array<ParamInfo>(d.params.length);
    const fields: FieldTy[] = new Array<FieldTy>(d.params.length);
    let n = 0;
    for (const p of d.params) {
      if (p.name.missing) continue;
      if (hasParam(params, n, p.name.text)) {
        this.report(sym, 'AG2002', p.name, `Parameter '${p.name.text}' is declared twice.`);
        continue;
      }
      const type = once ? types.resolveOnce(p.type, sym.file) : types.resolve(p.type, sym.file);
      const site = { file: sym.file, start: p.name.start, end: p.name.end };
      params[n] = { name: p.name.text, type, site };
      fields[n] = { name: p.name.text, type, optional: false, decl: site };
      n++;
    }
    if (n < params.length) {
      params.length = n;
      fields.length = n;
    }
    const output = once ? types.resolveOnce(d.result, sym.file) : types.resolve(d.result, sym.file);
    const sig = { sym, params, inputTy: { k: 'object' as const, fields }, output };
    this.signatures.set(sym, sig);
    return sig;
  }

  callable(sym: Sym): CallableInfo | undefined {
    const cached = this.callables.get(sym);
    if (cached) return cached;
    let info: CallableInfo | undefined;
    switch (sym.kind) {
      case 'agent':
        info = this.agent(sym);
        break;
      case 'tool':
        info = this.tool(sym);
        break;
      case 'human':
        info = this.human(sym);
        break;
      case 'graph': {
        const sig = this.signature(sym);
        info = { sym: sig.sym, params: sig.params, inputTy: sig.inputTy, output: sig.output, kind: 'graph' };
        break;
      }
      default:
        return undefined;
    }
    this.callables.set(sym, info);
    return info;
  }

  tool(sym: Sym): ToolInfo {
    const cached = this.callables.get(sym);
    if (cached) return cached as ToolInfo;
    const d = sym.decl;
    if (d.kind !== 'ToolDecl') throw new Error('not a tool');
    const sig = this.signature(sym);
    const props = this.props(sym, 'tool', d.props, d.name);
    let effect: Effect = 'idempotent';
    const ep = props.get('effect');
    if (ep) {
      const v = ep.value;
      if (v.kind === 'Ident' && (EFFECTS as readonly string[]).includes(v.name)) effect = v.name as Effect;
      else if (v.kind !== 'ErrorExpr') {
        const dym = v.kind === 'Ident' ? didYouMean(v.name, EFFECTS) : { text: '', suggestion: undefined };
        this.report(sym, 'AG2010', v, `'effect' is one of read, idempotent, irreversible.${dym.text}`, { suggestion: dym.suggestion });
      }
    }
    let impl: ToolInfo['impl'];
    const implStr = this.str(sym, props.get('impl'));
    if (implStr !== undefined) {
      const [mod, exp] = implStr.split('#');
      if (!mod || !exp) this.report(sym, 'AG2010', props.get('impl')!.value, `'impl' is "./module.ts#exportName": a module path relative to the spec, '#', and the exported function.`);
      else {
        const abs = path.resolve(path.dirname(sym.file), mod);
        impl = { module: abs, export: exp };
        if (!this.ctx.program.isInsideRoot(abs)) this.report(sym, 'AG2005', props.get('impl')!.value, `Tool implementation "${mod}" is outside the workspace; keep it inside.`);
      }
    }
    const approveP = props.get('approve');
    const approve = approveP ? this.symRef(sym, approveP.value, ['human'], 'approve') : undefined;
    const description = this.str(sym, props.get('description')) ?? d.doc;
    const timeoutMs = this.duration(sym, props.get('timeout')?.value, 'timeout');
    // Spelled out rather than spread from `sig`: a spread plus many added keys leaves V8 with a
    // slow dictionary-mode object, and these descriptions are read all over the checks.
    const info: ToolInfo = {
      sym: sig.sym,
      params: sig.params,
      inputTy: sig.inputTy,
      output: sig.output,
      kind: 'tool',
      description,
      effect,
      timeoutMs,
      impl,
      approve,
    };
    this.callables.set(sym, info);
    return info;
  }

  human(sym: Sym): HumanInfo {
    const d = sym.decl;
    if (d.kind !== 'HumanDecl') throw new Error('not a human');
    const sig = this.signature(sym);
    const props = this.props(sym, 'human', d.props, d.name);
    const prompt = this.prompt(sym, props.get('prompt'), paramScope(sig.params));
    const timeoutMs = this.duration(sym, props.get('timeout')?.value, 'timeout');
    const info: HumanInfo = { sym: sig.sym, params: sig.params, inputTy: sig.inputTy, output: sig.output, kind: 'human', prompt, timeoutMs };
    return info;
  }

  agent(sym: Sym): AgentInfo {
    const d = sym.decl;
    if (d.kind !== 'AgentDecl') throw new Error('not an agent');
    const sig = this.signature(sym);
    const spec = PROPERTY_SPECS.agent;
    const props = this.props(sym, 'agent', d.props, d.name);
    const modelP = props.get('model');
    const modelSym = modelP ? this.symRef(sym, modelP.value, ['model'], 'model') : undefined;
    const fallbackP = props.get('fallback');
    const toolsP = props.get('tools');
    const retryP = props.get('retry');
    const cacheP = props.get('cache');
    let cacheTtlMs: number | undefined;
    if (cacheP) {
      const v = cacheP.value;
      if (v.kind === 'Ident' && v.name === 'off') cacheTtlMs = undefined;
      else cacheTtlMs = this.duration(sym, v, 'cache');
    }
    // Read in the order the properties were always read, so diagnostics and references keep
    // their order; then one literal with every key (see tool() on why not a spread).
    const model = modelSym ? this.model(modelSym) : undefined;
    // Loops into exact-size arrays (a `.map(s => this.model(s))` here would make every call of
    // agent() allocate a context for the captured `this`).
    const fallbackSyms = this.symList(sym, fallbackP, ['model']);
    const fallback: ModelInfo[] = new Array<ModelInfo>(fallbackSyms.length);
    for (let i = 0; i < fallbackSyms.length; i++) fallback[i] = this.model(fallbackSyms[i]!);
    const toolSyms = this.symList(sym, toolsP, ['tool']);
    const tools: ToolInfo[] = new Array<ToolInfo>(toolSyms.length);
    for (let i = 0; i < toolSyms.length; i++) tools[i] = this.tool(toolSyms[i]!);
    const scope = paramScope(sig.params);
    const prompt = this.prompt(sym, props.get('prompt'), scope);
    const system = this.prompt(sym, props.get('system'), scope);
    const retry = this.retry(sym, retryP);
    const timeoutMs = this.duration(sym, props.get('timeout')?.value, 'timeout');
    const maxTurns = this.num(sym, props.get('max_turns'), spec.max_turns) ?? DEFAULT_MAX_TURNS;
    const temperature = this.num(sym, props.get('temperature'), spec.temperature);
    const maxTokens = this.num(sym, props.get('max_tokens'), spec.max_tokens);
    const info: AgentInfo = {
      sym: sig.sym,
      params: sig.params,
      inputTy: sig.inputTy,
      output: sig.output,
      kind: 'agent',
      model,
      fallback,
      tools,
      prompt,
      system,
      retry,
      cacheTtlMs,
      timeoutMs,
      maxTurns,
      temperature,
      maxTokens,
      retrySpan: retryP,
      fallbackSpan: fallbackP,
    };
    return info;
  }

  private retry(sym: Sym, p: Property | undefined): RetryInfo {
    if (!p) return NO_RETRY;
    const max = this.numValue(sym, p.value, 'retry', RETRY_COUNT_SPEC) ?? 0;
    const r: RetryInfo = { ...NO_RETRY, max };
    const b = p.backoff;
    if (!b) return r;
    if (!b.strategy.missing) {
      if ((BACKOFF_STRATEGIES as readonly string[]).includes(b.strategy.text)) r.strategy = b.strategy.text as RetryInfo['strategy'];
      else {
        const dym = didYouMean(b.strategy.text, BACKOFF_STRATEGIES);
        this.report(sym, 'AG2010', b.strategy, `Unknown backoff '${b.strategy.text}'; use exponential, linear or constant.${dym.text}`, { suggestion: dym.suggestion });
      }
    }
    let positional = 0;
    for (const a of b.args) {
      const key = a.name?.text ?? (positional++ === 0 ? 'base' : '');
      if (key === 'base') r.baseMs = this.duration(sym, a.value, 'base delay') ?? r.baseMs;
      else if (key === 'max') r.maxMs = this.duration(sym, a.value, 'max') ?? r.maxMs;
      else if (key === 'jitter') r.jitter = this.bool(sym, a.value, 'jitter') ?? r.jitter;
      else this.report(sym, 'AG2007', a, `Backoff takes a base delay, then optional \`max: <duration>\` and \`jitter: <boolean>\`.`);
    }
    if (r.maxMs < r.baseMs) r.maxMs = r.baseMs;
    return r;
  }

  /** A prompt string or file("…"): templates are type-checked against the parameters. */
  private prompt(sym: Sym, p: Property | undefined, scope: Scope): PromptInfo | undefined {
    if (!p) return undefined;
    const v = p.value;
    if (v.kind === 'StringLit') {
      const refTypes = this.templates(v, scope, sym.file === this.ctx.file);
      const refChars = v.templates.reduce((n, t) => n + (t.expr.end - t.expr.start) + 4, 0);
      return { text: v.value, source: 'inline', literalChars: Math.max(0, v.value.length - refChars), refTypes };
    }
    if (v.kind === 'Call' && v.callee.text === 'file') {
      const arg = v.args[0]?.value;
      if (v.args.length !== 1 || arg?.kind !== 'StringLit') {
        this.report(sym, 'AG2010', v, 'file() takes one path in double quotes, relative to this spec: file("prompts/x.md").');
        return undefined;
      }
      const abs = path.resolve(path.dirname(sym.file), arg.value);
      if (!this.ctx.program.isInsideRoot(abs)) {
        this.report(sym, 'AG2005', arg, `Prompt file "${arg.value}" is outside the workspace; keep prompts inside it.`);
        return undefined;
      }
      const text = this.ctx.program.host.readFile(abs);
      if (text === undefined) {
        this.report(sym, 'AG2006', arg, `Prompt file "${arg.value}" does not exist. Create it, or fix the path (relative to this spec).`, { path: abs });
        return { text: '', source: 'file', path: abs, literalChars: 0, refTypes: [] };
      }
      if (sym.file === this.ctx.file) this.fileTemplates(text, arg, scope);
      return { text, source: 'file', path: abs, ...this.measure(text, parseTemplateText(text).templates.map((t) => t.expr), scope, text) };
    }
    if (v.kind !== 'ErrorExpr') this.report(sym, 'AG2010', v, `'${p.key.text}' takes a string ("…" or """…""") or file("path").`);
    return undefined;
  }

  /** Literal size and reference types of a prompt, for the worst-case token estimate. */
  private measure(text: string, refs: Expr[], scope: Scope, source?: string): { literalChars: number; refTypes: Ty[] } {
    // Typed silently: mistakes are reported by the template checks, once.
    const quiet: Ctx = { ...this.ctx, report: () => {}, refs: [], unit: source === undefined ? this.ctx.unit : { ...this.ctx.unit, text: source } };
    const checker = new ExprChecker(quiet, scope);
    const refTypes = refs.map((e) => checker.check(e));
    const refChars = refs.reduce((n, e) => n + (e.end - e.start) + 4, 0);
    return { literalChars: Math.max(0, text.length - refChars), refTypes };
  }

  /**
   * Types `{{ }}` references (their types size the worst-case prompt) and, when `report` is set,
   * reports their mistakes with the template code so they stand out.
   */
  private templates(s: StringLit, scope: Scope, report: boolean): Ty[] {
    if (s.templates.length === 0) return [];
    if (!report) return this.quietTemplates(s, scope);
    const types: Ty[] = new Array<Ty>(s.templates.length); // Exact size: kept for the analysis.
    const checker = new ExprChecker(this.ctx, scope);
    for (let i = 0; i < s.templates.length; i++) {
      const t = s.templates[i]!;
      const before = this.ctx.diagnostics.length;
      types[i] = checker.check(t.expr);
      if (this.ctx.diagnostics.length === before) continue; // The common case: nothing to rewrite.
      const written = this.ctx.unit.text.slice(t.expr.start, t.expr.end);
      for (let k = before; k < this.ctx.diagnostics.length; k++) {
        const d = this.ctx.diagnostics[k]!;
        if (d.code === 'AG2001' || d.code === 'AG3003') {
          d.code = 'AG3006';
          d.message = `In template {{ ${written} }}: ${d.message}`;
        }
      }
    }
    return types;
  }

  /** Types the templates of a declaration in another file: their mistakes are reported there. */
  private quietTemplates(s: StringLit, scope: Scope): Ty[] {
    const checker = new ExprChecker(quietCtx(this.ctx), scope);
    return s.templates.map((t) => checker.check(t.expr));
  }

  /** Templates in a prompt file are reported at the file("…") argument, naming the line. */
  private fileTemplates(text: string, at: StringLit, scope: Scope): void {
    const parsed = parseTemplateText(text);
    const names = [...scope.names()];
    for (const d of parsed.diagnostics) {
      this.ctx.report('AG3006', at, `In ${at.value}, line ${lineOf(text, d.start)}: ${d.message}`);
    }
    for (const t of parsed.templates) {
      const e = t.expr;
      // Only the reference path is checked: a prompt file is prose, its expressions are names.
      const root = rootName(e);
      if (root && !scope.lookup(root.name)) {
        const dym = didYouMean(root.name, names);
        this.ctx.report('AG3006', at, `In ${at.value}, line ${lineOf(text, e.start)}: {{ ${text.slice(e.start, e.end)} }} refers to '${root.name}', which is not a parameter.${dym.text} Parameters: ${names.join(', ') || '(none)'}.`);
        continue;
      }
      const field = badField(e, scope);
      if (field) this.ctx.report('AG3006', at, `In ${at.value}, line ${lineOf(text, e.start)}: {{ ${text.slice(e.start, e.end)} }}: ${field}`);
    }
  }
}

/** Is `name` among the first `count` parameters? Lists are short: a scan beats a set per declaration. */
function hasParam(params: readonly ParamInfo[], count: number, name: string): boolean {
  for (let i = 0; i < count; i++) if (params[i]!.name === name) return true;
  return false;
}

/**
 * A declaration's accepted properties, in order. Blocks hold a handful, so a list with scans is
 * cheaper to build than a Map, and every declaration builds one.
 */
class Props {
  private readonly list: Property[];
  private count = 0;

  /** `capacity`: how many properties the block has, the most that can be accepted. */
  constructor(capacity: number) {
    this.list = new Array<Property>(capacity);
  }

  add(p: Property): void {
    this.list[this.count++] = p;
  }

  get(key: string): Property | undefined {
    for (let i = 0; i < this.count; i++) if (this.list[i]!.key.text === key) return this.list[i];
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/**
 * The parameters of a declaration as an expression scope, for its prompts. A class over the
 * parameter list rather than a Map and closures: every agent makes one.
 */
class ParamScope implements Scope {
  private readonly bindings: Binding[];

  constructor(private readonly params: readonly ParamInfo[]) {
    this.bindings = params.map((p) => ({ ty: p.type, ref: { kind: 'param', site: p.site } }));
  }

  lookup(name: string): Binding | undefined {
    // Parameter names are unique (signature() drops duplicates), so the first match is the one.
    for (let i = 0; i < this.params.length; i++) if (this.params[i]!.name === name) return this.bindings[i];
    return undefined;
  }

  *names(): Iterable<string> {
    for (const p of this.params) yield p.name;
  }
}

function paramScope(params: ParamInfo[]): Scope {
  return new ParamScope(params);
}

function rootName(e: Expr): { name: string } | undefined {
  if (e.kind === 'Ident') return e;
  if (e.kind === 'Member') return rootName(e.object);
  if (e.kind === 'Index') return rootName(e.object);
  return undefined;
}

/** Walks `a.b.c` through the types and describes the first missing field. */
function badField(e: Expr, scope: Scope): string | undefined {
  const chain: string[] = [];
  let cur: Expr = e;
  while (cur.kind === 'Member') {
    chain.unshift(cur.property.text);
    cur = cur.object;
  }
  if (cur.kind !== 'Ident') return undefined;
  let t: Ty = scope.lookup(cur.name)?.ty ?? T.any;
  for (const name of chain) {
    const s = t.k === 'optional' ? t.inner : t;
    if (s.k !== 'object') return undefined;
    const f = s.fields.find((x) => x.name === name);
    if (!f) {
      const dym = didYouMean(name, s.fields.map((x) => x.name));
      return `${s.name ? `type '${s.name}'` : 'this object'} has no field '${name}'.${dym.text}`;
    }
    t = f.type;
  }
  return undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
