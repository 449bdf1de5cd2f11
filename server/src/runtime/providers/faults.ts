// Fault injection for the simulated provider: seeded background rates (a flaky provider) plus
// targeted faults (this agent, these attempts) that show exactly how a retry, fallback, budget or
// supervisor policy responds. Decisions draw from the PRNG the provider derives for each call, so a
// seed reproduces the same faults in the same places.
//
// CLI spec (`--faults`), comma-separated items:
//
//   TARGET:KIND[=ARG][@WHEN][xTIMES]
//
//   TARGET  agent name or `*`, optionally `/model` (model name or model id): `answer/smart`, `*/gpt-4o`
//   KIND    timeout | 429 (rate_limit) | 500 502 503 5xx (server) | 400 (bad_request) |
//           401 403 (auth) | network | malformed (malformed_json) | invalid (invalid_output)
//   ARG     429: Retry-After in ms (`429=200`, `429=2s`); timeout: how long the call hangs first
//   WHEN    attempts `1`, `1-3`, `1|3`; or a probability `0.2`, `20%`; absent: every call
//   xTIMES  fire at most TIMES times in the run (`classify:500x2`: the first two calls fail)
//
// Example: `classify:timeout@1,*:429=500@0.2,write/smart:5xx` — classify's first attempt times out,
// every call has a 20% chance of a 429 with Retry-After 500 ms, `write` always fails on `smart`.
//
// Background rates for every call are items without a target: `KIND=RATE`, e.g.
// `rate_limit=0.2,invalid_output=0.1,error=5%` (`error` is any retryable failure).

import { ProviderError, type ModelRequest } from '../provider.ts';
import type { Rng } from './simulated-values.ts';

export type FaultKind = 'timeout' | 'rate_limit' | 'server' | 'bad_request' | 'auth' | 'network' | 'malformed_json' | 'invalid_output';

export interface TargetedFault {
  /** Agent name, or `*` for every agent. */
  agent: string;
  /** Model name (IR) or model id; any model when absent. */
  model?: string;
  kind: FaultKind;
  /** Attempt numbers (1-based) that fail; every attempt when absent. */
  attempts?: number[];
  /** Call indexes within an attempt that fail; every call when absent. */
  calls?: number[];
  /** Probability per matching call; 1 when absent. */
  rate?: number;
  /** Fire at most this many times per provider instance. */
  times?: number;
  /** For rate_limit: the Retry-After to report. */
  retryAfterMs?: number;
  /** For timeout: how long (virtual) the call hangs before failing. */
  hangMs?: number;
  /** HTTP status to report (e.g. 503 for a server fault). */
  status?: number;
}

export interface FaultRates {
  /** Any retryable failure (rate limit, server, timeout or network, chosen at random). */
  errorRate?: number;
  rateLimitRate?: number;
  timeoutRate?: number;
  malformedJsonRate?: number;
  serverErrorRate?: number;
  /** Well-formed JSON that does not match the response schema. */
  invalidOutputRate?: number;
}

export interface FaultPlan extends FaultRates {
  faults?: TargetedFault[];
  /** Retry-After reported for rate limits without their own (default 1000 ms). */
  retryAfterMs?: number;
  /** How long a simulated timeout hangs before failing (default 30 s of virtual time). */
  hangMs?: number;
}

export interface FaultDecision {
  kind: FaultKind;
  status?: number;
  retryAfterMs?: number;
  hangMs: number;
  /** Why: `targeted #2 (classify:timeout)` or `timeoutRate`. */
  reason: string;
}

const DEFAULT_HANG_MS = 30_000;
const DEFAULT_RETRY_AFTER_MS = 1000;
const STATUS: Partial<Record<FaultKind, number>> = { rate_limit: 429, server: 500, bad_request: 400, auth: 401 };

/** Decides whether this call fails. Stateful only for `times` (counted per plan instance). */
export class FaultInjector {
  private readonly fired = new Map<number, number>();

  constructor(readonly plan: FaultPlan) {}

  decide(req: ModelRequest, rng: Rng): FaultDecision | undefined {
    const plan = this.plan;
    const hang = plan.hangMs ?? DEFAULT_HANG_MS;
    const faults = plan.faults ?? [];
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      if (f.agent !== '*' && f.agent !== req.agent) continue;
      if (f.model !== undefined && f.model !== req.model.name && f.model !== req.model.modelId) continue;
      if (f.attempts && !f.attempts.includes(req.attempt)) continue;
      if (f.calls && !f.calls.includes(req.call)) continue;
      if (f.times !== undefined && (this.fired.get(i) ?? 0) >= f.times) continue;
      // Always draw, so whether fault i fires does not shift the draws of the faults after it.
      const u = rng();
      if (f.rate !== undefined && u >= f.rate) continue;
      this.fired.set(i, (this.fired.get(i) ?? 0) + 1);
      return {
        kind: f.kind,
        status: f.status ?? STATUS[f.kind],
        retryAfterMs: f.kind === 'rate_limit' ? (f.retryAfterMs ?? plan.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) : undefined,
        hangMs: f.hangMs ?? hang,
        reason: `targeted fault #${i + 1} (${f.agent}${f.model ? `/${f.model}` : ''}:${f.kind})`,
      };
    }
    const u = rng();
    const v = rng();
    const rates: [keyof FaultRates, FaultKind][] = [
      ['rateLimitRate', 'rate_limit'],
      ['timeoutRate', 'timeout'],
      ['serverErrorRate', 'server'],
      ['malformedJsonRate', 'malformed_json'],
      ['invalidOutputRate', 'invalid_output'],
      ['errorRate', 'network'],
    ];
    let acc = 0;
    for (const [key, kind0] of rates) {
      acc += clampRate(plan[key]);
      if (u >= acc) continue;
      const kind = key === 'errorRate' ? (['rate_limit', 'server', 'timeout', 'network'] as const)[Math.floor(v * 4)]! : kind0;
      return {
        kind,
        status: STATUS[kind],
        retryAfterMs: kind === 'rate_limit' ? (plan.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) : undefined,
        hangMs: hang,
        reason: key,
      };
    }
    return undefined;
  }
}

const clampRate = (r: number | undefined) => (typeof r === 'number' && Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0);

/** The error a failing decision raises (output faults are not errors: the provider answers). */
export function faultError(d: FaultDecision, req: ModelRequest): ProviderError | undefined {
  const where = `simulated ${req.model.modelId} for ${req.agent} (attempt ${req.attempt}): injected by ${d.reason}`;
  switch (d.kind) {
    case 'rate_limit':
      return new ProviderError('rate_limit', `429 rate limited, retry after ${d.retryAfterMs} ms — ${where}`, d.status, d.retryAfterMs);
    case 'server':
      return new ProviderError('server', `${d.status ?? 500} server error — ${where}`, d.status ?? 500);
    case 'timeout':
      return new ProviderError('timeout', `no answer within ${d.hangMs} ms — ${where}`);
    case 'bad_request':
      return new ProviderError('bad_request', `${d.status ?? 400} bad request — ${where}`, d.status ?? 400);
    case 'auth':
      return new ProviderError('auth', `${d.status ?? 401} unauthorized — ${where}`, d.status ?? 401);
    case 'network':
      return new ProviderError('network', `connection reset — ${where}`);
    default:
      return undefined;
  }
}

const KINDS: Record<string, { kind: FaultKind; status?: number }> = {
  timeout: { kind: 'timeout' },
  hang: { kind: 'timeout' },
  '429': { kind: 'rate_limit', status: 429 },
  rate_limit: { kind: 'rate_limit', status: 429 },
  ratelimit: { kind: 'rate_limit', status: 429 },
  '5xx': { kind: 'server', status: 500 },
  server: { kind: 'server', status: 500 },
  '400': { kind: 'bad_request', status: 400 },
  '404': { kind: 'bad_request', status: 404 },
  '422': { kind: 'bad_request', status: 422 },
  bad_request: { kind: 'bad_request', status: 400 },
  '401': { kind: 'auth', status: 401 },
  '403': { kind: 'auth', status: 403 },
  auth: { kind: 'auth', status: 401 },
  network: { kind: 'network' },
  malformed: { kind: 'malformed_json' },
  malformed_json: { kind: 'malformed_json' },
  invalid: { kind: 'invalid_output' },
  invalid_output: { kind: 'invalid_output' },
};

/** Parses a `--faults` spec (see the header); throws an Error naming the bad item. */
export function parseFaultSpec(spec: string): FaultPlan {
  const faults: TargetedFault[] = [];
  const plan: FaultPlan = {};
  for (const raw of spec.split(/[,;\s]+/).filter(Boolean)) {
    const g = /^([a-z_0-9]+)=(\d*\.?\d+)(%?)$/i.exec(raw);
    if (g && !raw.includes(':')) {
      const rate = Number(g[2]) / (g[3] ? 100 : 1);
      if (!(rate >= 0 && rate <= 1)) throw new Error(`bad fault "${raw}": a rate must be within 0..1`);
      const key = g[1]!.toLowerCase();
      const field = RATE_FIELDS[key];
      if (field) plan[field] = rate;
      else if (KINDS[key]) faults.push({ agent: '*', kind: KINDS[key].kind, ...(KINDS[key].status !== undefined ? { status: KINDS[key].status } : {}), rate });
      else throw new Error(`bad fault "${raw}": unknown kind "${g[1]}" (rate_limit, timeout, server, malformed, invalid_output, error, …)`);
      continue;
    }
    const m = /^([^:]+):([a-z_0-9]+?)(?:=(\d+(?:\.\d+)?)(ms|s)?)?(?:@([0-9.|%-]+))?(?:x(\d+))?$/i.exec(raw);
    if (!m) throw new Error(`bad fault "${raw}": expected TARGET:KIND[=ARG][@WHEN][xTIMES], e.g. classify:timeout@1`);
    const [, target, kindText, argText, argUnit, when, times] = m;
    const kind = KINDS[kindText!.toLowerCase()] ?? (/^5\d\d$/.test(kindText!) ? { kind: 'server' as const, status: Number(kindText) } : undefined);
    if (!kind) throw new Error(`bad fault "${raw}": unknown kind "${kindText}" (timeout, 429, 5xx, 400, 401, network, malformed, invalid)`);
    const [agent, model] = target!.split('/', 2);
    const f: TargetedFault = { agent: agent || '*', kind: kind.kind };
    if (model) f.model = model;
    if (kind.status !== undefined) f.status = kind.status;
    if (argText !== undefined) {
      const ms = Number(argText) * (argUnit === 's' ? 1000 : 1);
      if (kind.kind === 'rate_limit') f.retryAfterMs = ms;
      else if (kind.kind === 'timeout') f.hangMs = ms;
      else throw new Error(`bad fault "${raw}": only 429 and timeout take "=ARG"`);
    }
    if (when !== undefined) {
      if (when.includes('.') || when.endsWith('%')) {
        const rate = when.endsWith('%') ? Number(when.slice(0, -1)) / 100 : Number(when);
        if (!(rate >= 0 && rate <= 1)) throw new Error(`bad fault "${raw}": probability must be within 0..1`);
        f.rate = rate;
      } else {
        f.attempts = parseAttempts(when, raw);
      }
    }
    if (times !== undefined) f.times = Number(times);
    faults.push(f);
  }
  return { ...plan, faults };
}

const RATE_FIELDS: Record<string, keyof FaultRates> = {
  error: 'errorRate',
  errors: 'errorRate',
  rate_limit: 'rateLimitRate',
  '429': 'rateLimitRate',
  timeout: 'timeoutRate',
  server: 'serverErrorRate',
  '5xx': 'serverErrorRate',
  '500': 'serverErrorRate',
  malformed: 'malformedJsonRate',
  malformed_json: 'malformedJsonRate',
  invalid: 'invalidOutputRate',
  invalid_output: 'invalidOutputRate',
};

function parseAttempts(when: string, raw: string): number[] {
  const out: number[] = [];
  for (const part of when.split('|')) {
    const r = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!r) throw new Error(`bad fault "${raw}": attempts are written 1, 1-3 or 1|3`);
    const lo = Number(r[1]);
    const hi = r[2] !== undefined ? Number(r[2]) : lo;
    if (hi < lo || hi - lo > 1000) throw new Error(`bad fault "${raw}": bad attempt range ${part}`);
    for (let a = lo; a <= hi; a++) out.push(a);
  }
  return out;
}
