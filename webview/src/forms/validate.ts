// Checks a JSON value against the subset of JSON Schema 2020-12 the IR produces (type, enum,
// const, properties/required/additionalProperties, items, anyOf/oneOf/allOf, string lengths and
// patterns, number ranges, item counts and uniqueness, local $ref). Pure: the webview uses it for "Edit as JSON"
// fields and the extension host re-checks every submitted value with it, so a form can never hand
// the runtime a value of the wrong shape. Messages are short sentences meant for a person.

import type { JsonSchema } from './schema-model.ts';

export interface FieldError {
  /** JSON Pointer of the value (and of its control in the form): "" is the whole value. */
  path: string;
  message: string;
}

const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Appends one JSON Pointer segment. */
export function childPath(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
  array: 'a list',
  object: 'an object',
};

function typeMatches(t: string, v: unknown): boolean {
  const actual = typeOf(v);
  return t === actual || (t === 'number' && actual === 'integer');
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as JsonSchema)[k], (b as JsonSchema)[k]));
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#')) return schema;
  let cur: unknown = root;
  for (const raw of schema.$ref.slice(1).split('/').filter((s) => s !== '')) {
    if (!isObj(cur)) return {};
    cur = cur[decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isObj(cur) ? cur : {};
}

/** All problems of `value` against `schema`; an empty list means it is valid. */
export function validateValue(schema: JsonSchema, value: unknown, path = '', root: JsonSchema = schema, depth = 0): FieldError[] {
  const errors: FieldError[] = [];
  if (depth > 60) return errors;
  const s = resolve(schema, root);
  const add = (message: string, at = path) => errors.push({ path: at, message });
  if ('const' in s && !deepEqual(s.const, value)) add(`Must be ${JSON.stringify(s.const)}.`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) add(`Must be one of: ${s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}.`);
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === 'string') : [];
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    add(`Expected ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}.`);
    return errors;
  }
  const members = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (members) {
    const results = members.filter(isObj).map((m) => validateValue(m, value, path, root, depth + 1));
    if (!results.some((r) => r.length === 0)) {
      // Report the closest member's problems when one shares the value's type, else a summary.
      const sameType = results.filter((r) => !r.some((e) => e.path === path && e.message.startsWith('Expected')));
      if (sameType.length === 1) errors.push(...sameType[0]!);
      else add('Does not match any of the allowed shapes.');
    }
  }
  if (Array.isArray(s.allOf)) for (const m of s.allOf) if (isObj(m)) errors.push(...validateValue(m, value, path, root, depth + 1));
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && [...value].length < s.minLength) add(s.minLength === 1 ? 'Must not be empty.' : `At least ${s.minLength} characters.`);
    if (typeof s.maxLength === 'number' && [...value].length > s.maxLength) add(`At most ${s.maxLength} characters.`);
    if (typeof s.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value)) add(`Must match the pattern ${s.pattern}.`);
    }
  }
  if (typeof value === 'number') errors.push(...rangeErrors(s, value, path));
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) add(`At least ${s.minItems} item${s.minItems === 1 ? '' : 's'}.`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) add(`At most ${s.maxItems} item${s.maxItems === 1 ? '' : 's'}.`);
    if (s.uniqueItems === true && value.some((x, i) => value.findIndex((y) => deepEqual(x, y)) !== i)) add('The items must all be different.');
    if (isObj(s.items)) value.forEach((item, i) => errors.push(...validateValue(s.items as JsonSchema, item, childPath(path, i), root, depth + 1)));
  }
  if (isObj(value)) {
    const props = isObj(s.properties) ? s.properties : {};
    if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string' && !(r in value)) add('Required.', childPath(path, r));
    for (const [k, v] of Object.entries(value)) {
      const p = props[k];
      if (isObj(p)) errors.push(...validateValue(p, v, childPath(path, k), root, depth + 1));
      else if (s.additionalProperties === false) add(`Unknown field "${k}".`, childPath(path, k));
      else if (isObj(s.additionalProperties)) errors.push(...validateValue(s.additionalProperties, v, childPath(path, k), root, depth + 1));
    }
  }
  return errors;
}

/** The range problems of a number (integer, minimum, maximum and their exclusive forms). */
export function rangeErrors(s: JsonSchema, n: number, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const add = (message: string) => errors.push({ path, message });
  if (s.type === 'integer' && !Number.isInteger(n)) add('Must be a whole number.');
  if (typeof s.minimum === 'number' && n < s.minimum) add(`Must be at least ${s.minimum}.`);
  if (typeof s.maximum === 'number' && n > s.maximum) add(`Must be at most ${s.maximum}.`);
  if (typeof s.exclusiveMinimum === 'number' && n <= s.exclusiveMinimum) add(`Must be greater than ${s.exclusiveMinimum}.`);
  if (typeof s.exclusiveMaximum === 'number' && n >= s.exclusiveMaximum) add(`Must be less than ${s.exclusiveMaximum}.`);
  return errors;
}
