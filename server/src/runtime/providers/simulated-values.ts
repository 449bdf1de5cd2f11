// Schema-driven value generation for the simulated provider (and the fake OpenAI server in tests).
// Given a JSON Schema as the IR emits it (objects with required/properties/additionalProperties,
// enum/const, arrays, maps, anyOf with null for optionals, scalars) it produces a value that is
// valid for it, with content that looks plausible for the field's name: a `confidence` is in 0..1,
// an `invoice_id` looks like an id, a `summary` is a sentence that reuses words of the request.
// Everything is drawn from a seeded PRNG, so a seed reproduces the value exactly.

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for simulation (not for cryptography). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** cyrb53-style string hash folded to 32 bits: a seed for mulberry32 from any text. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

export function rngFor(...parts: (string | number)[]): Rng {
  return mulberry32(hashString(parts.join('\u0001')));
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length) % items.length]!;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

export interface GenContext {
  rng: Rng;
  /** Text of the request (the user message): string fields named in it take their value from it. */
  source?: string;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

const MAX_DEPTH = 8;

/** A value valid for `schema`; `name` is the property it fills (drives plausible content). */
export function generateValue(schema: unknown, ctx: GenContext, name = '', depth = 0): unknown {
  if (!isSchema(schema)) return sentence(ctx, name);
  const { rng } = ctx;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(rng, schema.enum);
  const alts = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(alts) && alts.length > 0) {
    const nonNull = alts.filter((s) => !(isSchema(s) && s.type === 'null'));
    // Optional fields are usually filled, but not always, so consumers see both shapes.
    const useNull = nonNull.length < alts.length && (nonNull.length === 0 || depth >= MAX_DEPTH || rng() < 0.25);
    return useNull ? null : generateValue(pick(rng, nonNull), ctx, name, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return generateValue(schema.allOf[0], ctx, name, depth + 1);
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    type = nonNull.length === 0 || (nonNull.length < type.length && rng() < 0.25) ? 'null' : pick(rng, nonNull);
  }
  if (type === undefined) type = isSchema(schema.properties) || isSchema(schema.additionalProperties) ? 'object' : isSchema(schema.items) ? 'array' : 'string';
  switch (type) {
    case 'object':
      return objectValue(schema, ctx, depth);
    case 'array':
      return arrayValue(schema, ctx, name, depth);
    case 'string':
      return stringValue(schema, ctx, name);
    case 'integer':
    case 'number':
      return numberValue(schema, ctx, name, type === 'integer');
    case 'boolean':
      return booleanValue(ctx, name);
    case 'null':
      return null;
    default:
      return sentence(ctx, name);
  }
}

function objectValue(schema: Schema, ctx: GenContext, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const [key, sub] of Object.entries(props)) {
    // Non-required properties are included half the time (never deep down, to bound the size).
    if (required.has(key) || (depth < MAX_DEPTH && ctx.rng() < 0.5)) out[key] = generateValue(sub, ctx, key, depth + 1);
  }
  for (const key of required) if (!(key in out)) out[key] = sentence(ctx, key);
  // A map (`map<T>`): no declared properties, values described by additionalProperties.
  if (Object.keys(props).length === 0 && isSchema(schema.additionalProperties) && depth < MAX_DEPTH) {
    const n = int(ctx.rng, 1, 3);
    for (let i = 0; i < n; i++) out[`${pick(ctx.rng, WORDS)}_${i + 1}`] = generateValue(schema.additionalProperties, ctx, '', depth + 1);
  }
  return out;
}

function arrayValue(schema: Schema, ctx: GenContext, name: string, depth: number): unknown[] {
  const maxItems = typeof schema.maxItems === 'number' ? Math.max(0, Math.floor(schema.maxItems)) : undefined;
  const min = typeof schema.minItems === 'number' ? Math.max(0, Math.ceil(schema.minItems)) : Math.min(depth >= MAX_DEPTH ? 0 : 1, maxItems ?? 1);
  const max = maxItems ?? Math.max(min, depth >= MAX_DEPTH ? min : 3);
  const n = max <= min ? min : int(ctx.rng, min, Math.min(max, Math.max(min, 3)));
  const itemName = singular(name);
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < n && tries < n * 20; tries++) {
    const v = generateValue(schema.items, ctx, itemName, depth + 1);
    const key = JSON.stringify(v);
    if (schema.uniqueItems === true && seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

function numberValue(schema: Schema, ctx: GenContext, name: string, integer: boolean): number {
  const [lo, hi] = nameRange(name.toLowerCase(), integer);
  const num = (k: string) => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  const [minimum, maximum, exMin, exMax] = [num('minimum'), num('maximum'), num('exclusiveMinimum'), num('exclusiveMaximum')];
  const ok = (v: number) =>
    (minimum === undefined || v >= minimum) && (maximum === undefined || v <= maximum) &&
    (exMin === undefined || v > exMin) && (exMax === undefined || v < exMax) && (!integer || Number.isInteger(v));
  const floor = Math.max(minimum ?? -Infinity, exMin ?? -Infinity);
  const ceil = Math.min(maximum ?? Infinity, exMax ?? Infinity);
  // The name-based range, moved inside the schema's bounds when they exclude it.
  let a = Math.max(lo, floor);
  let b = Math.min(hi, ceil);
  if (a > b) {
    a = Number.isFinite(floor) ? floor : ceil - (hi - lo);
    b = Number.isFinite(ceil) ? ceil : floor + (hi - lo);
  }
  if (integer) {
    const ia = Math.ceil(a);
    const ib = Math.floor(b);
    // Exclusive bounds can make an end of [ia, ib] invalid: try the neighbours before giving up.
    const candidates = [ib < ia ? ia : int(ctx.rng, ia, ib), ia, ia + 1, ib, ib - 1];
    return candidates.find(ok) ?? ia;
  }
  const v = Math.round((a + ctx.rng() * (b - a)) * 100) / 100;
  if (ok(v)) return v;
  const mid = (a + b) / 2;
  return ok(mid) ? mid : (Math.max(floor, -1e9) + Math.min(ceil, 1e9)) / 2;
}

/** A plausible range for a number called `n`. */
function nameRange(n: string, integer: boolean): [number, number] {
  if (/confidence|probability|score|relevance|likelihood|ratio|similarity|certainty|weight/.test(n)) return integer ? [0, 10] : [0, 1];
  if (/rate|percent|pct/.test(n)) return integer ? [0, 100] : [0, 1];
  if (/price|amount|cost|total|revenue|value|balance|usd|eur/.test(n)) return [5, 2000];
  if (/^k$|rows|limit|count|^n$|num|size|seats|quantity|days|top/.test(n)) return [1, 20];
  if (/year/.test(n)) return [2020, 2026];
  if (/ms$|millis|latency|duration/.test(n)) return [50, 5000];
  return integer ? [1, 100] : [0, 100];
}

function booleanValue(ctx: GenContext, name: string): boolean {
  // Verdict-like flags lean true, so simulated pipelines usually take their happy path.
  const positive = /^(ok|approved?|supported|complete|verified|valid|success|answerable|done|passed|accepted|safe)$|^is_|^has_/.test(name.toLowerCase());
  return ctx.rng() < (positive ? 0.8 : 0.5);
}

function stringValue(schema: Schema, ctx: GenContext, name: string): string {
  let s = (typeof schema.format === 'string' ? formatted(schema.format, ctx) : undefined) ?? fromSource(name, ctx.source) ?? namedString(name, ctx);
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  while (s.length < min) s += ` ${pick(ctx.rng, WORDS)}`;
  if (s.length > max) s = s.slice(0, max);
  return s.length < min ? s.padEnd(min, 'x') : s;
}

function formatted(format: string, ctx: GenContext): string | undefined {
  switch (format) {
    case 'date':
      return isoDate(ctx.rng);
    case 'date-time':
      return `${isoDate(ctx.rng)}T${String(int(ctx.rng, 0, 23)).padStart(2, '0')}:${String(int(ctx.rng, 0, 59)).padStart(2, '0')}:00Z`;
    case 'email':
      return `${pick(ctx.rng, NAMES).toLowerCase()}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${pick(ctx.rng, WORDS)}`;
    case 'uuid':
      return '00000000-0000-4000-8000-'.concat(String(int(ctx.rng, 0, 999999999999)).padStart(12, '0'));
    default:
      return undefined;
  }
}

/** A value for `name` copied from the request, as `name: value` or JSON `"name": "value"`. */
export function fromSource(name: string, source: string | undefined): string | undefined {
  if (!name || !source) return undefined;
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const json = new RegExp(`"${esc}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(source);
  if (json?.[1]) {
    try {
      return JSON.parse(`"${json[1]}"`) as string;
    } catch {
      return json[1];
    }
  }
  // Identifiers, URLs, dates and emails are one token; other values run to the end of the clause.
  const oneToken = /(^|_)ids?$|url|link|email|date|_on$|_at$/.test(name);
  const plain = new RegExp(`\\b${esc}\\s*[:=]\\s*(${oneToken ? '[^\\s,;{}"]+' : '[^\\n,;{}"]+'})`, 'i').exec(source);
  const v = plain?.[1]?.trim().replace(/[.)\]]+$/, '');
  if (v) return v;
  // A search-like parameter gets the request's own words.
  if (/^(query|q|question|search|topic|text)$/.test(name)) {
    const words = sourceWords(source);
    if (words.length > 0) return words.slice(0, 8).join(' ');
  }
  return undefined;
}

function namedString(name: string, ctx: GenContext): string {
  const n = name.toLowerCase();
  const { rng } = ctx;
  if (/(^|_)id$|^id_|_ids?$/.test(n)) return `${(n.replace(/_?ids?$/, '')[0] ?? 'x').toUpperCase()}-${int(rng, 1000, 99999)}`;
  if (/url|link|href|uri/.test(n)) return `https://example.com/${pick(rng, WORDS)}/${int(rng, 1, 999)}`;
  if (/email/.test(n)) return `${pick(rng, NAMES).toLowerCase()}@example.com`;
  if (/date|_on$|_at$|^from|^to$|^to_|since|until|day/.test(n)) return isoDate(rng);
  if (/sql/.test(n)) return `SELECT ${pick(rng, WORDS)}, count(*) FROM ${pick(rng, WORDS)}s GROUP BY 1 LIMIT ${int(rng, 10, 200)}`;
  if (/^(name|author|owner|assignee|person)$|_name$/.test(n)) return `${pick(rng, NAMES)} ${pick(rng, SURNAMES)}`;
  if (/title|subject|label|heading|topic|headline|metric|service|source|section|category|tag|keyword/.test(n)) return phrase(ctx, 2, 4);
  if (/unit|currency/.test(n)) return pick(rng, ['EUR', 'USD', '%', 'orders', 'ms']);
  if (/lang|locale/.test(n)) return pick(rng, ['en', 'de', 'fr']);
  if (/query|question|search|goal|step|task|instruction/.test(n)) return phrase(ctx, 4, 9);
  if (/reply|body|text|summary|answer|message|content|description|rationale|feedback|finding|note|explanation|reason|draft|comment|quote|excerpt|problem|caveat|issue|critique|analysis|plan|outline|response|output|result|report/.test(n)) {
    return Array.from({ length: int(rng, 1, 3) }, () => sentence(ctx, n)).join(' ');
  }
  return phrase(ctx, 1, 4);
}

function sentence(ctx: GenContext, _name: string): string {
  const s = phrase(ctx, 7, 14);
  return `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}.`;
}

function phrase(ctx: GenContext, lo: number, hi: number): string {
  // Mix words of the request with a general vocabulary: the text reads as about the request.
  const own = sourceWords(ctx.source);
  const n = int(ctx.rng, lo, hi);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(own.length > 0 && ctx.rng() < 0.4 ? pick(ctx.rng, own) : pick(ctx.rng, WORDS));
  return words.join(' ');
}

const sourceCache = new Map<string, string[]>();
function sourceWords(source: string | undefined): string[] {
  if (!source) return [];
  let words = sourceCache.get(source);
  if (!words) {
    words = [...new Set(source.toLowerCase().match(/[a-z][a-z'-]{3,}/g) ?? [])].slice(0, 200);
    if (sourceCache.size > 256) sourceCache.clear();
    sourceCache.set(source, words);
  }
  return words;
}

function isoDate(rng: Rng): string {
  return `2025-${String(int(rng, 1, 12)).padStart(2, '0')}-${String(int(rng, 1, 28)).padStart(2, '0')}`;
}

function singular(name: string): string {
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.endsWith('s') ? name.slice(0, -1) : name;
}

/** Plain-text answer for requests without a response schema. */
export function plainText(ctx: GenContext): string {
  return Array.from({ length: int(ctx.rng, 2, 4) }, () => sentence(ctx, 'text')).join(' ');
}

/**
 * A JSON value that is well-formed but NOT valid for `schema` (a required field missing, a value
 * outside an enum, a wrong type): how the simulated provider shows the runtime's output validation.
 */
export function invalidValue(schema: unknown, ctx: GenContext): unknown {
  if (!isSchema(schema)) return 42;
  const valid = generateValue(schema, ctx);
  if (isSchema(valid) && Array.isArray(schema.required) && schema.required.length > 0) {
    const out = { ...valid };
    delete out[String(schema.required[0])];
    return out;
  }
  if ('const' in schema || Array.isArray(schema.enum)) return '__not_an_allowed_value__';
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
    case 'boolean':
      return 'not a number';
    case 'array':
      return { not: 'an array' };
    default:
      return '__invalid__';
  }
}

const WORDS = [
  'account', 'invoice', 'refund', 'customer', 'billing', 'report', 'update', 'request', 'service', 'order',
  'payment', 'issue', 'policy', 'result', 'analysis', 'review', 'summary', 'region', 'revenue', 'incident',
  'feature', 'release', 'document', 'answer', 'source', 'error', 'status', 'plan', 'team', 'product',
  'latency', 'data', 'query', 'change', 'support', 'market', 'trend', 'metric', 'draft', 'section',
];
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Tim'];
const SURNAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Berners-Lee'];
