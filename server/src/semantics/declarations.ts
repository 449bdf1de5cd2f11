// Reads model, tool, agent and human declarations into checked, normalised descriptions (ModelInfo,
// ToolInfo, AgentInfo, HumanInfo) that the graph checks, the cost model and the IR all use. Each
// description is built once per analysis; diagnostics are reported only for declarations in the
// file under check, so an imported file's mistakes show up in that file, not in every importer.
//
// The work is split by what is read: property-reader.ts reads and validates constant property
// values, prompt-reader.ts reads prompts and their templates, and this file builds each kind of
// declaration from them. The description shapes are in declaration-info.ts.

import * as path from 'node:path';
import type { Property } from '../syntax/ast.ts';
import { lookupModel, PROVIDERS, type ModelProfile } from '../catalog/models.ts';
import type { AgentInfo, CallableInfo, HumanInfo, ModelInfo, ParamInfo, RetryInfo, ToolInfo } from './declaration-info.ts';
import { DEFAULT_MAX_TURNS } from './declaration-info.ts';
import type { Sym } from './program.ts';
import { BACKOFF_STRATEGIES, EFFECTS, PROPERTY_SPECS, type Effect, type PropertySpec } from './property-specs.ts';
import { paramScope, PromptReader } from './prompt-reader.ts';
import { didYouMean } from './report.ts';
import type { FieldTy } from './types.ts';

// The shapes are imported from here by most of their readers.
export type { AgentInfo, CallableInfo, HumanInfo, ModelInfo, ParamInfo, PromptInfo, RetryInfo, ToolInfo } from './declaration-info.ts';
export { DEFAULT_MAX_TOKENS, DEFAULT_MAX_TURNS } from './declaration-info.ts';

const NO_RETRY: RetryInfo = { max: 0, strategy: 'exponential', baseMs: 250, maxMs: 4000, jitter: true };
const RETRY_COUNT_SPEC: PropertySpec = { kind: 'integer', min: 0, max: 20, doc: '' };

/** Builds and caches the descriptions of declarations for one analysis. */
export class Declarations extends PromptReader {
  private readonly models = new Map<Sym, ModelInfo>();
  private readonly callables = new Map<Sym, CallableInfo>();
  private readonly signatures = new Map<Sym, Omit<CallableInfo, 'kind'>>();

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
}

/** Is `name` among the first `count` parameters? Lists are short: a scan beats a set per declaration. */
function hasParam(params: readonly ParamInfo[], count: number, name: string): boolean {
  for (let i = 0; i < count; i++) if (params[i]!.name === name) return true;
  return false;
}
