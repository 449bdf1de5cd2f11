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

export interface Checked<T = unknown> {
  ok: boolean;
  value?: T;
  /** One line per problem: `path: message`. */
  issues: string[];
}

/** Validates `value` against a JSON Schema; returns the parsed value (nulls filled in) or issues. */
export function check(schema: JsonSchema, value: unknown): Checked {
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
