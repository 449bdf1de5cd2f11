// Keeps secrets out of traces, events and logs. The values of every environment variable a model
// names in `api_key_env` (and the usual provider key variables) are replaced wherever they occur,
// values under secret-looking keys are masked, and strings shaped like API keys or bearer tokens
// are masked even when nobody told us about them: a provider error that echoes a header must not
// leak a key into a trace file that gets attached to a bug report.

import type { IR } from '../ir/schema.ts';

export const REDACTED = '[REDACTED]';

const WELL_KNOWN_KEY_VARS = ['OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'GEMINI_API_KEY', 'ANTHROPIC_API_KEY', 'OLLAMA_API_KEY'];
const SECRET_KEY_NAMES = 'api[-_]?key|authorization|x-api-key|password|secret|client[-_]?secret|access[-_]?token|bearer';
const SECRET_KEY = new RegExp(`^(${SECRET_KEY_NAMES})$`, 'i');
const KEY_SHAPE_SOURCES = [String.raw`\bsk-[A-Za-z0-9_-]{16,}`, String.raw`\bBearer\s+[A-Za-z0-9._~+/=-]{12,}`, String.raw`\bAIza[0-9A-Za-z_-]{30,}`];
const KEY_SHAPES = KEY_SHAPE_SOURCES.map((src) => new RegExp(src, 'g'));
const ANY_KEY_SHAPE = new RegExp(KEY_SHAPE_SOURCES.join('|'));
/**
 * What JSON text is scanned for, in one pass: a key shape, or a secret-named key (`"api_key":`,
 * matched without regard to case like SECRET_KEY; the letters are spelled as classes because the
 * key shapes are case-sensitive).
 */
const JSON_CONCERN = new RegExp(`${KEY_SHAPE_SOURCES.join('|')}|"(?:${SECRET_KEY_NAMES.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)})":`);
/** The shortest text a key shape can match (`sk-` and 16 characters; `Bearer`, a space and 12). */
const KEY_SHAPE_MIN = 19;
/** The shortest text a secret-named key can match (`"secret":`). */
const SECRET_KEY_IN_JSON_MIN = 9;

/** Whether `s` holds a key-shaped string (texts too short for one are not scanned). */
function hasKeyShape(s: string): boolean {
  return s.length >= KEY_SHAPE_MIN && ANY_KEY_SHAPE.test(s);
}

const cache = new WeakMap<object, Map<IR | undefined, Redactor>>();

export class Redactor {
  private readonly secrets: string[];
  /** Each secret as it appears inside a JSON string (quotes and backslashes escaped). */
  private readonly jsonSecrets: string[];
  /** Texts shorter than this hold neither a known secret nor a key shape: they pass untouched. */
  private readonly minText: number;
  /** The same for JSON text (where a secret-named key also counts). */
  private readonly minJson: number;

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is replaced whole. Very short values
    // ("1", "true") would mangle ordinary text and protect nothing, so they are ignored.
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);
    this.jsonSecrets = this.secrets.map((x) => JSON.stringify(x).slice(1, -1));
    const shortestSecret = this.secrets.length ? this.secrets[this.secrets.length - 1]!.length : Infinity;
    const shortestJsonSecret = Math.min(Infinity, ...this.jsonSecrets.map((x) => x.length));
    this.minText = Math.min(shortestSecret, KEY_SHAPE_MIN);
    this.minJson = Math.min(shortestJsonSecret, KEY_SHAPE_MIN, SECRET_KEY_IN_JSON_MIN);
  }

  /**
   * Secrets are the values of the env vars the spec's models name, plus well-known key vars and
   * anything named like a key. Cached per environment object and IR, as runs repeat them.
   */
  static forRun(ir: IR | undefined, env: Readonly<Record<string, string | undefined>>, extra: string[] = []): Redactor {
    const byIr = extra.length === 0 ? cache.get(env) : undefined;
    const hit = byIr?.get(ir);
    if (hit) return hit;
    const names = new Set(WELL_KNOWN_KEY_VARS);
    for (const m of ir?.models ?? []) if (m.apiKeyEnv) names.add(m.apiKeyEnv);
    for (const k of Object.keys(env)) if (/(_API_KEY|_TOKEN|_SECRET)$/.test(k)) names.add(k);
    const values = [...names].map((n) => env[n]).filter((v): v is string => typeof v === 'string');
    const made = new Redactor([...values, ...extra]);
    if (extra.length === 0) {
      const m = cache.get(env) ?? new Map<IR | undefined, Redactor>();
      m.set(ir, made);
      cache.set(env, m);
    }
    return made;
  }

  text(s: string): string {
    if (s.length < this.minText) return s;
    let out = s;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (hasKeyShape(out)) for (const re of KEY_SHAPES) out = out.replace(re, REDACTED);
    return out;
  }

  /** JSON text of `v` with secrets removed (for trace attributes that hold structured values). */
  json(v: unknown): string {
    return this.jsonOf(v, JSON.stringify(v) ?? '');
  }

  /** Like json(v), when the caller already has `json`, the JSON text of `v`. */
  jsonOf(v: unknown, json: string): string {
    return this.jsonNeeded(json) ? (JSON.stringify(this.walk(v, 0)) ?? '') : json;
  }

  /** Whether JSON text holds a known secret, a key shape or a secret-named key. */
  jsonNeeded(json: string): boolean {
    if (json.length < this.minJson) return false;
    for (const x of this.jsonSecrets) if (json.includes(x)) return true;
    return JSON_CONCERN.test(json);
  }

  /**
   * Whether `v` holds anything to redact. One native JSON.stringify and a few substring tests are
   * far cheaper than walking every event, and almost every event is clean.
   */
  needed(v: unknown): boolean {
    if (typeof v === 'string') return v.length >= this.minText && (this.secrets.some((x) => v.includes(x)) || hasKeyShape(v));
    if (v === null || typeof v !== 'object') return false;
    const json = JSON.stringify(v);
    if (json === undefined) return false;
    return this.jsonNeeded(json);
  }

  /** `v` with every secret replaced: a redacted deep copy, or `v` itself when it is clean. */
  value<T>(v: T): T {
    return this.needed(v) ? (this.walk(v, 0) as T) : v;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.text(v);
    if (depth > 64 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => this.walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) && x !== null && x !== undefined ? REDACTED : this.walk(x, depth + 1);
    }
    return out;
  }
}
