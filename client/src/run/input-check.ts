// A quick check of a graph input typed or picked in the editor, against the graph's parameters
// (the JSON Schema of its input object): valid JSON, an object, no missing required parameter, no
// unknown one when the schema forbids extras, and the right JSON type for each parameter. The run
// host checks the whole value again (runtime/schemas.ts); this catches typos before a process
// starts, with messages short enough for an input box.

type JsonSchema = Record<string, unknown>;

export type InputCheck = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Whether a value's JSON type is one the schema allows (unions through anyOf; unknown shapes pass). */
function typeAllowed(schema: unknown, v: unknown): boolean {
  if (!schema || typeof schema !== 'object') return true;
  const s = schema as JsonSchema;
  if (Array.isArray(s.anyOf)) return s.anyOf.some((x) => typeAllowed(x, v));
  if ('const' in s) return JSON.stringify(s.const) === JSON.stringify(v);
  if (Array.isArray(s.enum)) return s.enum.some((x) => JSON.stringify(x) === JSON.stringify(v));
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : undefined;
  if (!types) return true;
  const t = typeOf(v);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

/** Checks an already parsed value. */
export function checkInputValue(value: unknown, schema: JsonSchema): InputCheck {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'The input must be a JSON object with one field per graph parameter.' };
  const obj = value as Record<string, unknown>;
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const missing = required.filter((k) => !(k in obj));
  if (missing.length) return { ok: false, error: `Missing parameter${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.` };
  if (schema.additionalProperties === false) {
    const extra = Object.keys(obj).filter((k) => !(k in props));
    if (extra.length) return { ok: false, error: `Unknown parameter${extra.length > 1 ? 's' : ''}: ${extra.join(', ')} (the graph takes ${Object.keys(props).join(', ') || 'none'}).` };
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k in props && !typeAllowed(props[k], v)) return { ok: false, error: `Parameter ${k} has the wrong type (${typeOf(v)}).` };
  }
  return { ok: true, value: obj };
}

/** Parses and checks text typed by the user. */
export function checkInputText(text: string, schema: JsonSchema): InputCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return checkInputValue(value, schema);
}
