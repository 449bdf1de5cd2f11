// Converts the JSON Schemas carried by the IR into zod schemas, so every value crossing a boundary
// (graph input and output, model answers, tool arguments and results, human answers) is checked
// with readable issues. Only the subset the IR emits is supported: object (required,
// additionalProperties false or a value schema for maps), enum/const, arrays, anyOf, and the
// primitive types. A field that admits null may also be missing; it then reads as null, because
// specs write optional fields `note?: T` and callers (and models) routinely leave them out.

import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

const cache = new WeakMap<object, z.ZodType>();

export function toZod(schema: JsonSchema): z.ZodType {
  const hit = cache.get(schema);
  if (hit) return hit;
  const made = build(schema);
  cache.set(schema, made);
  return made;
}

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the schema accepts null (so the field may be omitted). */
export function admitsNull(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  if (schema.type === 'null' || schema.const === null) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some(admitsNull);
}

function literal(v: unknown): z.ZodType {
  if (v === null) return z.null();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return z.literal(v);
  return z.unknown();
}

function union(options: z.ZodType[]): z.ZodType {
  if (options.length === 0) return z.never();
  if (options.length === 1) return options[0]!;
  return z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}

function build(s: JsonSchema): z.ZodType {
  if (Array.isArray(s.anyOf)) return union(s.anyOf.filter(isSchema).map(toZod));
  if (Array.isArray(s.oneOf)) return union(s.oneOf.filter(isSchema).map(toZod));
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) {
    const values = s.enum;
    if (values.length > 0 && values.every((v): v is string => typeof v === 'string')) return z.enum(values as [string, ...string[]]);
    return union(values.map(literal));
  }
  if (Array.isArray(s.type)) return union(s.type.map((t) => build({ ...s, type: t })));
  switch (s.type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'integer':
      return z.number().int();
    case 'boolean':
      return z.boolean();
    case 'null':
      return z.null();
    case 'array':
      return z.array(isSchema(s.items) ? toZod(s.items) : z.unknown());
    case 'object':
      return objectSchema(s);
    default:
      // `{}` (an unresolved type) accepts anything.
      return z.unknown();
  }
}

function objectSchema(s: JsonSchema): z.ZodType {
  const props = isSchema(s.properties) ? s.properties : undefined;
  if (!props) {
    // A map: string keys, every value matching additionalProperties.
    const value = isSchema(s.additionalProperties) ? toZod(s.additionalProperties) : z.unknown();
    return z.record(z.string(), value);
  }
  const required = new Set(Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === 'string') : []);
  const shape: Record<string, z.ZodType> = {};
  for (const [key, sub] of Object.entries(props)) {
    if (!isSchema(sub)) continue;
    let field = toZod(sub);
    if (admitsNull(sub)) field = field.default(null);
    else if (!required.has(key)) field = field.optional();
    shape[key] = field;
  }
  const obj = z.object(shape);
  return s.additionalProperties === false ? obj.strict() : obj;
}

/** What a fast validator returns for a value it does not accept (zod then decides, and explains). */
const NO = Symbol('no');
type Fast = (v: unknown) => unknown;

const fastCache = new WeakMap<object, Fast | null>();

/**
 * A validator compiled from the schema for the common shapes (objects of known properties,
 * arrays, primitives, literals, string enums, `T | null`), returning exactly what the zod schema
 * returns for a value it accepts (objects rebuilt in property order, unknown keys dropped,
 * nullable fields defaulted to null) or NO for anything else. Values it is unsure about (class
 * instances, unions, maps) also get NO, and zod decides: the fast path only ever says yes.
 * null when the schema has a part it does not handle (zod then checks every value).
 */
function fastOf(schema: JsonSchema): Fast | null {
  let f = fastCache.get(schema);
  if (f === undefined) fastCache.set(schema, (f = compileFast(schema)));
  return f;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const isNullSchema = (s: unknown): boolean => isSchema(s) && (s.type === 'null' || ('const' in s && s.const === null)) && !Array.isArray(s.anyOf) && !Array.isArray(s.oneOf);

function compileFast(s: JsonSchema): Fast | null {
  const options = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (options) {
    // Only `T | null` (how optional fields come): a first-match union that null alone can pass.
    const schemas = options.filter(isSchema);
    if (schemas.length !== 2 || schemas.length !== options.length) return null;
    const [a, b] = schemas as [JsonSchema, JsonSchema];
    const other = isNullSchema(a) ? b : isNullSchema(b) ? a : undefined;
    if (!other || isNullSchema(other)) return null;
    const inner = fastOf(other);
    return inner && ((v) => (v === null ? null : inner(v)));
  }
  if ('const' in s) {
    const c = s.const;
    if (c !== null && typeof c !== 'string' && typeof c !== 'number' && typeof c !== 'boolean') return null;
    return (v) => (v === c ? v : NO);
  }
  if (Array.isArray(s.enum)) {
    const values = s.enum;
    if (values.length === 0 || !values.every((v): v is string => typeof v === 'string')) return null;
    const set = new Set<unknown>(values);
    return (v) => (set.has(v) ? v : NO);
  }
  if (Array.isArray(s.type)) {
    if (s.type.length !== 2 || !s.type.includes('null')) return null;
    const t: unknown = s.type[0] === 'null' ? s.type[1] : s.type[0];
    if (t === 'null') return null;
    const inner = compileFast({ ...s, type: t });
    return inner && ((v) => (v === null ? null : inner(v)));
  }
  switch (s.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : NO);
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NO);
    case 'integer':
      return (v) => (Number.isSafeInteger(v) ? v : NO);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : NO);
    case 'null':
      return (v) => (v === null ? null : NO);
    case 'array': {
      const item = isSchema(s.items) ? fastOf(s.items) : ANY;
      if (!item) return null;
      return (v) => {
        if (!Array.isArray(v)) return NO;
        const out: unknown[] = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = item(v[i]);
          if (x === NO) return NO;
          out[i] = x;
        }
        return out;
      };
    }
    case 'object':
      return fastObject(s);
    default:
      return s.type === undefined ? ANY : null;
  }
}

/** `{}`: anything, as it is (z.unknown() neither copies nor checks). */
const ANY: Fast = (v) => v;

function fastObject(s: JsonSchema): Fast | null {
  const props = isSchema(s.properties) ? s.properties : undefined;
  if (!props) return null; // A map: zod's record rules apply.
  const required = new Set(Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === 'string') : []);
  // How each field treats a missing or undefined value: 'null' (nullable: defaults to null),
  // 'optional' (left out when absent, undefined when given as undefined), 'required'.
  const fields: { key: string; check: Fast; mode: 'null' | 'optional' | 'required' }[] = [];
  for (const [key, sub] of Object.entries(props)) {
    if (!isSchema(sub)) continue;
    if (key === '__proto__') return null;
    const check = fastOf(sub);
    if (!check) return null;
    fields.push({ key, check, mode: admitsNull(sub) ? 'null' : required.has(key) ? 'required' : 'optional' });
  }
  const known = new Set(fields.map((f) => f.key));
  const strict = s.additionalProperties === false;
  return (v) => {
    if (!isPlainObject(v)) return NO;
    if (strict) for (const k in v) if (!known.has(k)) return NO;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const x = v[f.key];
      if (x === undefined) {
        if (f.mode === 'null') out[f.key] = null;
        else if (f.mode === 'optional') {
          if (f.key in v) out[f.key] = undefined;
        } else return NO;
        continue;
      }
      const y = f.check(x);
      if (y === NO) return NO;
      out[f.key] = y;
    }
    return out;
  };
}

export interface Checked<T = unknown> {
  ok: boolean;
  value?: T;
  /** One line per problem: `path: message`. */
  issues: string[];
}

/** Validates `value` against a JSON Schema; returns the parsed value (nulls filled in) or issues. */
export function check(schema: JsonSchema, value: unknown): Checked {
  const fast = fastOf(schema);
  if (fast) {
    const v = fast(value);
    if (v !== NO) return { ok: true, value: v, issues: [] };
  }
  const r = toZod(schema).safeParse(value);
  if (r.success) return { ok: true, value: r.data, issues: [] };
  return { ok: false, issues: formatIssues(r.error) };
}

export function formatIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/**
 * Fills the parameters an edge did not pass: optional (nullable) ones become null, so an agent
 * `billing(ticket, triage, notes: list<string>?)` called without notes sees `notes` as null.
 */
export function completeArgs(params: { name: string; schema: JsonSchema }[], args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const p of params) if (!(p.name in out) && admitsNull(p.schema)) out[p.name] = null;
  return out;
}
