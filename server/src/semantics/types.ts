// Semantic types: what a type expression means once names are resolved. Expressions, edges,
// templates and assertions are checked against these; the IR and the runtime's zod schemas are
// generated from them.

export type Ty =
  | { k: 'string' }
  | { k: 'number' }
  | { k: 'integer' }
  | { k: 'boolean' }
  | { k: 'null' }
  | { k: 'duration' }
  | { k: 'money' }
  | { k: 'literal'; value: string | number | boolean }
  | { k: 'list'; element: Ty }
  | { k: 'map'; value: Ty }
  | { k: 'optional'; inner: Ty }
  | { k: 'union'; members: Ty[] }
  | { k: 'object'; fields: FieldTy[]; name?: string; doc?: string }
  /** Unknown shape (dataset rows without a declared type): anything goes, nothing is reported. */
  | { k: 'any' }
  /** Stands for a type that already produced a diagnostic; absorbs further errors. */
  | { k: 'error' };

export interface FieldTy {
  name: string;
  type: Ty;
  optional: boolean;
  doc?: string;
  /** Where the field is declared, for go-to-definition. */
  decl?: { file: string; start: number; end: number };
}

export const T = {
  string: { k: 'string' } as Ty,
  number: { k: 'number' } as Ty,
  integer: { k: 'integer' } as Ty,
  boolean: { k: 'boolean' } as Ty,
  null: { k: 'null' } as Ty,
  duration: { k: 'duration' } as Ty,
  money: { k: 'money' } as Ty,
  any: { k: 'any' } as Ty,
  error: { k: 'error' } as Ty,
  list: (element: Ty): Ty => ({ k: 'list', element }),
  literal: (value: string | number | boolean): Ty => ({ k: 'literal', value }),
  optional: (inner: Ty): Ty => (inner.k === 'optional' || inner.k === 'any' || inner.k === 'error' ? inner : { k: 'optional', inner }),
};

/** Is the type lenient (already reported, or unknown), so checks against it must stay silent? */
export function isLoose(t: Ty): boolean {
  return t.k === 'any' || t.k === 'error';
}

export function stripOptional(t: Ty): Ty {
  return t.k === 'optional' ? t.inner : t;
}

/** The base primitive of a literal: "a" → string, 3 → number or integer, true → boolean. */
export function widen(t: Ty): Ty {
  if (t.k !== 'literal') return t;
  if (typeof t.value === 'string') return T.string;
  if (typeof t.value === 'boolean') return T.boolean;
  return Number.isInteger(t.value) ? T.integer : T.number;
}

/** The literal values of a type made only of literals (a literal union), else undefined. */
export function literalValues(t: Ty): (string | number | boolean)[] | undefined {
  const s = stripOptional(t);
  if (s.k === 'literal') return [s.value];
  if (s.k === 'boolean') return [true, false];
  if (s.k !== 'union') return undefined;
  const out: (string | number | boolean)[] = [];
  for (const m of s.members) {
    const v = literalValues(m);
    if (!v) return undefined;
    out.push(...v);
  }
  return out;
}

export function isNumeric(t: Ty): boolean {
  const w = widen(stripOptional(t));
  if (w.k === 'union') return w.members.every(isNumeric);
  return w.k === 'number' || w.k === 'integer';
}

export function isStringy(t: Ty): boolean {
  const w = widen(stripOptional(t));
  if (w.k === 'union') return w.members.every(isStringy);
  return w.k === 'string';
}

export function isBooleanTy(t: Ty): boolean {
  const w = widen(t);
  if (w.k === 'union') return w.members.every(isBooleanTy);
  return w.k === 'boolean';
}

/** Can a value of type `src` be used where `dst` is expected? */
export function assignable(src: Ty, dst: Ty, depth = 0): boolean {
  if (depth > 40) return true; // Deep recursive types: assume compatible rather than loop.
  if (isLoose(src) || isLoose(dst)) return true;
  if (dst.k === 'optional') return src.k === 'null' || assignable(stripOptional(src), dst.inner, depth + 1);
  if (src.k === 'optional') return false;
  // Loops rather than every/some: callbacks capturing src, dst and depth would make V8 allocate a
  // context on every call of this function, and it runs for every argument of every edge.
  if (src.k === 'union') {
    for (const m of src.members) if (!assignable(m, dst, depth + 1)) return false;
    return true;
  }
  if (dst.k === 'union') {
    for (const m of dst.members) if (assignable(src, m, depth + 1)) return true;
    return false;
  }
  switch (dst.k) {
    case 'string':
    case 'boolean':
      return widen(src).k === dst.k;
    case 'number':
      return src.k === 'number' || src.k === 'integer' || (src.k === 'literal' && typeof src.value === 'number');
    case 'integer':
      return src.k === 'integer' || (src.k === 'literal' && typeof src.value === 'number' && Number.isInteger(src.value));
    case 'null':
    case 'duration':
    case 'money':
      return src.k === dst.k;
    case 'literal':
      return src.k === 'literal' && src.value === dst.value;
    case 'list':
      return src.k === 'list' && assignable(src.element, dst.element, depth + 1);
    case 'map':
      return src.k === 'map' && assignable(src.value, dst.value, depth + 1);
    case 'object': {
      if (src.k !== 'object') return false;
      if (src === dst) return true;
      for (const f of dst.fields) {
        const sf = findField(src.fields, f.name);
        if (!sf) {
          if (!f.optional && f.type.k !== 'optional') return false;
          continue;
        }
        const st = sf.optional ? T.optional(sf.type) : sf.type;
        const dt = f.optional ? T.optional(f.type) : f.type;
        if (!assignable(st, dt, depth + 1)) return false;
      }
      return true;
    }
  }
  return false;
}

export function fieldOf(t: Ty, name: string): FieldTy | undefined {
  const s = stripOptional(t);
  if (s.k === 'object') return findField(s.fields, name);
  return undefined;
}

/** The first field called `name`. A loop, not `find`: this runs for every `a.b` in every prompt. */
function findField(fields: readonly FieldTy[], name: string): FieldTy | undefined {
  for (let i = 0; i < fields.length; i++) if (fields[i]!.name === name) return fields[i];
  return undefined;
}

/** A readable rendering, as a TypeScript user would write it. */
export function display(t: Ty, depth = 0): string {
  switch (t.k) {
    case 'literal':
      return typeof t.value === 'string' ? JSON.stringify(t.value) : String(t.value);
    case 'list':
      return `list<${display(t.element, depth + 1)}>`;
    case 'map':
      return `map<${display(t.value, depth + 1)}>`;
    case 'optional':
      return t.inner.k === 'union' ? `(${display(t.inner, depth + 1)})?` : `${display(t.inner, depth + 1)}?`;
    case 'union':
      return t.members.map((m) => display(m, depth + 1)).join(' | ');
    case 'object':
      if (t.name && depth > 0) return t.name;
      if (depth > 2) return t.name ?? '{ … }';
      return (t.name && depth === 0 ? `${t.name} ` : '') +
        `{ ${t.fields.map((f) => `${f.name}${f.optional ? '?' : ''}: ${display(f.type, depth + 1)}`).join(', ')} }`;
    case 'any':
      return 'unknown';
    case 'error':
      return 'unknown';
    default:
      return t.k;
  }
}

/** Just the name for named objects, else the full rendering. */
export function displayShort(t: Ty): string {
  if (t.k === 'object' && t.name) return t.name;
  if (t.k === 'list' && t.element.k === 'object' && t.element.name) return `list<${t.element.name}>`;
  return display(t, 1);
}

/** A JSON Schema (draft 2020-12 subset that OpenAI structured outputs accept) for a type. */
export function toJsonSchema(t: Ty, depth = 0): Record<string, unknown> {
  if (depth > 30) return {};
  switch (t.k) {
    case 'string':
      return { type: 'string' };
    case 'number':
    case 'money':
      return { type: 'number' };
    case 'integer':
    case 'duration':
      return { type: 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    case 'null':
      return { type: 'null' };
    case 'literal':
      return { const: t.value };
    case 'list':
      return { type: 'array', items: toJsonSchema(t.element, depth + 1) };
    case 'map':
      return { type: 'object', additionalProperties: toJsonSchema(t.value, depth + 1) };
    case 'optional':
      return { anyOf: [toJsonSchema(t.inner, depth + 1), { type: 'null' }] };
    case 'union': {
      const lits = literalValues(t);
      if (lits && lits.every((v) => typeof v === 'string')) return { type: 'string', enum: lits };
      return { anyOf: t.members.map((m) => toJsonSchema(m, depth + 1)) };
    }
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const f of t.fields) {
        const s = toJsonSchema(f.optional ? T.optional(f.type) : f.type, depth + 1);
        properties[f.name] = f.doc ? { ...s, description: f.doc } : s;
      }
      const schema: Record<string, unknown> = {
        type: 'object',
        properties,
        required: t.fields.map((f) => f.name),
        additionalProperties: false,
      };
      if (t.name) schema.title = t.name;
      if (t.doc) schema.description = t.doc;
      return schema;
    }
    default:
      return {};
  }
}
