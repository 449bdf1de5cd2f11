// JSON Schema → form model: which control each part of a schema becomes. Pure (no DOM), so the
// mapping is unit-tested in Node and shared by the webview and the extension host. The schemas
// come from the IR (server/src/semantics/types.ts `toJsonSchema`): objects with properties and
// required lists, string enums, const unions, anyOf with null for optionals, arrays, maps as
// additionalProperties; anything the model cannot express as controls becomes a JSON text field,
// so every schema still gets a usable form.

export type JsonSchema = Record<string, unknown>;

interface FieldBase {
  /** The schema this field stands for (after $ref resolution), used for JSON fallback checks. */
  schema: JsonSchema;
  title?: string;
  description?: string;
  default?: unknown;
}

export interface ObjectField {
  name: string;
  required: boolean;
  model: FieldModel;
}

export interface Variant {
  label: string;
  model: FieldModel;
}

export type FieldModel = FieldBase &
  (
    | { kind: 'string'; multiline: boolean; minLength?: number; maxLength?: number; pattern?: string }
    | { kind: 'number'; integer: boolean; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number }
    | { kind: 'boolean' }
    | { kind: 'enum'; values: unknown[] }
    | { kind: 'const'; value: unknown }
    | { kind: 'null' }
    | { kind: 'object'; fields: ObjectField[] }
    | { kind: 'map'; value: FieldModel }
    | { kind: 'array'; items: FieldModel; minItems?: number; maxItems?: number }
    | { kind: 'nullable'; inner: FieldModel }
    | { kind: 'variant'; variants: Variant[] }
    | { kind: 'json' }
  );

const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Property names that usually hold several lines of text (a reply body, a note). */
const MULTILINE_NAMES = /^(body|text|content|message|notes?|prompt|description|summary|comment|reason|details|answer|feedback)$/i;
const MAX_DEPTH = 40;

/** The label of an enum value: strings as they are, anything else as JSON. */
export function enumLabel(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Resolves a local `$ref` (`#/$defs/X`, `#/definitions/X`) against the root schema. */
function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((s) => s !== '')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return isObj(cur) ? cur : undefined;
}

function base(schema: JsonSchema, extra?: JsonSchema): FieldBase {
  const b: FieldBase = { schema };
  const title = str(extra?.title) ?? str(schema.title);
  const description = str(extra?.description) ?? str(schema.description);
  if (title !== undefined) b.title = title;
  if (description !== undefined) b.description = description;
  const dflt = extra && 'default' in extra ? extra.default : schema.default;
  if (dflt !== undefined) b.default = dflt;
  return b;
}

/** Builds the form model of `schema`. `name` (the property name) only guides single- vs multi-line text. */
export function buildModel(schema: JsonSchema, root: JsonSchema = schema, name?: string, depth = 0): FieldModel {
  if (depth > MAX_DEPTH) return { ...base(schema), kind: 'json' };
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    if (!target) return { ...base(schema), kind: 'json' };
    const { $ref: _ref, ...rest } = schema;
    return relabel(buildModel({ ...target, ...rest }, root, name, depth + 1), schema);
  }
  if ('const' in schema) return { ...base(schema), kind: 'const', value: schema.const };
  if (Array.isArray(schema.enum)) return { ...base(schema), kind: 'enum', values: schema.enum.slice() };
  const members = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (members) return unionModel(schema, members.filter(isObj), root, name, depth);
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t): t is string => typeof t === 'string');
    const { type: _type, ...rest } = schema;
    return unionModel(schema, types.map((t) => ({ ...rest, type: t })), root, name, depth);
  }
  switch (schema.type) {
    case 'string': {
      const m: FieldModel = { ...base(schema), kind: 'string', multiline: isMultiline(schema, name) };
      if (num(schema.minLength) !== undefined) m.minLength = num(schema.minLength);
      if (num(schema.maxLength) !== undefined) m.maxLength = num(schema.maxLength);
      if (str(schema.pattern) !== undefined) m.pattern = str(schema.pattern);
      return m;
    }
    case 'number':
    case 'integer': {
      const m: FieldModel = { ...base(schema), kind: 'number', integer: schema.type === 'integer' };
      for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) if (num(schema[k]) !== undefined) m[k] = num(schema[k]);
      return m;
    }
    case 'boolean':
      return { ...base(schema), kind: 'boolean' };
    case 'null':
      return { ...base(schema), kind: 'null' };
    case 'array': {
      if (!isObj(schema.items)) return { ...base(schema), kind: 'json' };
      const m: FieldModel = { ...base(schema), kind: 'array', items: buildModel(schema.items, root, undefined, depth + 1) };
      if (num(schema.minItems) !== undefined) m.minItems = num(schema.minItems);
      if (num(schema.maxItems) !== undefined) m.maxItems = num(schema.maxItems);
      return m;
    }
    case 'object':
      return objectModel(schema, root, depth);
    default:
      return isObj(schema.properties) ? objectModel(schema, root, depth) : { ...base(schema), kind: 'json' };
  }
}

function isMultiline(schema: JsonSchema, name: string | undefined): boolean {
  if (schema['x-multiline'] === true || schema.format === 'textarea') return true;
  if (typeof schema.contentMediaType === 'string' && schema.contentMediaType.startsWith('text/')) return true;
  if (typeof schema.description === 'string' && /markdown|plain text|multi-?line/i.test(schema.description)) return true;
  return name !== undefined && MULTILINE_NAMES.test(name);
}

function objectModel(schema: JsonSchema, root: JsonSchema, depth: number): FieldModel {
  const props = isObj(schema.properties) ? schema.properties : {};
  const names = Object.keys(props);
  const extra = schema.additionalProperties;
  if (names.length === 0 && extra !== false) {
    // A map: free keys, values of one schema (`true` or absent: any JSON value).
    const valueSchema = isObj(extra) ? extra : {};
    return { ...base(schema), kind: 'map', value: buildModel(valueSchema, root, undefined, depth + 1) };
  }
  // Fixed properties plus typed extra keys cannot be shown as one set of controls.
  if (isObj(extra) && Object.keys(extra).length > 0) return { ...base(schema), kind: 'json' };
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const fields = names.map((n) => ({ name: n, required: required.has(n), model: buildModel(isObj(props[n]) ? props[n] : {}, root, n, depth + 1) }));
  return { ...base(schema), kind: 'object', fields };
}

/** Copies the outer schema's title, description and default onto a model built from a member. */
function relabel(m: FieldModel, outer: JsonSchema): FieldModel {
  const b = base(m.schema, outer);
  return { ...m, ...b, schema: m.schema };
}

function unionModel(schema: JsonSchema, members: JsonSchema[], root: JsonSchema, name: string | undefined, depth: number): FieldModel {
  const resolved = members.map((m) => (typeof m.$ref === 'string' ? (resolveRef(m.$ref, root) ?? m) : m));
  const nonNull = resolved.filter((m) => !(m.type === 'null' || ('const' in m && m.const === null)));
  const hasNull = nonNull.length < resolved.length;
  let inner: FieldModel;
  if (nonNull.length === 0) inner = { ...base(schema), kind: hasNull ? 'null' : 'json' };
  else if (nonNull.every((m) => 'const' in m || Array.isArray(m.enum))) {
    // A union of literals ("a" | "b" | 3) is one choice among values.
    const values = nonNull.flatMap((m) => ('const' in m ? [m.const] : (m.enum as unknown[])));
    inner = { ...base(schema), kind: 'enum', values };
  } else if (nonNull.length === 1) inner = relabel(buildModel(nonNull[0]!, root, name, depth + 1), schema);
  else {
    const labels = variantLabels(nonNull);
    inner = { ...base(schema), kind: 'variant', variants: nonNull.map((m, i) => ({ label: labels[i]!, model: buildModel(m, root, name, depth + 1) })) };
  }
  if (!hasNull || inner.kind === 'null') return inner;
  return { ...base(schema), kind: 'nullable', inner: { ...inner, schema: nonNull.length === 1 ? nonNull[0]! : { anyOf: nonNull } } };
}

/**
 * Labels for the variants of a union: each member's title; else the value of a property that
 * every member fixes with a const (a discriminator like `kind`); else its type, numbered when
 * several members share one.
 */
export function variantLabels(members: JsonSchema[]): string[] {
  const disc = discriminator(members);
  const raw = members.map((m) => {
    if (typeof m.title === 'string' && m.title) return m.title;
    if (disc) return enumLabel(((m.properties as JsonSchema)[disc] as JsonSchema).const);
    if (typeof m.type === 'string') return m.type === 'array' ? 'list' : m.type;
    return isObj(m.properties) ? 'object' : 'value';
  });
  const counts = new Map<string, number>();
  for (const l of raw) counts.set(l, (counts.get(l) ?? 0) + 1);
  const seen = new Map<string, number>();
  return raw.map((l) => {
    if ((counts.get(l) ?? 0) < 2) return l;
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return `${l} ${n}`;
  });
}

function discriminator(members: JsonSchema[]): string | undefined {
  const first = members[0]?.properties;
  if (!isObj(first)) return undefined;
  for (const key of Object.keys(first)) {
    const consts = members.map((m) => (isObj(m.properties) && isObj(m.properties[key]) && 'const' in m.properties[key] ? m.properties[key].const : undefined));
    if (consts.every((c) => c !== undefined) && new Set(consts.map((c) => JSON.stringify(c))).size === members.length) return key;
  }
  return undefined;
}

/**
 * How an approval is answered with two buttons: a boolean schema (`true` / `false`), or an object
 * with a required boolean `approved` (or `approve`) whose other fields can stay empty or be filled
 * in beside the buttons (a note). Undefined when the answer needs a full form.
 */
export function approvalShape(model: FieldModel): { flag?: string } | undefined {
  if (model.kind === 'boolean') return {};
  if (model.kind !== 'object') return undefined;
  const flag = model.fields.find((f) => (f.name === 'approved' || f.name === 'approve') && f.required && f.model.kind === 'boolean');
  return flag ? { flag: flag.name } : undefined;
}
